package store

import (
	"errors"
	"strings"
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

func TestAssignAndReopen(t *testing.T) {
	start := time.Date(2026, 11, 3, 8, 59, 0, 0, time.UTC) // newIntake's ReceivedAt: the SLA start of an accepted ticket
	type step struct {
		change      Change
		wantChanged bool
		wantStatus  Status
		wantAssign  string
		wantPaused  time.Duration
	}
	tests := []struct {
		name    string
		outcome rules.Outcome
		steps   []step
	}{
		{"assign, same assignee again, reassign, unassign", rules.Accepted, []step{
			{Change{Action: ActionAssign, Assignee: "luis"}, true, StatusOpen, "luis", 0},
			{Change{Action: ActionAssign, Assignee: "luis"}, false, StatusOpen, "luis", 0},
			{Change{Action: ActionAssign, Assignee: "marta"}, true, StatusOpen, "marta", 0},
			{Change{Action: ActionAssign}, true, StatusOpen, "", 0},
		}},
		{"close then reopen pauses the SLA for the time closed", rules.Accepted, []step{
			{Change{Action: ActionClose, At: start.Add(2 * time.Hour)}, true, StatusClosed, "", 0},
			{Change{Action: ActionReopen, At: start.Add(5 * time.Hour)}, true, StatusOpen, "", 3 * time.Hour},
			{Change{Action: ActionReopen, At: start.Add(6 * time.Hour)}, false, StatusOpen, "", 3 * time.Hour},
			{Change{Action: ActionClose, At: start.Add(7 * time.Hour)}, true, StatusClosed, "", 3 * time.Hour},
			{Change{Action: ActionReopen, At: start.Add(8 * time.Hour)}, true, StatusOpen, "", 4 * time.Hour},
		}},
		{"a needs_info ticket reopens as needs_info, no pause", rules.NeedsInfo, []step{
			{Change{Action: ActionClose, At: start.Add(time.Hour)}, true, StatusClosed, "", 0},
			{Change{Action: ActionReopen, At: start.Add(3 * time.Hour)}, true, StatusNeedsInfo, "", 0},
		}},
		{"assigning a closed ticket keeps it closed", rules.Accepted, []step{
			{Change{Action: ActionClose, At: start.Add(time.Hour)}, true, StatusClosed, "", 0},
			{Change{Action: ActionAssign, Assignee: "luis"}, true, StatusClosed, "luis", 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustOpenTestDB(t)
			in := newIntake("ar@x")
			in.Outcome = tt.outcome
			tk := db.mustRecord(in).Ticket
			entries := 0
			for i, s := range tt.steps {
				c := s.change
				c.Number = tk.Number
				c.Entry = &Entry{Kind: EntryKind(c.Action)}
				var sawChanged bool
				c.Compose = func(_ *Ticket, changed bool) ([]Outgoing, error) { sawChanged = changed; return nil, nil }
				res, err := db.ChangeTicket(&c)
				if err != nil {
					t.Fatalf("step %d (%s): %v", i, c.Action, err)
				}
				got := res.Ticket
				if sawChanged != s.wantChanged || got.Status != s.wantStatus || got.Assignee != s.wantAssign || got.SLAPaused != s.wantPaused {
					t.Fatalf("step %d (%s): changed %v, status %s, assignee %q, paused %v; want %v, %s, %q, %v",
						i, c.Action, sawChanged, got.Status, got.Assignee, got.SLAPaused, s.wantChanged, s.wantStatus, s.wantAssign, s.wantPaused)
				}
				if s.wantChanged {
					entries++
				}
				if len(got.Conversation) != entries {
					t.Fatalf("step %d: %d conversation entries, want %d (an entry only when something changed)", i, len(got.Conversation), entries)
				}
				if got.Status != StatusClosed && !got.ClosedAt.IsZero() {
					t.Fatalf("step %d: ClosedAt %v left on a %s ticket", i, got.ClosedAt, got.Status)
				}
			}
			ledger, err := db.Ledger("acme")
			if err != nil || len(ledger) != 1 || ledger[0].Used != 1 {
				t.Fatalf("ledger after the changes: %+v, %v; want the one deduction of the ticket", ledger, err)
			}
		})
	}
}

func TestAssigneeValidated(t *testing.T) {
	db := mustOpenTestDB(t)
	tk := db.mustRecord(newIntake("v@x")).Ticket
	for _, name := range []string{"a\x00b", "tab\there", strings.Repeat("x", MaxAssigneeLen+1)} {
		if _, err := db.ChangeTicket(&Change{Number: tk.Number, Action: ActionAssign, Assignee: name}); !errors.Is(err, ErrInvalid) {
			t.Errorf("assignee %q: %v, want ErrInvalid", name, err)
		}
	}
}

func TestSLAElapsed(t *testing.T) {
	start := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	now := start.Add(10 * time.Hour)
	tests := []struct {
		name string
		t    Ticket
		want time.Duration
	}{
		{"not started", Ticket{Status: StatusNeedsInfo}, 0},
		{"running", Ticket{Status: StatusOpen, SLAStartedAt: start}, 10 * time.Hour},
		{"closed: frozen at ClosedAt", Ticket{Status: StatusClosed, SLAStartedAt: start, ClosedAt: start.Add(4 * time.Hour)}, 4 * time.Hour},
		{"reopened: the time closed does not count", Ticket{Status: StatusOpen, SLAStartedAt: start, SLAPaused: 3 * time.Hour}, 7 * time.Hour},
		{"closed again after a pause", Ticket{Status: StatusClosed, SLAStartedAt: start, SLAPaused: time.Hour, ClosedAt: start.Add(5 * time.Hour)}, 4 * time.Hour},
		{"never negative", Ticket{Status: StatusOpen, SLAStartedAt: now.Add(time.Hour)}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.t.SLAElapsed(now); got != tt.want {
				t.Errorf("SLAElapsed = %v, want %v", got, tt.want)
			}
		})
	}
}
