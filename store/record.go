package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/rules"
)

// Intake is one message that came in, judged, ready to be recorded.
type Intake struct {
	Key        string // dedupe key: intake.Message.Key() ("mid:<id>" or "sha256:<hex>")
	MessageID  string // without angle brackets ("" when the message has none)
	From       string
	FromName   string
	Subject    string
	ReceivedAt time.Time // zero means the DB clock's now
	Raw        []byte    // the raw message, stored in bucket "raw" under Key

	Outcome      rules.Outcome
	Category     rules.Category
	Lang         rules.Lang
	Findings     []rules.Finding
	Reasons      []rules.Reason
	Organization string
	DeductsQuota bool
	Warranty     bool   // counted in the warranty counter instead of deducting
	Period       string // ledger period key computed by the caller, e.g. "2026-11"
	Included     int    // tickets included in that period; 0 = no over-plan decision
	Attachments  []intake.Attachment

	Prefix                string // ticket number prefix, e.g. "SUP"
	MaxAutoRepliesPerHour int    // per-recipient cap on automatic emails (0 = unlimited)
	Hold                  Hold   // per-contact rate of new tickets: over it the message is held
	NoReply               string // why Compose answers nothing, for the turned-away record

	// Compose builds the emails to send for this intake, given the ticket
	// just created (nil for rejected or ignored mail). It runs inside the
	// write transaction after the number and over-plan are decided, so it
	// must be pure and quick (no I/O) and must not keep or modify the
	// ticket. Its error aborts the whole Record. Nil means no email.
	Compose func(t *Ticket) ([]Outgoing, error)
}

// Outgoing is one email Compose wants sent.
type Outgoing struct {
	Kind      string // e.g. "receipt", "missing_info", "rejection"
	To        string // recipient address
	MessageID string // Message-ID the email will carry (angle brackets optional)
	Payload   []byte // opaque to the store: what the sender needs to build the email
	// CapKey keys the per-recipient cap (the contact's base address, so
	// that plus sub-addresses count as their contact); "" means To.
	CapKey string
	// KindCapPerHour caps the emails of this Kind to all recipients
	// together in any hour (0: no such cap).
	KindCapPerHour int
	// Uncapped exempts the email from every cap: team notifications,
	// relayed agent replies and webhook events, which the caps on
	// customers' addresses are not about.
	Uncapped bool
}

// Result is what Record did.
type Result struct {
	// Duplicate is true when the key was seen before: nothing was written
	// and nothing queued.
	Duplicate bool
	// Ticket is the created ticket (for a duplicate, the existing one);
	// nil when the message made no ticket.
	Ticket *Ticket
	// Queued are the outbox items appended, in Compose's order.
	Queued []OutboxItem
	// Suppressed counts emails not queued because of the per-recipient cap.
	Suppressed int
}

// dedupeRecord is what a dedupe key led to.
type dedupeRecord struct {
	Number       string    `json:"number,omitempty"`         // ticket created
	TurnedAwayID uint64    `json:"turned_away_id,omitempty"` // or turned-away record
	At           time.Time `json:"at"`
}

