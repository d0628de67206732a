package store

import (
	"fmt"
	"testing"
	"time"
)

func TestAutoReplyCap(t *testing.T) {
	steps := []struct {
		advance      time.Duration // clock moves before this Record
		to           string
		wantQueued   int
		wantSuppress int
	}{
		{0, "ana@example.com", 1, 0},
		{10 * time.Minute, "ANA@example.com", 1, 0}, // same recipient, any case
		{10 * time.Minute, "ana@example.com", 0, 1}, // third within the hour
		{0, "bob@example.com", 1, 0},                // other recipients unaffected
		{39 * time.Minute, "ana@example.com", 0, 1}, // 59 min after the first: still capped
		{time.Minute, "ana@example.com", 1, 0},      // an hour after the first: one slot free
		{0, "ana@example.com", 0, 1},                // the second (at +10m) is still in the window
		{time.Hour, "ana@example.com", 1, 0},
	}
	db := mustOpenTestDB(t)
	for i, st := range steps {
		db.clock.Add(st.advance)
		in := newIntake(fmt.Sprintf("cap%d@x", i))
		in.From = st.to
		in.MaxAutoRepliesPerHour = 2
		res := db.mustRecord(in)
		if len(res.Queued) != st.wantQueued || res.Suppressed != st.wantSuppress {
			t.Errorf("step %d (%s): queued %d, suppressed %d; want %d, %d",
				i, st.to, len(res.Queued), res.Suppressed, st.wantQueued, st.wantSuppress)
		}
		if res.Ticket == nil {
			t.Fatalf("step %d: a suppressed email must not stop the ticket", i)
		}
		wantIDs := 1 + st.wantQueued // the customer's Message-ID plus queued ones
		if len(res.Ticket.MessageIDs) != wantIDs {
			t.Errorf("step %d: MessageIDs %v, want %d", i, res.Ticket.MessageIDs, wantIDs)
		}
	}
}

func TestAutoReplyUnlimited(t *testing.T) {
	db := mustOpenTestDB(t)
	for i := range 5 {
		in := newIntake(fmt.Sprintf("u%d@x", i))
		in.MaxAutoRepliesPerHour = 0
		if res := db.mustRecord(in); len(res.Queued) != 1 || res.Suppressed != 0 {
			t.Errorf("record %d: %+v, want queued with no cap", i, res)
		}
	}
}
