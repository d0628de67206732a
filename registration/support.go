package registration

import (
	"fmt"
	"strconv"
	"time"

	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/store"
)

// CloseTicket closes a ticket for support staff (the command line, the
// admin API): the customer gets the closing email (desk.closing_email) and
// the webhooks ticket.closed. Closing a closed ticket sends nothing.
func (r *Registrar) CloseTicket(number, by string) (*store.Ticket, error) {
	return r.Close(number, Author{Address: by})
}

// MarkWarranty makes a ticket a warranty ticket for support staff: its
// deduction is refunded.
func (r *Registrar) MarkWarranty(number, by string) (*store.Ticket, error) {
	return r.Warranty(number, Author{Address: by})
}

// Close closes a ticket for by (see CloseTicket).
func (r *Registrar) Close(number string, by Author) (*store.Ticket, error) {
	c := r.composer(r.Policy())
	key := changeKey("close", number, c.now)
	return r.change(&store.Change{
		Number: number, At: c.now, Action: store.ActionClose, Entry: entryBy(store.EntryClose, by, ""),
		Compose: func(t *store.Ticket, changed bool) ([]store.Outgoing, error) { return c.forClose(t, key, by, changed) },
	})
}

// Warranty makes a ticket a warranty ticket for by.
func (r *Registrar) Warranty(number string, by Author) (*store.Ticket, error) {
	return r.change(&store.Change{Number: number, At: r.s.Now(), Action: store.ActionWarranty, Entry: entryBy(store.EntryWarranty, by, "")})
}

// Reopen reopens a closed ticket for by: no second deduction, and its SLA
// clock resumes.
func (r *Registrar) Reopen(number string, by Author) (*store.Ticket, error) {
	return r.change(&store.Change{Number: number, At: r.s.Now(), Action: store.ActionReopen, Entry: entryBy(store.EntryReopen, by, "")})
}

// Assign gives a ticket to a console user ("" for nobody).
func (r *Registrar) Assign(number string, by Author, assignee string) (*store.Ticket, error) {
	return r.change(&store.Change{Number: number, At: r.s.Now(), Action: store.ActionAssign, Assignee: assignee, Entry: entryBy(store.EntryAssign, by, assignee)})
}

// Answer sends by's answer to the customer from the support address, in
// the customer's thread, as an agent's answer by email is (the console).
func (r *Registrar) Answer(number string, by Author, words string) (*store.Ticket, error) {
	c := r.composer(r.Policy())
	key := changeKey("answer", number, c.now)
	return r.change(&store.Change{
		Number: number, At: c.now, Entry: entryBy(store.EntryReply, by, words),
		Compose: func(t *store.Ticket, _ bool) ([]store.Outgoing, error) {
			if t.Sender == "" {
				return nil, fmt.Errorf("%s: %w: the customer's personal data was erased: there is nobody to answer", number, store.ErrInvalid)
			}
			return c.forAnswer(t, key, by, words, nil)
		},
	})
}

// Note records by's internal note and shows it to the team.
func (r *Registrar) Note(number string, by Author, words string) (*store.Ticket, error) {
	c := r.composer(r.Policy())
	key := changeKey("note", number, c.now)
	return r.change(&store.Change{
		Number: number, At: c.now, Entry: entryBy(store.EntryNote, by, words),
		Compose: func(t *store.Ticket, _ bool) ([]store.Outgoing, error) { return c.forNote(t, key, nil, by, words) },
	})
}

// change applies ch and returns the ticket after it.
func (r *Registrar) change(ch *store.Change) (*store.Ticket, error) {
	res, err := r.db.ChangeTicket(ch)
	if err != nil {
		return nil, err
	}
	return res.Ticket, nil
}

// entryBy is the conversation entry of an action by by.
func entryBy(kind store.EntryKind, by Author, text string) *store.Entry {
	return &store.Entry{Kind: kind, Agent: by.Address, AgentName: by.Name, Text: text}
}

// RemindAbandoned reminds, once, the customers of needs_info tickets that
// have waited for them longer than after since their latest message, and
// tells the team. It returns how many were reminded.
func (r *Registrar) RemindAbandoned(after time.Duration) (int, error) {
	if after <= 0 {
		return 0, nil
	}
	c := r.composer(r.Policy())
	numbers, err := r.db.AwaitingCustomer(c.now.Add(-after))
	if err != nil {
		return 0, err
	}
	reminded := 0
	for _, number := range numbers {
		key := changeKey("remind", number, time.Time{})
		res, err := r.db.ChangeTicket(&store.Change{
			Number: number, At: c.now, Action: store.ActionRemind, Entry: &store.Entry{Kind: store.EntryReminder},
			Compose: func(t *store.Ticket, changed bool) ([]store.Outgoing, error) { return c.forReminder(t, key, changed) },
		})
		if err != nil {
			return reminded, fmt.Errorf("remind %s: %w", number, err)
		}
		if len(res.Queued) > 0 {
			reminded++
		}
	}
	return reminded, nil
}

// forReminder reminds the customer of what the ticket still lacks and
// tells the team the ticket looks abandoned.
func (c composer) forReminder(t *store.Ticket, key string, changed bool) ([]store.Outgoing, error) {
	if !changed {
		return nil, nil
	}
	var outs []store.Outgoing
	if t.Sender != "" {
		e := c.toCustomer(t, receipt.KindReminder, key)
		e.Findings = t.Findings
		var err error
		if outs, err = c.outgoing(e); err != nil {
			return nil, err
		}
	}
	team, err := c.notify(t, teamNotice{event: receipt.EventAbandoned, key: key, org: organization(c.policy, t.Organization)})
	if err != nil {
		return nil, err
	}
	return join(outs, team), nil
}

// changeKey names a change that is not an email, for its Message-IDs and
// webhook-ids: the same change at the same time gives the same key.
func changeKey(what, number string, at time.Time) string {
	return what + ":" + number + ":" + strconv.FormatInt(at.UnixNano(), 10)
}
