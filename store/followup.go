package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ticketd/ticketd/intake"
)

// FollowUp is a customer message that belongs to an existing ticket: a
// reply carrying the ticket's tag or naming one of its Message-IDs.
type FollowUp struct {
	Number      string // the ticket it joins
	Key         string // dedupe key of the message
	MessageID   string
	From        string
	ReceivedAt  time.Time
	Raw         []byte
	Attachments []intake.Attachment

	MaxAutoRepliesPerHour int

	// Update brings the ticket up to date with the follow-up (status,
	// findings, SLA start, LastAckAt) and returns the emails to send. It
	// runs inside the write transaction on a copy of the ticket that already
	// lists the new message; like Intake.Compose it must be pure. Its error
	// aborts the whole append.
	Update func(t *Ticket) ([]Outgoing, error)
}

// AppendFollowUp adds a follow-up to its ticket in one write transaction:
// the dedupe record, the raw message, the message reference and its
// Message-ID in the ticket, the ticket as Update leaves it, and Update's
// emails (subject to the per-recipient cap). A key seen before writes
// nothing and returns Result.Duplicate. A follow-up never deducts quota.
func (db *DB) AppendFollowUp(f *FollowUp) (*Result, error) {
	if f == nil || f.Key == "" || len(f.Key) > bolt.MaxKeySize || f.Number == "" {
		return nil, fmt.Errorf("append follow-up: %w: key and ticket number are required", ErrInvalid)
	}
	var res *Result
	err := db.update(func(tx *bolt.Tx) error {
		var err error
		res, err = appendFollowUp(tx, f, db.now())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("append follow-up %q to %s: %w", f.Key, f.Number, err)
	}
	return res, nil
}

func appendFollowUp(tx *bolt.Tx, f *FollowUp, now time.Time) (*Result, error) {
	key := []byte(f.Key)
	if dup, err := seenBefore(tx, key); dup != nil || err != nil {
		return dup, err
	}
	t, err := getTicket(tx, f.Number)
	if err != nil {
		return nil, err
	}
	if t.Status == StatusClosed {
		// Checked here, in the write transaction: support may close the
		// ticket between the caller's look-up and now.
		return nil, fmt.Errorf("%s: %w", t.Number, ErrTicketClosed)
	}
	received := f.ReceivedAt
	if received.IsZero() {
		received = now
	}
	msgID := trimMsgID(f.MessageID)
	t.Messages = append(t.Messages, MessageRef{
		Key:         f.Key,
		MessageID:   msgID,
		ReceivedAt:  received,
		From:        strings.ToLower(strings.TrimSpace(f.From)),
		Attachments: slices.Clone(f.Attachments),
	})
	var added []string
	if msgID != "" && !slices.Contains(t.MessageIDs, msgID) {
		t.MessageIDs = append(t.MessageIDs, msgID)
		added = append(added, msgID)
	}
	t.UpdatedAt = now
	ensureToken(t)
	var outs []Outgoing
	if f.Update != nil {
		if outs, err = f.Update(t); err != nil {
			return nil, fmt.Errorf("update: %w", err)
		}
	}
	queued, suppressed, err := enqueue(tx, outs, t.Number, f.MaxAutoRepliesPerHour, now)
	if err != nil {
		return nil, err
	}
	if err := saveWithQueued(tx, t, added, queued); err != nil {
		return nil, err
	}
	if err := tx.Bucket(bucketRaw).Put(key, f.Raw); err != nil {
		return nil, fmt.Errorf("store raw message (%d bytes): %w", len(f.Raw), err)
	}
	if err := putJSON(tx.Bucket(bucketDedupe), key, &dedupeRecord{Number: t.Number, At: now}); err != nil {
		return nil, err
	}
	return &Result{Ticket: t.clone(), Queued: queued, Suppressed: suppressed}, nil
}
