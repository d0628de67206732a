package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ticketd/ticketd/rules"
)

const day = 24 * time.Hour

// retentionFixture is a database with old and recent copies of each kind.
type retentionFixture struct {
	db            *testDB
	now           time.Time
	oldTurned     []string // keys of turned-away mail received 40 days ago
	newTurned     string   // received 10 days ago
	oldSent       uint64   // sent 100 days ago
	newSent       uint64   // sent 10 days ago
	pending       uint64   // queued 100 days ago, never sent
	oldClosed     *Ticket  // closed 400 days ago, with a follow-up
	newClosed     *Ticket  // closed 10 days ago
	open          *Ticket
	turnedAwayRaw []byte
}

func newRetentionFixture(t *testing.T, oldTurnedAway int) *retentionFixture {
	t.Helper()
	db := mustOpenTestDB(t)
	f := &retentionFixture{db: db, now: db.clock.Now(), turnedAwayRaw: bytes.Repeat([]byte("spam "), 4000)}
	ticket := func(key string, received time.Time) *Result {
		in := newIntake(key)
		in.ReceivedAt = received
		return db.mustRecord(in)
	}
	turned := func(key string, received time.Time, outcome rules.Outcome) *Intake {
		in := newIntake(key)
		in.Outcome, in.ReceivedAt, in.Raw = outcome, received, f.turnedAwayRaw
		in.Compose = nil
		return in
	}

	old := ticket("old-closed@x", f.now.Add(-500*day))
	f.oldSent = old.Queued[0].ID
	if err := db.MarkSent(f.oldSent, f.now.Add(-100*day)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AppendFollowUp(&FollowUp{Number: old.Ticket.Number, Key: "mid:old-follow@x", From: "ana@example.com",
		ReceivedAt: f.now.Add(-450 * day), Raw: []byte("follow-up")}); err != nil {
		t.Fatal(err)
	}
	var err error
	if f.oldClosed, err = db.CloseTicket(old.Ticket.Number, f.now.Add(-400*day)); err != nil {
		t.Fatal(err)
	}
	recent := ticket("new-closed@x", f.now.Add(-20*day))
	f.newSent = recent.Queued[0].ID
	if err := db.MarkSent(f.newSent, f.now.Add(-10*day)); err != nil {
		t.Fatal(err)
	}
	if f.newClosed, err = db.CloseTicket(recent.Ticket.Number, f.now.Add(-10*day)); err != nil {
		t.Fatal(err)
	}
	open := ticket("open@x", f.now.Add(-200*day))
	f.open, f.pending = open.Ticket, open.Queued[0].ID

	var batch []*Intake
	for i := range oldTurnedAway {
		outcome := rules.Rejected
		if i%3 == 0 {
			outcome = rules.Ignored
		}
		in := turned(fmt.Sprintf("spam%d@x", i), f.now.Add(-40*day+time.Duration(i)*time.Second), outcome)
		f.oldTurned = append(f.oldTurned, in.Key)
		if batch = append(batch, in); len(batch) == 100 {
			if _, err := db.RecordBatch(batch); err != nil {
				t.Fatal(err)
			}
			batch = nil
		}
	}
	in := turned("new-spam@x", f.now.Add(-10*day), rules.Rejected)
	f.newTurned = in.Key
	if _, err := db.RecordBatch(append(batch, in)); err != nil {
		t.Fatal(err)
	}
	return f
}

// snapshot returns the tickets, ledger and turned-away records as JSON,
// without the fields retention sets.
func snapshot(t *testing.T, db *DB) string {
	t.Helper()
	tickets, err := db.Tickets(TicketFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range tickets {
		tickets[i].RawPrunedAt = time.Time{}
		for j := range tickets[i].Messages {
			tickets[i].Messages[j].RawPrunedAt = time.Time{}
		}
	}
	ledger, err := db.Ledger("")
	if err != nil {
		t.Fatal(err)
	}
	turned, err := db.TurnedAway(time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range turned {
		turned[i].RawPrunedAt = time.Time{}
	}
	data, err := json.Marshal([]any{tickets, ledger, turned})
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestPrune(t *testing.T) {
	f := newRetentionFixture(t, 1203) // three transactions of turned-away deletions
	db := f.db
	before := snapshot(t, db.DB)

	st, err := db.Prune(context.Background(), f.now, Retention{TurnedAway: 30 * day, SentEmails: 90 * day, ClosedTickets: 365 * day})
	if err != nil {
		t.Fatalf("Prune: %v", err)
	}
	want := PruneStats{TurnedAwayRaw: 1203, SentPayloads: 1, ClosedTickets: 1, ClosedRaw: 2}
	if st.TurnedAwayRaw != want.TurnedAwayRaw || st.SentPayloads != want.SentPayloads ||
		st.ClosedTickets != want.ClosedTickets || st.ClosedRaw != want.ClosedRaw {
		t.Errorf("Prune stats %+v, want %+v", st, want)
	}
	if st.Transactions < 5 || st.Bytes < int64(1203*len(f.turnedAwayRaw)) {
		t.Errorf("Prune took %d transactions and deleted %d bytes", st.Transactions, st.Bytes)
	}
	if after := snapshot(t, db.DB); after != before {
		t.Errorf("tickets, ledger or turned-away records changed:\nbefore %s\nafter  %s", before, after)
	}

	// Exactly the old copies are gone.
	for _, key := range append(f.oldTurned[:3:3], "mid:old-closed@x", "mid:old-follow@x") {
		if _, err := db.Raw(key); !errors.Is(err, ErrPruned) {
			t.Errorf("Raw(%s) = %v, want ErrPruned", key, err)
		}
	}
	for _, key := range []string{f.newTurned, "mid:new-closed@x", "mid:open@x"} {
		if _, err := db.Raw(key); err != nil {
			t.Errorf("Raw(%s) = %v, want it kept", key, err)
		}
	}
	if _, err := db.Raw("mid:never@x"); !errors.Is(err, ErrNotFound) || errors.Is(err, ErrPruned) {
		t.Errorf("Raw of an unknown key = %v, want ErrNotFound", err)
	}
	turned, err := db.TurnedAway(time.Time{})
	if err != nil || len(turned) != 1204 {
		t.Fatalf("TurnedAway = %d records, %v", len(turned), err)
	}
	for _, r := range turned {
		if pruned := !r.RawPrunedAt.IsZero(); pruned != (r.Key != f.newTurned) {
			t.Errorf("turned-away %s RawPrunedAt = %v", r.Key, r.RawPrunedAt)
		}
	}
	if tk, err := db.Ticket(f.oldClosed.Number); err != nil || !tk.RawPrunedAt.Equal(f.now) || tk.Messages[1].RawPrunedAt.IsZero() {
		t.Errorf("old closed ticket %+v, %v: want RawPrunedAt on it and its messages", tk, err)
	}
	if tk, err := db.Ticket(f.newClosed.Number); err != nil || !tk.RawPrunedAt.IsZero() {
		t.Errorf("recently closed ticket pruned: %+v, %v", tk, err)
	}
	for id, kept := range map[uint64]bool{f.oldSent: false, f.newSent: true, f.pending: true} {
		it, err := db.OutboxItem(id)
		if err != nil {
			t.Fatal(err)
		}
		if (it.Payload != nil) != kept || it.PayloadPrunedAt.IsZero() == !kept {
			t.Errorf("outbox item %d (%s): payload %q, pruned at %v; want kept %v", id, it.State, it.Payload, it.PayloadPrunedAt, kept)
		}
	}

	// Idempotent.
	f.db.clock.Add(time.Hour)
	again, err := db.Prune(context.Background(), f.now, Retention{TurnedAway: 30 * day, SentEmails: 90 * day, ClosedTickets: 365 * day})
	if err != nil || again.TurnedAwayRaw+again.SentPayloads+again.ClosedRaw+again.ClosedTickets+again.Transactions != 0 {
		t.Errorf("second Prune = %+v, %v; want nothing done", again, err)
	}
	// Zero retention keeps everything.
	if st, err := db.Prune(context.Background(), f.now.Add(1000*day), Retention{}); err != nil || st.Transactions != 0 {
		t.Errorf("Prune with zero retention = %+v, %v", st, err)
	}
}

func TestPruneCancelled(t *testing.T) {
	f := newRetentionFixture(t, 10)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.db.Prune(ctx, f.now, DefaultRetention()); !errors.Is(err, context.Canceled) {
		t.Errorf("Prune with a cancelled context = %v", err)
	}
	if _, err := f.db.Raw(f.oldTurned[0]); err != nil {
		t.Errorf("a cancelled Prune deleted: %v", err)
	}
}

func TestCompactAfterPrune(t *testing.T) {
	f := newRetentionFixture(t, 1000)
	db := f.db
	if _, err := db.Prune(context.Background(), f.now, DefaultRetention()); err != nil {
		t.Fatal(err)
	}
	want := snapshot(t, db.DB)
	path := db.Path()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db.closed = true
	srcBefore, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	dst := filepath.Join(t.TempDir(), "compact.db")
	if err := Compact(path, dst); err != nil {
		t.Fatalf("Compact: %v", err)
	}
	if srcAfter, _ := os.ReadFile(path); !bytes.Equal(srcBefore, srcAfter) {
		t.Error("Compact modified its source")
	}
	fi, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() >= int64(len(srcBefore))/4 {
		t.Errorf("compacted file %d bytes, source %d: want it much smaller", fi.Size(), len(srcBefore))
	}
	t.Logf("compacted %d bytes to %d", len(srcBefore), fi.Size())
	if err := Compact(path, dst); !errors.Is(err, os.ErrExist) {
		t.Errorf("Compact over an existing file = %v, want ErrExist", err)
	}

	out := mustOpenTestDBAt(t, dst, f.db.clock)
	if got := snapshot(t, out.DB); got != want {
		t.Errorf("the compacted copy holds other data:\nwant %s\ngot  %s", want, got)
	}
	if _, err := out.Raw(f.oldTurned[0]); !errors.Is(err, ErrPruned) {
		t.Errorf("Raw of a pruned message in the copy = %v", err)
	}
	if raw, err := out.Raw(f.newTurned); err != nil || !bytes.Equal(raw, f.turnedAwayRaw) {
		t.Errorf("Raw of a kept message in the copy = %d bytes, %v", len(raw), err)
	}
	if res := out.mustRecord(newIntake("after-compact@x")); res.Ticket.Number != "SUP-000004" {
		t.Errorf("first ticket after compaction = %s, want SUP-000004 (numbering kept)", res.Ticket.Number)
	}
}
