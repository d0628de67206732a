package store

import (
	"bytes"
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
	EntryAssign   EntryKind = "assign"   // the ticket was assigned (or unassigned)
	EntryReopen   EntryKind = "reopen"   // the closed ticket was reopened
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
	// ActionAssign sets Assignee to Change.Assignee ("" unassigns); it
	// changes nothing when the ticket already has that assignee.
	ActionAssign Action = "assign"
	// ActionReopen reopens a closed ticket: open when its SLA clock had
	// started, else needs_info; ClosedAt is cleared and the time it was
	// closed is added to SLAPaused, so that the clock resumes where it
	// stopped. The ledger is not touched (no second deduction). A ticket
	// that is not closed is left as it is.
	ActionReopen Action = "reopen"
)

// MaxAssigneeLen bounds Change.Assignee, in bytes.
const MaxAssigneeLen = 256

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
	// Assignee is the console user name for ActionAssign ("" unassigns).
	Assignee string
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
	if len(c.Assignee) > MaxAssigneeLen || strings.ContainsFunc(c.Assignee, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		return nil, fmt.Errorf("change %s: %w: assignee of %d bytes or with control characters", c.Number, ErrInvalid, len(c.Assignee))
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
	case ActionAssign:
		if t.Assignee != c.Assignee {
			t.Assignee, changed = c.Assignee, true
		}
	case ActionReopen:
		if t.Status == StatusClosed {
			reopen(t, at)
			changed = true
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
	if err := saveWithQueued(tx, t, nil, queued); err != nil {
		return nil, err
	}
	if c.Key != "" {
		if err := putJSON(tx.Bucket(bucketDedupe), []byte(c.Key), &dedupeRecord{Number: t.Number, At: at}); err != nil {
			return nil, err
		}
	}
	return &Result{Ticket: t.clone(), Queued: queued, Suppressed: suppressed}, nil
}

// reopen makes the closed ticket t open again at at (needs_info when its
// SLA clock never started) and pauses the clock for the time it was closed.
func reopen(t *Ticket, at time.Time) {
	if !t.SLAStartedAt.IsZero() && !t.ClosedAt.IsZero() {
		from := t.ClosedAt
		if from.Before(t.SLAStartedAt) {
			from = t.SLAStartedAt
		}
		if d := at.Sub(from); d > 0 {
			t.SLAPaused += d
		}
	}
	t.Status = StatusOpen
	if t.SLAStartedAt.IsZero() {
		t.Status = StatusNeedsInfo
	}
	t.ClosedAt = time.Time{}
}

// saveWithQueued adds the Message-IDs of the emails queued for t to its
// conversation's IDs (so that answers to them thread), indexes those and
// added (the IDs the caller has just given t) and writes t: the end of
// every change that queues emails for a ticket. The IDs indexed before
// are not written again: a ticket's list grows with every notification.
func saveWithQueued(tx *bolt.Tx, t *Ticket, added []string, queued []OutboxItem) error {
	fresh := slices.Clone(added)
	for _, q := range queued {
		if id := trimMsgID(q.MessageID); id != "" && !slices.Contains(t.MessageIDs, id) {
			t.MessageIDs = append(t.MessageIDs, id)
			fresh = append(fresh, id)
		}
	}
	if err := indexMessageIDs(tx, t.Number, fresh); err != nil {
		return err
	}
	return putTicket(tx, t)
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
		tickets := tx.Bucket(bucketTickets)
		consider := func(k, v []byte) error {
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
		}
		if !indexed(tx) {
			return tickets.ForEach(consider)
		}
		// Only the needs_info tickets, from their index, oldest first.
		prefix := append([]byte(StatusNeedsInfo), 0)
		c := tx.Bucket(bucketIxStatus).Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(k) != len(prefix)+8 {
				continue
			}
			key := k[len(prefix):]
			if err := consider(key, tickets.Get(key)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tickets awaiting the customer: %w", err)
	}
	return out, nil
}
