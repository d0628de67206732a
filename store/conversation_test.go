package store

import (
	"errors"
	"testing"
	"time"

	"github.com/ticketd/ticketd/rules"
)

func TestChangeTicket(t *testing.T) {
	db := mustOpenTestDB(t)
	tk := db.mustRecord(newIntake("a@x")).Ticket
	if len(tk.Token) < 20 {
		t.Fatalf("new ticket token %q: want an unguessable one", tk.Token)
	}
	relay := func(t *Ticket, changed bool) ([]Outgoing, error) {
		if !changed {
			return nil, nil
		}
		return []Outgoing{{Kind: "agent_reply", To: t.Sender, MessageID: "<relay." + t.Number + "@ticketd.test>", Uncapped: true},
			{Kind: "webhook", To: "chat", Payload: []byte(`{}`), Uncapped: true}}, nil
	}
	reply := &Change{Number: tk.Number, Key: "agent:r1@vendor", Entry: &Entry{Kind: EntryReply, Agent: "luis@vendor.test", Text: "Fixed.", MessageID: "<r1@vendor>"}, Compose: relay}
	res, err := db.ChangeTicket(reply)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Queued) != 2 || len(res.Ticket.Conversation) != 1 || res.Ticket.Conversation[0].MessageID != "r1@vendor" {
		t.Fatalf("reply: queued %d, conversation %+v", len(res.Queued), res.Ticket.Conversation)
	}
	if got, err := db.TicketByMessageID("relay." + tk.Number + "@ticketd.test"); err != nil || got.Number != tk.Number {
		t.Errorf("the relayed email's Message-ID is not indexed: %v", err)
	}
	again, err := db.ChangeTicket(reply)
	if err != nil || !again.Duplicate || len(again.Queued) != 0 {
		t.Fatalf("same agent email twice: %+v, %v; want a duplicate that queues nothing", again, err)
	}

	closeIt := &Change{Number: tk.Number, Action: ActionClose, Entry: &Entry{Kind: EntryClose}, Compose: relay}
	if res, err = db.ChangeTicket(closeIt); err != nil || res.Ticket.Status != StatusClosed || len(res.Queued) != 2 {
		t.Fatalf("close: %+v, %v", res, err)
	}
	if res, err = db.ChangeTicket(closeIt); err != nil || len(res.Queued) != 0 || len(res.Ticket.Conversation) != 2 {
		t.Fatalf("closing a closed ticket: queued %d, conversation %d; want nothing new", len(res.Queued), len(res.Ticket.Conversation))
	}
	if _, err := db.ChangeTicket(&Change{Number: "SUP-999999", Action: ActionClose}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown ticket: %v, want ErrNotFound", err)
	}
	if _, err := db.ChangeTicket(&Change{Number: tk.Number, Action: "explode"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown action: %v, want ErrInvalid", err)
	}
}

func TestWarrantyChangeRefundsOnce(t *testing.T) {
	db := mustOpenTestDB(t)
	tk := db.mustRecord(newIntake("w@x")).Ticket
	for range 2 {
		if _, err := db.ChangeTicket(&Change{Number: tk.Number, Action: ActionWarranty, Entry: &Entry{Kind: EntryWarranty}}); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := db.Ledger("acme")
	if err != nil || len(entries) != 1 || entries[0].Used != 0 || entries[0].Warranty != 1 {
		t.Fatalf("ledger after warranty twice: %+v, %v; want used 0, warranty 1", entries, err)
	}
}

func TestAwaitingCustomerAndRemindOnce(t *testing.T) {
	db := mustOpenTestDB(t)
	in := newIntake("n@x")
	in.Outcome = rules.NeedsInfo
	waiting := db.mustRecord(in).Ticket
	db.mustRecord(newIntake("open@x")) // open: never reminded
	cutoff := in.ReceivedAt.Add(time.Hour)
	got, err := db.AwaitingCustomer(in.ReceivedAt)
	if err != nil || len(got) != 0 {
		t.Fatalf("before the cutoff: %v, %v; want none", got, err)
	}
	if got, err = db.AwaitingCustomer(cutoff); err != nil || len(got) != 1 || got[0] != waiting.Number {
		t.Fatalf("after the cutoff: %v, %v; want [%s]", got, err, waiting.Number)
	}
	remind := &Change{Number: waiting.Number, Action: ActionRemind, Entry: &Entry{Kind: EntryReminder},
		Compose: func(t *Ticket, changed bool) ([]Outgoing, error) {
			if !changed {
				return nil, nil
			}
			return []Outgoing{{Kind: "reminder", To: t.Sender, MessageID: "<rem@ticketd.test>"}}, nil
		}}
	for i, want := range []int{1, 0} {
		res, err := db.ChangeTicket(remind)
		if err != nil || len(res.Queued) != want {
			t.Fatalf("reminder %d: queued %v, %v; want %d", i, res, err, want)
		}
	}
	if got, _ = db.AwaitingCustomer(cutoff); len(got) != 0 {
		t.Errorf("a reminded ticket is listed again: %v", got)
	}
}
