package store

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ticketd/ticketd/rules"
)

func heldIntake(i int, max int) *Intake {
	in := newIntake(fmt.Sprintf("flood-%d@example.com", i))
	in.Hold = Hold{Contact: "ana@example.com", MaxPerHour: max, Notice: func() ([]Outgoing, error) {
		return []Outgoing{{Kind: "held", To: "ana+x@example.com", CapKey: "ana@example.com", MessageID: "<held@ticketd.test>"}}, nil
	}}
	return in
}

// Over the per-contact rate, new tickets are held: no number, no
// deduction, one notice an hour; the rate is durable across a reopen.
func TestHoldOverContactRate(t *testing.T) {
	db := mustOpenTestDB(t)
	tickets, held, notices := 0, 0, 0
	for i := range 100 {
		if i == 50 {
			db = db.mustReopen()
		}
		res := db.mustRecord(heldIntake(i, 10))
		if res.Ticket != nil {
			tickets++
		} else {
			held++
		}
		for _, q := range res.Queued {
			if q.Kind == "held" {
				notices++
			}
		}
	}
	if tickets != 10 || held != 90 || notices != 1 {
		t.Fatalf("tickets %d, held %d, notices %d; want 10, 90, 1", tickets, held, notices)
	}
	ledger, err := db.Ledger("acme")
	if err != nil || len(ledger) != 1 || ledger[0].Used != 10 {
		t.Fatalf("ledger %+v, %v; want 10 used", ledger, err)
	}
	hs, err := db.Held()
	if err != nil || len(hs) != 90 || hs[0].Reason != ReasonHeld || hs[0].Contact != "ana@example.com" {
		t.Fatalf("Held: %d records, %v", len(hs), err)
	}
	if hs[1].NoReply != NoReplyHeldNotice {
		t.Errorf("second held record NoReply %q", hs[1].NoReply)
	}

	// An hour later (by receipt time) the contact may open tickets again,
	// and gets one more notice when held again.
	db.clock.Add(2 * time.Hour)
	var notices2 int
	for i := range 12 {
		in := heldIntake(1000+i, 10)
		in.ReceivedAt = db.clock.Now()
		res := db.mustRecord(in)
		if res.Ticket == nil {
			notices2 += len(res.Queued)
		}
	}
	if notices2 != 1 {
		t.Errorf("notices in the next hour = %d, want 1", notices2)
	}

	// Release: registered now, in the release period, with its receipt.
	rec := hs[0]
	in := newIntake("x")
	in.Key, in.ReceivedAt, in.Period = rec.Key, db.clock.Now(), "2026-12"
	res, err := db.ReleaseHeld(rec.ID, in)
	if err != nil || res.Ticket == nil || len(res.Queued) != 1 {
		t.Fatalf("ReleaseHeld: %+v, %v", res, err)
	}
	if _, err := db.ReleaseHeld(rec.ID, in); !errors.Is(err, ErrReleased) {
		t.Errorf("second release: %v, want ErrReleased", err)
	}
	if got, _ := db.HeldRecord(rec.ID); got.ReleasedAs != res.Ticket.Number {
		t.Errorf("ReleasedAs %q, want %s", got.ReleasedAs, res.Ticket.Number)
	}
	ledger, _ = db.Ledger("acme")
	if got := ledger[len(ledger)-1]; got.Period != "2026-12" || got.Used != 1 {
		t.Errorf("release period ledger %+v", got)
	}
}

// The cap on a kind of email holds across recipients and restarts; one
// recipient over its own cap uses none of it; CapKey keys the per-recipient
// cap.
func TestKindCapAndCapKey(t *testing.T) {
	db := mustOpenTestDB(t)
	sent := 0
	for i := range 100 {
		if i == 40 {
			db = db.mustReopen()
		}
		in := newIntake(fmt.Sprintf("stranger-%d", i))
		in.Outcome = rules.Rejected
		to := fmt.Sprintf("s%d@example.net", i)
		in.MaxAutoRepliesPerHour = 20
		in.Compose = func(*Ticket) ([]Outgoing, error) {
			return []Outgoing{{Kind: "rejection", To: to, MessageID: "<r" + to + ">", KindCapPerHour: 30}}, nil
		}
		sent += len(db.mustRecord(in).Queued)
	}
	if sent != 30 {
		t.Fatalf("rejections queued to 100 strangers = %d, want 30", sent)
	}
	ta, _ := db.TurnedAway(time.Time{})
	if ta[99].NoReply != NoReplyKindCap {
		t.Errorf("NoReply %q, want %q", ta[99].NoReply, NoReplyKindCap)
	}

	// Sub-addresses share their contact's cap.
	queued := 0
	for i := range 5 {
		in := newIntake(fmt.Sprintf("plus-%d", i))
		in.MaxAutoRepliesPerHour = 2
		to := fmt.Sprintf("bob+%d@example.com", i)
		in.Compose = func(t *Ticket) ([]Outgoing, error) {
			return []Outgoing{{Kind: "receipt", To: to, CapKey: "bob@example.com", MessageID: "<p" + to + ">"}}, nil
		}
		res := db.mustRecord(in)
		queued += len(res.Queued)
		if len(res.Queued) == 1 && res.Queued[0].To != to {
			t.Errorf("receipt to %s, want the exact address %s", res.Queued[0].To, to)
		}
	}
	if queued != 2 {
		t.Errorf("receipts to bob's sub-addresses = %d, want 2 (the cap)", queued)
	}
}