// Record stores one incoming message and everything it causes in a single
// write transaction: the dedupe record, the raw message, and either a new
// numbered ticket (with its ledger deduction and Message-ID index entries)
// or a turned-away record; then the emails Compose returns, subject to the
// per-recipient cap, are appended to the outbox. A key seen before makes
// Record write nothing and return Result.Duplicate. Any error, including
// one from Compose, leaves the database unchanged. Record does not keep
// in.Raw or any other slice of in after it returns.
func (db *DB) Record(in *Intake) (*Result, error) {
	if err := in.validate(); err != nil {
		return nil, fmt.Errorf("record: %w", err)
	}
	var res *Result
	err := db.update(func(tx *bolt.Tx) error {
		var err error
		res, err = record(tx, in, db.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("record %q: %w", in.Key, err)
	}
	return res, nil
}

// RecordBatch is Record for many messages in one write transaction: one
// commit, and so one pair of fsyncs, for the whole batch. It is all or
// nothing: any error leaves the database unchanged, and the caller may
// then record the messages one by one. A key seen twice in the batch is a
// duplicate the second time, as with two Records.
func (db *DB) RecordBatch(ins []*Intake) ([]*Result, error) {
	for _, in := range ins {
		if err := in.validate(); err != nil {
			return nil, fmt.Errorf("record batch: %w", err)
		}
	}
	var results []*Result
	err := db.update(func(tx *bolt.Tx) error {
		results = results[:0]
		now := db.now()
		for _, in := range ins {
			res, err := record(tx, in, now)
			if err != nil {
				return fmt.Errorf("%q: %w", in.Key, err)
			}
			results = append(results, res)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("record batch of %d: %w", len(ins), err)
	}
	return results, nil
}

// seenBefore looks key up in the dedupe records: a message seen before
// gives a duplicate Result (with the ticket it made, if any), a new one nil.
func seenBefore(tx *bolt.Tx, key []byte) (*Result, error) {
	var prev dedupeRecord
	found, err := getJSON(tx.Bucket(bucketDedupe), key, &prev)
	if err != nil || !found {
		return nil, err
	}
	res := &Result{Duplicate: true}
	if prev.Number != "" {
		if res.Ticket, err = getTicket(tx, prev.Number); err != nil {
			return nil, fmt.Errorf("ticket %s of earlier copy: %w", prev.Number, err)
		}
	}
	return res, nil
}

func record(tx *bolt.Tx, in *Intake, now time.Time) (*Result, error) {
	key := []byte(in.Key)
	if dup, err := seenBefore(tx, key); dup != nil || err != nil {
		return dup, err
	}

	received := in.ReceivedAt
	if received.IsZero() {
		received = now
	}
	dedupe := dedupeRecord{At: now}
	var (
		t   *Ticket
		ta  *TurnedAwayRecord
		err error
	)
	held := false
	if registered(in.Outcome) {
		if held, err = holds(tx, in, received, now); err != nil {
			return nil, err
		}
	}
	if registered(in.Outcome) && !held {
		if t, err = newTicket(tx, in, received, now); err != nil {
			return nil, err
		}
		dedupe.Number = t.Number
	} else {
		if ta, err = newTurnedAway(tx, in, received, now); err != nil {
			return nil, err
		}
		dedupe.TurnedAwayID = ta.ID
	}
	if err := tx.Bucket(bucketRaw).Put(key, in.Raw); err != nil {
		return nil, fmt.Errorf("store raw message (%d bytes): %w", len(in.Raw), err)
	}

	var outs []Outgoing
	noReply := in.NoReply
	if held {
		ta.Reason, ta.Contact = ReasonHeld, in.Hold.Contact
		if outs, noReply, err = heldNotice(tx, in, now); err != nil {
			return nil, fmt.Errorf("compose held notice: %w", err)
		}
	} else if in.Compose != nil {
		var arg *Ticket
		if t != nil {
			arg = t.clone()
		}
		if outs, err = in.Compose(arg); err != nil {
			return nil, fmt.Errorf("compose: %w", err)
		}
	}
	number := ""
	if t != nil {
		number = t.Number
	}
	if t == nil {
		// The one reply (rejection or held notice), not the team's webhook
		// events, decides whether the sender was answered.
		if replies := slices.DeleteFunc(slices.Clone(outs), func(o Outgoing) bool { return o.Uncapped }); len(replies) == 1 {
			noReply = wouldSuppress(tx, replies[0], in.MaxAutoRepliesPerHour, now)
		}
	}
	queued, suppressed, err := enqueue(tx, outs, number, in.MaxAutoRepliesPerHour, now)
	if err != nil {
		return nil, err
	}
	var sentIDs []string
	for _, q := range queued {
		if q.MessageID != "" {
			sentIDs = append(sentIDs, q.MessageID)
		}
	}

	if t != nil {
		if err := saveWithQueued(tx, t, t.MessageIDs, queued); err != nil { // a new ticket: every ID is new
			return nil, err
		}
	} else {
		ta.Replies = sentIDs
		if len(sentIDs) == 0 {
			ta.NoReply = noReply
		}
		if err := putTurnedAway(tx, ta); err != nil {
			return nil, err
		}
	}
	if err := putJSON(tx.Bucket(bucketDedupe), key, &dedupe); err != nil {
		return nil, err
	}
	return &Result{Ticket: t, Queued: queued, Suppressed: suppressed}, nil
}

// newTicket numbers a ticket for in and charges the ledger. It does not
// store the ticket.
func newTicket(tx *bolt.Tx, in *Intake, received, now time.Time) (*Ticket, error) {
	seq, err := tx.Bucket(bucketTickets).NextSequence()
	if err != nil {
		return nil, fmt.Errorf("allocate ticket number: %w", err)
	}
	msgID := trimMsgID(in.MessageID)
	t := &Ticket{
		Number:       FormatNumber(in.Prefix, seq),
		Seq:          seq,
		Organization: in.Organization,
		Sender:       strings.ToLower(strings.TrimSpace(in.From)),
		SenderName:   in.FromName,
		Subject:      in.Subject,
		Category:     in.Category,
		Status:       StatusNeedsInfo,
		Lang:         in.Lang,
		Findings:     slices.Clone(in.Findings),
		Reasons:      slices.Clone(in.Reasons),
		ReceivedAt:   received,
		DeductsQuota: in.DeductsQuota && !in.Warranty,
		Warranty:     in.Warranty,
		Attachments:  slices.Clone(in.Attachments),
		UpdatedAt:    now,
		Messages: []MessageRef{{
			Key:         in.Key,
			MessageID:   msgID,
			ReceivedAt:  received,
			From:        strings.ToLower(strings.TrimSpace(in.From)),
			Attachments: slices.Clone(in.Attachments),
		}},
	}
	ensureToken(t)
	if in.Outcome == rules.Accepted {
		t.Status = StatusOpen
		t.SLAStartedAt = received
	}
	if msgID != "" {
		t.MessageIDs = []string{msgID}
	}
	if t.DeductsQuota || t.Warranty {
		t.Period = in.Period
		if t.OverPlan, t.PeriodUsed, err = charge(tx, in.Organization, in.Period, t.Warranty, in.Included); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// indexMessageIDs points every id at the ticket number.
func indexMessageIDs(tx *bolt.Tx, number string, ids []string) error {
	b := tx.Bucket(bucketMsgIDs)
	for _, id := range ids {
		if err := b.Put([]byte(id), []byte(number)); err != nil {
			return fmt.Errorf("index message-id %q: %w", id, err)
		}
	}
	return nil
}

func registered(o rules.Outcome) bool {
	return o == rules.Accepted || o == rules.NeedsInfo
}

// validate reports what in lacks, wrapping ErrInvalid.
func (in *Intake) validate() error {
	switch {
	case in == nil:
		return fmt.Errorf("%w: nil intake", ErrInvalid)
	case in.Key == "":
		return fmt.Errorf("%w: empty dedupe key", ErrInvalid)
	case len(in.Key) > bolt.MaxKeySize:
		return fmt.Errorf("%w: dedupe key of %d bytes", ErrInvalid, len(in.Key))
	}
	switch in.Outcome {
	case rules.Accepted, rules.NeedsInfo:
		if in.Prefix == "" {
			return fmt.Errorf("%w: empty ticket prefix", ErrInvalid)
		}
		if (in.DeductsQuota || in.Warranty) && in.Period == "" {
			return fmt.Errorf("%w: empty ledger period", ErrInvalid)
		}
		if id := trimMsgID(in.MessageID); len(id) > bolt.MaxKeySize {
			return fmt.Errorf("%w: message-id of %d bytes", ErrInvalid, len(id))
		}
	case rules.Rejected, rules.Ignored:
	default:
		return fmt.Errorf("%w: unknown outcome %q", ErrInvalid, in.Outcome)
	}
	return nil
}

// clone returns a copy of t that shares no slices with it.
func (t *Ticket) clone() *Ticket {
	c := *t
	c.Findings = slices.Clone(t.Findings)
	c.Reasons = slices.Clone(t.Reasons)
	c.MessageIDs = slices.Clone(t.MessageIDs)
	c.Attachments = slices.Clone(t.Attachments)
	c.Conversation = slices.Clone(t.Conversation)
	c.Messages = make([]MessageRef, len(t.Messages))
	for i, m := range t.Messages {
		m.Attachments = slices.Clone(m.Attachments)
		c.Messages[i] = m
	}
	return &c
}
