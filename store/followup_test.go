package store

import (
	"errors"
	"testing"
	"time"
)

func TestAppendFollowUp(t *testing.T) {
	db := mustOpenTestDB(t)
	in := newIntake("first@example.com")
	in.Outcome = "needs_info"
	res := db.mustRecord(in)
	number := res.Ticket.Number

	f := &FollowUp{
		Number:    number,
		Key:       "mid:reply@example.com",
		MessageID: "<reply@example.com>",
		From:      "Ana@example.com",
		Raw:       []byte("reply"),
		Update: func(tk *Ticket) ([]Outgoing, error) {
			if len(tk.Messages) != 2 {
				t.Errorf("Update sees %d messages, want 2", len(tk.Messages))
			}
			tk.Status = StatusOpen
			tk.SLAStartedAt = time.Date(2026, 11, 4, 10, 0, 0, 0, time.UTC)
			return []Outgoing{{Kind: "confirmation", To: tk.Sender, MessageID: "<conf@ticketd.test>"}}, nil
		},
	}
	got, err := db.AppendFollowUp(f)
	if err != nil {
		t.Fatal(err)
	}
	if got.Duplicate || len(got.Queued) != 1 || got.Ticket.Status != StatusOpen {
		t.Fatalf("result %+v", got)
	}
	tk, err := db.Ticket(number)
	if err != nil {
		t.Fatal(err)
	}
	if len(tk.Messages) != 2 || tk.SLAStartedAt.IsZero() || tk.Status != StatusOpen {
		t.Errorf("ticket after follow-up: %+v", tk)
	}
	for _, id := range []string{"reply@example.com", "conf@ticketd.test"} {
		byID, err := db.TicketByMessageID(id)
		if err != nil || byID.Number != number {
			t.Errorf("TicketByMessageID(%s) = %v, %v", id, byID, err)
		}
	}
	if raw, err := db.Raw("mid:reply@example.com"); err != nil || string(raw) != "reply" {
		t.Errorf("raw of follow-up: %q, %v", raw, err)
	}
	ledger, _ := db.Ledger("acme")
	if len(ledger) != 1 || ledger[0].Used != 1 {
		t.Errorf("a follow-up must not deduct: %+v", ledger)
	}
	again, err := db.AppendFollowUp(f)
	if err != nil || !again.Duplicate || len(again.Queued) != 0 {
		t.Errorf("second append: %+v, %v", again, err)
	}

	failing := *f
	failing.Key = "mid:other@example.com"
	failing.Update = func(*Ticket) ([]Outgoing, error) { return nil, errors.New("boom") }
	if _, err := db.AppendFollowUp(&failing); err == nil {
		t.Fatal("an Update error must fail the append")
	}
	if seen, _ := db.Seen("mid:other@example.com"); seen {
		t.Error("a failed append left its dedupe record")
	}
	if _, err := db.AppendFollowUp(&FollowUp{Number: "SUP-999999", Key: "mid:x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("follow-up to a missing ticket: %v", err)
	}
}

func TestMarkWarrantyRefunds(t *testing.T) {
	db := mustOpenTestDB(t)
	var numbers []string
	for _, k := range []string{"a@x", "b@x", "c@x"} {
		in := newIntake(k)
		in.Included = 2
		numbers = append(numbers, db.mustRecord(in).Ticket.Number)
	}
	entry := func() LedgerEntry {
		l, err := db.Ledger("acme")
		if err != nil || len(l) != 1 {
			t.Fatalf("ledger %+v, %v", l, err)
		}
		return l[0]
	}
	if e := entry(); e.Used != 3 || e.OverPlan != 1 {
		t.Fatalf("before: %+v", e)
	}
	tk, err := db.MarkWarranty(numbers[2], time.Now())
	if err != nil || !tk.Warranty || tk.DeductsQuota || tk.OverPlan {
		t.Fatalf("MarkWarranty: %+v, %v", tk, err)
	}
	if e := entry(); e.Used != 2 || e.OverPlan != 0 || e.Warranty != 1 {
		t.Errorf("after refund: %+v", e)
	}
	if _, err := db.MarkWarranty(numbers[2], time.Now()); err != nil {
		t.Fatal(err)
	}
	if e := entry(); e.Used != 2 || e.Warranty != 1 {
		t.Errorf("marking twice refunded twice: %+v", e)
	}
	closed, err := db.CloseTicket(numbers[0], time.Now())
	if err != nil || closed.Status != StatusClosed || closed.ClosedAt.IsZero() {
		t.Errorf("CloseTicket: %+v, %v", closed, err)
	}
	if _, err := db.CloseTicket("SUP-999999", time.Now()); !errors.Is(err, ErrNotFound) {
		t.Errorf("close missing: %v", err)
	}
}

func TestAppendFollowUpToClosedTicket(t *testing.T) {
	db := mustOpenTestDB(t)
	number := db.mustRecord(newIntake("closed@x")).Ticket.Number
	if _, err := db.CloseTicket(number, time.Now()); err != nil {
		t.Fatal(err)
	}
	_, err := db.AppendFollowUp(&FollowUp{Number: number, Key: "mid:late-reply@x", Raw: []byte("r")})
	if !errors.Is(err, ErrTicketClosed) {
		t.Fatalf("a follow-up to a closed ticket: %v, want ErrTicketClosed", err)
	}
	if seen, _ := db.Seen("mid:late-reply@x"); seen {
		t.Error("the refused follow-up was recorded")
	}
}
