package store

import (
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ticketd/ticketd/intake"
)

// EntryKind says what support did on a ticket. The values are a public
// contract.
type EntryKind string

// Entry kinds.
const (
	EntryReply    EntryKind = "reply"    // an agent's answer, relayed to the customer
	EntryNote     EntryKind = "note"     // an internal note: never sent to the customer
	EntryClose    EntryKind = "close"    // the ticket was closed
	EntryWarranty EntryKind = "warranty" // the ticket became a warranty ticket
	EntryReminder EntryKind = "reminder" // the customer was reminded of what is missing
)

// Entry is one thing support did on a ticket, shown with the customer's
// messages as the ticket's conversation.
type Entry struct {
	Kind EntryKind `json:"kind"`
	At   time.Time `json:"at"`
	// Agent and AgentName say who (the agent's address; "" for the
	// command line and ticketd itself).
	Agent     string `json:"agent,omitempty"`
	AgentName string `json:"agent_name,omitempty"`
	// Text is the answer as relayed, or the note.
	Text string `json:"text,omitempty"`
	// MessageID is the agent's email's Message-ID, without brackets.
	MessageID   string              `json:"message_id,omitempty"`
	Attachments []intake.Attachment `json:"attachments,omitempty"`
}

// Action is what a Change does to the ticket besides recording its entry.
type Action string

// Actions.
const (
	ActionNone     Action = ""
	ActionClose    Action = "close"    // as CloseTicket
	ActionWarranty Action = "warranty" // as MarkWarranty
	ActionRemind   Action = "remind"   // sets RemindedAt (once)
)

// Change is one change to a ticket by support, or by ticketd on its
// behalf: an agent's email (reply, note, #close, #warranty), a command,
// a reminder. Its entry, the action, the emails and webhook events
// commit together.
type Change struct {
	Number string
	// Key is the dedupe key of the agent's email that made the change:
	// the same key twice changes nothing and reports a duplicate. ""
	// for changes that are not emails.
	Key    string
	At     time.Time
	Action Action
	// Entry is recorded in the conversation; nil records none.
	Entry *Entry
	// Compose returns the emails and events of the change. It runs in the
	// write transaction on the ticket as the action left it, and sees in
	// changed whether the action changed anything (closing a closed
	// ticket does not); it must be pure. Its error aborts the change.
	Compose func(t *Ticket, changed bool) ([]Outgoing, error)
}

// ChangeTicket applies c in one write transaction.
func (db *DB) ChangeTicket(c *Change) (*Result, error) {
	if c == nil || c.Number == "" || len(c.Key) > bolt.MaxKeySize {
		return nil, fmt.Errorf("change ticket: %w: a ticket number is required", ErrInvalid)
	}
	at := c.At
	if at.IsZero() {
		at = db.now()
	}
	var res *Result
	err := db.update(func(tx *bolt.Tx) error {
		var err error
		res, err = changeTicket(tx, c, at)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("change %s: %w", c.Number, err)
	}
	return res, nil
}

func changeTicket(tx *bolt.Tx, c *Change, at time.Time) (*Result, error) {
	if c.Key != "" {
		if dup, err := seenBefore(tx, []byte(c.Key)); dup != nil || err != nil {
			return dup, err
		}
	}
	t, err := getTicket(tx, c.Number)
	if err != nil {
		return nil, err
	}
	ensureToken(t)
	changed := false
	switch c.Action {
	case ActionClose:
		if t.Status != StatusClosed {
			t.Status, t.ClosedAt, changed = StatusClosed, at, true
		}
	case ActionWarranty:
		if !t.Warranty {
			if err := refund(tx, t); err != nil {
				return nil, err
			}
			t.Warranty, t.DeductsQuota, t.OverPlan, changed = true, false, false, true
		}
	case ActionRemind:
		if t.RemindedAt.IsZero() && t.Status == StatusNeedsInfo {
			t.RemindedAt, changed = at, true
		}
	case ActionNone:
		changed = true
	default:
		return nil, fmt.Errorf("%w: unknown action %q", ErrInvalid, c.Action)
	}
	if c.Entry != nil && changed {
		e := *c.Entry
		e.At = at
		e.MessageID = trimMsgID(e.MessageID)
		e.Attachments = slices.Clone(e.Attachments)
		t.Conversation = append(t.Conversation, e)
	}
	t.UpdatedAt = at
	var outs []Outgoing
	if c.Compose != nil {
		if outs, err = c.Compose(t.clone(), changed); err != nil {
			return nil, fmt.Errorf("compose: %w", err)
		}
	}
	queued, suppressed, err := enqueue(tx, outs, t.Number, 0, at)
	if err != nil {
		return nil, err
	}
	for _, q := range queued {
		if id := trimMsgID(q.MessageID); id != "" && !slices.Contains(t.MessageIDs, id) {
			t.MessageIDs = append(t.MessageIDs, id)
		}
	}
	if err := indexMessageIDs(tx, t.Number, t.MessageIDs); err != nil {
		return nil, err
	}
	if err := putTicket(tx, t); err != nil {
		return nil, err
	}
	if c.Key != "" {
		if err := putJSON(tx.Bucket(bucketDedupe), []byte(c.Key), &dedupeRecord{Number: t.Number, At: at}); err != nil {
			return nil, err
		}
	}
	return &Result{Ticket: t.clone(), Queued: queued, Suppressed: suppressed}, nil
}

// ensureToken gives t its notification token if it has none (tickets
// recorded before tokens existed).
func ensureToken(t *Ticket) {
	if t.Token == "" {
		t.Token = strings.ToLower(rand.Text())
	}
}

// AwaitingCustomer returns the needs_info tickets whose latest customer
// message is older than cutoff and whose customer was not reminded yet,
// oldest first.
func (db *DB) AwaitingCustomer(cutoff time.Time) ([]string, error) {
	var out []string
	err := db.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTickets).ForEach(func(k, v []byte) error {
			var t Ticket
			if err := decodeJSON(k, v, &t); err != nil {
				return err
			}
			if t.Status != StatusNeedsInfo || !t.RemindedAt.IsZero() || len(t.Messages) == 0 {
				return nil
			}
			if t.Messages[len(t.Messages)-1].ReceivedAt.Before(cutoff) {
				out = append(out, t.Number)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("tickets awaiting the customer: %w", err)
	}
	return out, nil
}
