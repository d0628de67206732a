package store

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/rules"
)

func TestEraseSender(t *testing.T) {
	db := mustOpenTestDB(t)
	now := db.clock.Now()
	ana1 := db.mustRecord(newIntake("ana1@x"))
	ana2 := db.mustRecord(newIntake("ana2@x")) // its receipt stays pending
	if err := db.MarkSent(ana1.Queued[0].ID, now); err != nil {
		t.Fatal(err)
	}
	bobIn := newIntake("bob1@x")
	bobIn.From, bobIn.FromName, bobIn.Subject = "bob@example.com", "Bob", "Bob's printer"
	bobIn.Attachments[0].Filename = "bob.log"
	bobIn.Findings = []rules.Finding{{Rule: "r", Outcome: rules.Accepted, Evidence: []string{"Bob's words"}}}
	bob := db.mustRecord(bobIn)
	// Ana adds a follow-up to Bob's ticket.
	if _, err := db.AppendFollowUp(&FollowUp{Number: bob.Ticket.Number, Key: "mid:ana-on-bob@x", From: "ANA@example.com", Raw: []byte("ana here")}); err != nil {
		t.Fatal(err)
	}
	rej := newIntake("ana-spam@x")
	rej.Outcome = rules.Rejected
	rej.Findings = []rules.Finding{{Rule: "not_contact", Outcome: rules.Rejected, Evidence: []string{"Ana's words"}}}
	db.mustRecord(rej)
	other := newIntake("eve-spam@x")
	other.Outcome, other.From, other.FromName, other.Subject = rules.Ignored, "eve@example.net", "Eve", "Eve's offer"
	other.Compose = nil
	db.mustRecord(other)
	ledger, err := db.Ledger("")
	if err != nil {
		t.Fatal(err)
	}

	st, err := db.EraseSender(context.Background(), " Ana@Example.com ", "support lead")
	if err != nil {
		t.Fatalf("EraseSender: %v", err)
	}
	want := EraseStats{Tickets: 2, Messages: 3, TurnedAway: 1, RawMessages: 4, Emails: 3}
	got := st
	got.Bytes, got.Keys = 0, nil
	if !reflect.DeepEqual(got, want) || st.Bytes == 0 {
		t.Errorf("EraseSender stats %+v, want %+v", st, want)
	}
	for _, key := range []string{"mid:ana1@x", "mid:ana2@x", "mid:ana-on-bob@x", "mid:ana-spam@x"} {
		if !strings.Contains(strings.Join(st.Keys, " "), key) {
			t.Errorf("Keys %v lack %s", st.Keys, key)
		}
		if _, err := db.Raw(key); !errors.Is(err, ErrPruned) {
			t.Errorf("Raw(%s) = %v, want ErrPruned", key, err)
		}
	}
	for _, key := range []string{"mid:bob1@x", "mid:eve-spam@x"} {
		if _, err := db.Raw(key); err != nil {
			t.Errorf("Raw(%s) = %v, want it kept", key, err)
		}
	}

	// Nothing readable mentions Ana any more; Bob and Eve are intact.
	tickets, _ := db.Tickets(TicketFilter{})
	turned, _ := db.TurnedAway(tickets[0].ReceivedAt.AddDate(-1, 0, 0))
	var items []*OutboxItem
	for id := uint64(1); ; id++ {
		it, err := db.OutboxItem(id)
		if errors.Is(err, ErrNotFound) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		items = append(items, it)
	}
	all, _ := json.Marshal([]any{tickets, turned, items})
	for _, personal := range []string{"ana@", "Ana", "API returns 500", "trace.txt"} {
		if strings.Contains(string(all), personal) {
			t.Errorf("%q still stored after erasure: %s", personal, all)
		}
	}
	for _, kept := range []string{"bob@example.com", "Bob's printer", "Bob's words", "eve@example.net", "Eve's offer", "bob.log", ana1.Ticket.Number, ana2.Ticket.Number} {
		if !strings.Contains(string(all), kept) {
			t.Errorf("%q lost by the erasure", kept)
		}
	}
	if tk, err := db.Ticket(ana1.Ticket.Number); err != nil || tk.ErasedAt.IsZero() || tk.Organization != "acme" || tk.Status != StatusOpen {
		t.Errorf("erased ticket %+v, %v", tk, err)
	}
	if it, err := db.OutboxItem(ana2.Queued[0].ID); err != nil || it.State != StateFailed || it.LastError != erasedReason {
		t.Errorf("pending email to the erased sender: %+v, %v; want failed", it, err)
	}
	if due, err := db.DueOutbox(now.AddDate(1, 0, 0), 0, 0); err != nil || len(due) != 1 || due[0].To != "bob@example.com" {
		t.Errorf("due emails after erasure %+v, %v; want Bob's receipt only", due, err)
	}
	if after, _ := db.Ledger(""); !reflect.DeepEqual(after, ledger) {
		t.Errorf("ledger changed: %+v, was %+v", after, ledger)
	}

	// Idempotent, and every request is recorded without the address.
	again, err := db.EraseSender(context.Background(), "ana@example.com", "support lead")
	if err != nil || again.Tickets+again.Messages+again.TurnedAway+again.Emails != 0 {
		t.Errorf("second EraseSender = %+v, %v; want nothing left", again, err)
	}
	recs, err := db.Erasures()
	if err != nil || len(recs) != 2 || recs[0].RequestedBy != "support lead" || recs[0].Stats.Tickets != 2 || recs[1].Stats.Tickets != 0 {
		t.Fatalf("Erasures = %+v, %v", recs, err)
	}
	if data, _ := json.Marshal(recs); strings.Contains(strings.ToLower(string(data)), "ana") {
		t.Errorf("erasure record names the person: %s", data)
	}
	if _, err := db.EraseSender(context.Background(), " ", "x"); !errors.Is(err, ErrInvalid) {
		t.Errorf("EraseSender of an empty address = %v", err)
	}
}
