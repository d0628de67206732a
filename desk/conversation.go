package desk

import (
	"bytes"
	"context"
	"errors"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/store"
)

// Message is one customer message of a ticket as support staff read it.
type Message struct {
	Ref store.MessageRef
	// Words are the customer's own words (quotes and signatures left out),
	// or the whole text when there are none (intake.Message.Words), read
	// from the raw message and parsed by intake as the daemon does.
	Words string
	// Attachments are the message's, as parsed, else as recorded when it
	// came in.
	Attachments []intake.Attachment
	// Pruned is true when retention or an erasure deleted the raw
	// message: only what was recorded remains.
	Pruned bool
	// Err says why the message could not be read, when it could not.
	Err error
}

// Conversation returns every customer message of t, follow-ups included.
func (a *Desk) Conversation(ctx context.Context, t *store.Ticket) []Message {
	out := make([]Message, 0, len(t.Messages))
	for i, ref := range t.Messages {
		msg := Message{Ref: ref, Attachments: ref.Attachments}
		var m *intake.Message
		err := store.ErrPruned // the ticket says so: do not ask for it
		if ref.RawPrunedAt.IsZero() {
			var raw []byte
			if raw, err = a.Raw(ctx, t, i+1); err == nil {
				m, err = intake.ParseContext(ctx, bytes.NewReader(raw), a.limits)
			}
		}
		switch {
		case errors.Is(err, store.ErrPruned):
			msg.Pruned = true
		case err != nil:
			msg.Err = err
		default:
			msg.Words, msg.Attachments = m.Words(), m.Attachments
		}
		out = append(out, msg)
	}
	return out
}
