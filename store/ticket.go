package store

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/rules"
)

// Status is where a ticket stands. The values are a public contract.
type Status string

// Ticket statuses.
const (
	StatusNeedsInfo Status = "needs_info" // registered, waiting for the customer
	StatusOpen      Status = "open"       // complete; the SLA clock runs
	StatusClosed    Status = "closed"
)

// Ticket is one registered support request.
type Ticket struct {
	Number       string          `json:"number"` // "<prefix>-NNNNNN", e.g. SUP-000042
	Seq          uint64          `json:"seq"`
	Organization string          `json:"organization"`
	Sender       string          `json:"sender"` // lower-case address
	SenderName   string          `json:"sender_name,omitempty"`
	Subject      string          `json:"subject"`
	Category     rules.Category  `json:"category"`
	Status       Status          `json:"status"`
	Lang         rules.Lang      `json:"lang"`
	Findings     []rules.Finding `json:"findings,omitempty"`
	// Reasons say why the rules judged as they did: the sentence that
	// decided the category, the units taken for separate problems, what
	// counted as evidence. For support staff only.
	Reasons      []rules.Reason `json:"reasons,omitempty"`
	ReceivedAt   time.Time      `json:"received_at"`
	SLAStartedAt time.Time      `json:"sla_started_at"` // zero until complete (status open)
	DeductsQuota bool           `json:"deducts_quota"`
	Warranty     bool           `json:"warranty"`
	OverPlan     bool           `json:"over_plan"`
	Period       string         `json:"period,omitempty"` // ledger period the ticket counted in
	// PeriodUsed is how many tickets the period had used, this one
	// included, when the ticket was registered (for the receipt).
	PeriodUsed int `json:"period_used,omitempty"`
	// MessageIDs are every Message-ID of the conversation, without angle
	// brackets: the customer's and those of emails ticketd queued.
	MessageIDs []string `json:"message_ids,omitempty"`
	// Messages are the customer's messages of the ticket, oldest first.
	Messages []MessageRef `json:"messages"`
	// Attachments are those of the first message (MessageRef has each
	// message's own).
	Attachments []intake.Attachment `json:"attachments,omitempty"`
	// LastAckAt is when a follow-up on the open ticket was last
	// acknowledged (at most one acknowledgement an hour).
	LastAckAt time.Time `json:"last_ack_at"`
	ClosedAt  time.Time `json:"closed_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// RawPrunedAt is when DB.Prune deleted the raw messages of the closed
	// ticket (zero while they are kept); each MessageRef says it too.
	RawPrunedAt time.Time `json:"raw_pruned_at,omitzero"`
	// ErasedAt is when DB.EraseSender removed the sender's personal data
	// from the ticket (number, organization, category, status, dates and
	// ledger counts stay).
	ErasedAt time.Time `json:"erased_at,omitzero"`
	// Token is the ticket's secret in the Message-IDs of the team's
	// notifications: an agent's email counts as an answer to the ticket
	// only when it names one of them.
	Token string `json:"token,omitempty"`
	// Conversation is what support did on the ticket (answers, notes,
	// actions), oldest first; Messages are the customer's side.
	Conversation []Entry `json:"conversation,omitempty"`
	// RemindedAt is when the customer was reminded of the information a
	// needs_info ticket still waits for (once).
	RemindedAt time.Time `json:"reminded_at,omitzero"`
	// Assignee is the console user the ticket is assigned to ("" for
	// nobody).
	Assignee string `json:"assignee,omitempty"`
	// SLAPaused is how long the ticket was closed after its SLA clock
	// started, summed over every reopening: the clock does not run while
	// the ticket is closed (see SLAElapsed).
	SLAPaused time.Duration `json:"sla_paused_ns,omitempty"`
}

// SLAElapsed is how long the SLA clock of t has run at now: 0 before it
// started (SLAStartedAt zero), now − SLAStartedAt − SLAPaused while the
// ticket is not closed, and frozen at ClosedAt while it is closed.
func (t *Ticket) SLAElapsed(now time.Time) time.Duration {
	if t.SLAStartedAt.IsZero() {
		return 0
	}
	end := now
	if t.Status == StatusClosed && !t.ClosedAt.IsZero() {
		end = t.ClosedAt
	}
	return max(end.Sub(t.SLAStartedAt)-t.SLAPaused, 0)
}

// MessageRef is one customer message of a ticket. Its raw bytes are
// available from DB.Raw(Key).
type MessageRef struct {
	Key         string              `json:"key"` // dedupe key
	MessageID   string              `json:"message_id,omitempty"`
	ReceivedAt  time.Time           `json:"received_at"`
	From        string              `json:"from"`
	Attachments []intake.Attachment `json:"attachments,omitempty"`
	// RawPrunedAt is when the raw message was deleted by retention or
	// erasure: DB.Raw(Key) then returns ErrPruned.
	RawPrunedAt time.Time `json:"raw_pruned_at,omitzero"`
}

// TicketFilter selects tickets; zero fields match everything.
type TicketFilter struct {
	Org    string
	Status Status
	Since  time.Time // ReceivedAt at or after Since
}

func (f TicketFilter) match(t *Ticket) bool {
	return (f.Org == "" || t.Organization == f.Org) &&
		(f.Status == "" || t.Status == f.Status) &&
		(f.Since.IsZero() || !t.ReceivedAt.Before(f.Since))
}

// FormatNumber returns the ticket number for prefix and seq, e.g.
// FormatNumber("SUP", 42) == "SUP-000042".
func FormatNumber(prefix string, seq uint64) string {
	return fmt.Sprintf("%s-%06d", prefix, seq)
}

// ParseNumber turns a ticket number as people type it into the ticket
// number with prefix: "5", "000005" and "SUP-000005" (any case) all name
// SUP-000005. The error says what is wrong with arg.
func ParseNumber(prefix, arg string) (string, error) {
	digits := strings.TrimSpace(arg)
	if i := strings.LastIndexByte(digits, '-'); i >= 0 {
		if !strings.EqualFold(digits[:i], prefix) {
			return "", fmt.Errorf("%q is not a ticket number of this desk (%s-NNNNNN)", oneline.Cut(arg, 40), prefix)
		}
		digits = digits[i+1:]
	}
	seq, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || seq == 0 || strings.TrimLeft(digits, "0123456789") != "" {
		return "", fmt.Errorf("%q is not a ticket number (%s-000005, 000005 or 5)", oneline.Cut(arg, 40), prefix)
	}
	return FormatNumber(prefix, seq), nil
}

// parseSeq extracts the sequence from a ticket number.
func parseSeq(number string) (uint64, bool) {
	i := strings.LastIndexByte(number, '-')
	if i < 0 {
		return 0, false
	}
	seq, err := strconv.ParseUint(number[i+1:], 10, 64)
	return seq, err == nil && seq > 0
}

// Ticket returns the ticket with the given number (the prefix compares
// case-insensitively), or an error wrapping ErrNotFound.
func (db *DB) Ticket(number string) (*Ticket, error) {
	var t *Ticket
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		t, err = getTicket(tx, number)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ticket %q: %w", number, err)
	}
	return t, nil
}

func getTicket(tx *bolt.Tx, number string) (*Ticket, error) {
	seq, ok := parseSeq(number)
	if !ok {
		return nil, ErrNotFound
	}
	var t Ticket
	found, err := getJSON(tx.Bucket(bucketTickets), itob(seq), &t)
	if err != nil {
		return nil, err
	}
	if !found || !strings.EqualFold(t.Number, number) {
		return nil, ErrNotFound
	}
	return &t, nil
}

// putTicket stores t and brings the ticket indexes up to date with it in
// the same transaction: every writer of a ticket goes through it.
func putTicket(tx *bolt.Tx, t *Ticket) error {
	if err := putJSON(tx.Bucket(bucketTickets), itob(t.Seq), t); err != nil {
		return err
	}
	return indexTicket(tx, t)
}

// TicketByMessageID returns the ticket whose conversation contains the
// Message-ID (with or without angle brackets): a customer's message or an
// email ticketd queued for it. It returns an error wrapping ErrNotFound
// when no ticket has it.
func (db *DB) TicketByMessageID(id string) (*Ticket, error) {
	id = trimMsgID(id)
	var t *Ticket
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMsgIDs)
		if b == nil || id == "" {
			return ErrNotFound
		}
		number := b.Get([]byte(id))
		if number == nil {
			return ErrNotFound
		}
		var err error
		t, err = getTicket(tx, string(number))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ticket by message-id %q: %w", id, err)
	}
	return t, nil
}

// Tickets returns the tickets matching f, ordered by number.
func (db *DB) Tickets(f TicketFilter) ([]Ticket, error) {
	var out []Ticket
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTickets)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var t Ticket
			if err := decodeJSON(k, v, &t); err != nil {
				return err
			}
			if f.match(&t) {
				out = append(out, t)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list tickets: %w", err)
	}
	return out, nil
}

// Seen reports whether a message with this dedupe key was recorded.
func (db *DB) Seen(key string) (bool, error) {
	var seen bool
	err := db.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketDedupe); b != nil && key != "" {
			seen = b.Get([]byte(key)) != nil
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("seen %q: %w", key, err)
	}
	return seen, nil
}

// Raw returns a copy of the raw message stored under the dedupe key, an
// error wrapping ErrPruned (with when and why) when retention or erasure
// deleted it, or an error wrapping ErrNotFound. Readers such as `tickets
// export` should skip a pruned message and say so rather than fail.
func (db *DB) Raw(key string) ([]byte, error) {
	var raw []byte
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketRaw)
		if b == nil || key == "" {
			return ErrNotFound
		}
		v := b.Get([]byte(key))
		if v == nil {
			return prunedOrNotFound(tx, key)
		}
		raw = append([]byte{}, v...) // v is only valid inside the tx
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("raw message %q: %w", key, err)
	}
	return raw, nil
}

// trimMsgID removes surrounding space and angle brackets.
func trimMsgID(id string) string {
	id = strings.TrimSpace(id)
	id = strings.TrimPrefix(id, "<")
	return strings.TrimSuffix(id, ">")
}
