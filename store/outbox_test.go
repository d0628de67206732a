package store

import (
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// queueN records n accepted intakes, each queuing one receipt, advancing
// the clock a second between them; it returns the queued items.
func queueN(t *testing.T, db *testDB, n int) []OutboxItem {
	t.Helper()
	var items []OutboxItem
	for i := range n {
		res := db.mustRecord(newIntake(fmt.Sprintf("q%d@x", i)))
		if len(res.Queued) != 1 {
			t.Fatalf("record %d queued %d items", i, len(res.Queued))
		}
		items = append(items, res.Queued[0])
		db.clock.Add(time.Second)
	}
	return items
}

func dueIDs(t *testing.T, db *testDB, now time.Time, limit int) []uint64 {
	t.Helper()
	due, err := db.DueOutbox(now, 0, limit)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for _, it := range due {
		ids = append(ids, it.ID)
	}
	return ids
}

func TestOutboxLifecycle(t *testing.T) {
	db := mustOpenTestDB(t)
	items := queueN(t, db, 3)
	t0 := items[0].CreatedAt
	now := db.clock.Now()

	if got := dueIDs(t, db, now, 0); fmt.Sprint(got) != "[1 2 3]" {
		t.Fatalf("due = %v, want [1 2 3]", got)
	}
	if got := dueIDs(t, db, now, 2); fmt.Sprint(got) != "[1 2]" {
		t.Errorf("due with limit 2 = %v", got)
	}
	if got := dueIDs(t, db, t0, 0); fmt.Sprint(got) != "[1]" {
		t.Errorf("due at the first item's creation = %v, want [1]", got)
	}
	for after, want := range map[uint64]string{1: "[2 3]", 2: "[3]", 3: "[]"} {
		due, err := db.DueOutbox(now, after, 0)
		var got []uint64
		for _, it := range due {
			got = append(got, it.ID)
		}
		if err != nil || fmt.Sprint(got) != want {
			t.Errorf("due after ID %d = %v, %v; want %s", after, got, err, want)
		}
	}
	if pending, oldest, err := db.OutboxStats(now); err != nil || pending != 3 || oldest != 3*time.Second {
		t.Errorf("OutboxStats = %d, %v, %v; want 3, 3s", pending, oldest, err)
	}

	// Item 1: a temporary failure, retried in 5 minutes, then sent.
	retry := now.Add(5 * time.Minute)
	if err := db.MarkAttempt(1, now, errors.New("451 try later"), false, retry); err != nil {
		t.Fatal(err)
	}
	if got := dueIDs(t, db, now, 0); fmt.Sprint(got) != "[2 3]" {
		t.Errorf("due after retry scheduled = %v, want [2 3]", got)
	}
	if next, ok, err := db.NextDue(); err != nil || !ok || !next.Equal(items[1].NextAttempt) {
		t.Errorf("NextDue = %v, %v, %v; want %v", next, ok, err, items[1].NextAttempt)
	}
	it, err := db.OutboxItem(1)
	if err != nil || it.Attempts != 1 || it.LastError != "451 try later" || it.State != StatePending || !it.NextAttempt.Equal(retry) {
		t.Errorf("item 1 after failure = %+v, %v", it, err)
	}
	if got := dueIDs(t, db, retry, 0); fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("due at retry time = %v, want [1 2 3]", got)
	}
	if err := db.MarkSent(1, retry); err != nil {
		t.Fatal(err)
	}
	it, err = db.OutboxItem(1)
	if err != nil || it.State != StateSent || it.Attempts != 2 || !it.SentAt.Equal(retry) || it.LastError != "" {
		t.Errorf("item 1 after sending = %+v, %v", it, err)
	}
	if err := db.MarkSent(1, retry); err != nil {
		t.Errorf("MarkSent twice = %v, want nil", err)
	}
	if err := db.MarkAttempt(1, retry, errors.New("late"), false, retry); !errors.Is(err, ErrNotPending) {
		t.Errorf("MarkAttempt on a sent item = %v, want ErrNotPending", err)
	}

	// Item 2: permanent failure. Item 3: failure with no next attempt.
	if err := db.MarkAttempt(2, now, errors.New("550 no such user"), true, retry); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkAttempt(3, now, nil, false, time.Time{}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []uint64{2, 3} {
		it, err := db.OutboxItem(id)
		if err != nil || it.State != StateFailed || it.Attempts != 1 || it.LastError == "" {
			t.Errorf("item %d = %+v, %v; want failed", id, it, err)
		}
		if err := db.MarkSent(id, retry); !errors.Is(err, ErrNotPending) {
			t.Errorf("MarkSent on failed item %d = %v, want ErrNotPending", id, err)
		}
	}
	failed, err := db.FailedOutbox()
	if err != nil || len(failed) != 2 {
		t.Errorf("FailedOutbox = %d items, %v; want 2", len(failed), err)
	}

	far := now.Add(100 * time.Hour)
	if got := dueIDs(t, db, far, 0); len(got) != 0 {
		t.Errorf("due after all settled = %v, want none", got)
	}
	if pending, oldest, _ := db.OutboxStats(far); pending != 0 || oldest != 0 {
		t.Errorf("OutboxStats = %d, %v; want 0, 0", pending, oldest)
	}
	if _, ok, _ := db.NextDue(); ok {
		t.Error("NextDue reports an item with nothing pending")
	}
	if n, err := db.SentCount("SUP-000001"); err != nil || n != 1 {
		t.Errorf("SentCount(SUP-000001) = %d, %v; want 1", n, err)
	}
	if n, _ := db.SentCount("SUP-000002"); n != 0 {
		t.Errorf("SentCount(SUP-000002) = %d, want 0", n)
	}
	if _, err := db.OutboxItem(99); !errors.Is(err, ErrNotFound) {
		t.Errorf("OutboxItem(99) = %v, want ErrNotFound", err)
	}
	if err := db.MarkSent(99, now); !errors.Is(err, ErrNotFound) {
		t.Errorf("MarkSent(99) = %v, want ErrNotFound", err)
	}
}

func TestOutboxSurvivesReopen(t *testing.T) {
	db := mustOpenTestDB(t)
	queueN(t, db, 2)
	now := db.clock.Now()
	if err := db.MarkSent(1, now); err != nil {
		t.Fatal(err)
	}
	retry := now.Add(time.Minute)
	if err := db.MarkAttempt(2, now, errors.New("timeout"), false, retry); err != nil {
		t.Fatal(err)
	}

	db = db.mustReopen()
	if got := dueIDs(t, db, now.Add(24*time.Hour), 0); fmt.Sprint(got) != "[2]" {
		t.Errorf("due after reopen = %v, want [2]: a sent item is never due again", got)
	}
	it, err := db.OutboxItem(2)
	if err != nil || it.Attempts != 1 || it.LastError != "timeout" || !it.NextAttempt.Equal(retry) || string(it.Payload) != `{"number":"SUP-000002"}` {
		t.Errorf("item 2 after reopen = %+v, %v", it, err)
	}
	if n, _ := db.SentCount("SUP-000001"); n != 1 {
		t.Errorf("SentCount after reopen = %d, want 1", n)
	}
}

func TestBeginAttemptSavesBeforeSending(t *testing.T) {
	db := mustOpenTestDB(t)
	queueN(t, db, 1)
	now := db.clock.Now()
	lease := now.Add(10 * time.Minute)

	it, err := db.BeginAttempt(1, now, lease)
	if err != nil {
		t.Fatal(err)
	}
	if it.Attempts != 1 || !it.Sending || !it.NextAttempt.Equal(lease) {
		t.Errorf("BeginAttempt = %+v", it)
	}
	// A crash now: after reopening, the item is not due at once, but is at
	// the saved retry time.
	db = db.mustReopen()
	if got := dueIDs(t, db, now.Add(time.Minute), 0); len(got) != 0 {
		t.Errorf("due during the attempt = %v, want none", got)
	}
	if got := dueIDs(t, db, lease, 0); fmt.Sprint(got) != "[1]" {
		t.Errorf("due at the saved retry time = %v, want [1]", got)
	}
	// The retry fails temporarily, then succeeds: each attempt counted once.
	if _, err := db.BeginAttempt(1, lease, lease.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkAttempt(1, lease, errors.New("421"), false, lease.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.BeginAttempt(1, lease.Add(time.Minute), lease.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSent(1, lease.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	it, err = db.OutboxItem(1)
	if err != nil || it.Attempts != 3 || it.Sending || it.State != StateSent {
		t.Errorf("after three attempts = %+v, %v; want Attempts 3, sent", it, err)
	}
	if _, err := db.BeginAttempt(1, now, lease); !errors.Is(err, ErrNotPending) {
		t.Errorf("BeginAttempt on a sent item = %v, want ErrNotPending", err)
	}
}

func TestMarkSentMany(t *testing.T) {
	db := mustOpenTestDB(t)
	var ids []uint64
	for _, k := range []string{"m1@x", "m2@x", "m3@x"} {
		ids = append(ids, db.mustRecord(newIntake(k)).Queued[0].ID)
	}
	if err := db.MarkSentMany(ids[:2], db.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkSentMany(ids[:1], db.clock.Now()); err != nil {
		t.Errorf("marking a sent item again: %v", err)
	}
	due, err := db.DueOutbox(db.clock.Now().Add(time.Hour), 0, 0)
	if err != nil || len(due) != 1 || due[0].ID != ids[2] {
		t.Fatalf("due after MarkSentMany: %+v, %v", due, err)
	}
}

// TestOutboxPayloadsApart: listings carry no payload (a pass over a long
// outbox reads no email), while the items handed to a sender and the
// records kept after sending do; an item written with its payload inline,
// as before the split, still delivers it.
func TestOutboxPayloadsApart(t *testing.T) {
	db := mustOpenTestDB(t)
	queued := queueN(t, db, 2)
	want := `{"number":"SUP-000001"}`
	if string(queued[0].Payload) != want {
		t.Fatalf("Record returned payload %q, want %q", queued[0].Payload, want)
	}
	due, err := db.DueOutbox(db.clock.Now(), 0, 0)
	if err != nil || len(due) != 2 {
		t.Fatalf("DueOutbox = %d items, %v", len(due), err)
	}
	for _, it := range due {
		if it.Payload != nil {
			t.Errorf("DueOutbox item %d carries its payload %q", it.ID, it.Payload)
		}
	}

	// An item as written before the split: payload inline, none apart.
	legacy := OutboxItem{ID: 77, Kind: "receipt", To: "old@x", Payload: []byte(`{"legacy":true}`),
		CreatedAt: db.clock.Now(), NextAttempt: db.clock.Now(), State: StatePending}
	if err := db.bolt.Update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketOutbox), itob(77), &legacy)
	}); err != nil {
		t.Fatal(err)
	}

	now := db.clock.Now()
	begun, err := db.BeginAttempts([]uint64{1, 77}, now, now.Add(time.Minute))
	if err != nil || len(begun) != 2 {
		t.Fatalf("BeginAttempts = %d items, %v", len(begun), err)
	}
	if string(begun[0].Payload) != want || string(begun[1].Payload) != `{"legacy":true}` {
		t.Errorf("BeginAttempts payloads = %q, %q", begun[0].Payload, begun[1].Payload)
	}
	if err := db.MarkSentMany([]uint64{1, 77}, now); err != nil {
		t.Fatal(err)
	}
	for id, p := range map[uint64]string{1: want, 77: `{"legacy":true}`} {
		it, err := db.OutboxItem(id)
		if err != nil || it.State != StateSent || string(it.Payload) != p {
			t.Errorf("sent item %d = %+v, %v; want payload %s", id, it, err, p)
		}
	}
}

// queueKinds records one intake queuing an item of each kind, in order,
// advancing the clock a second between them.
func queueKinds(t *testing.T, db *testDB, kinds ...string) {
	t.Helper()
	for i, kind := range kinds {
		in := newIntake(fmt.Sprintf("kind%d@x", i))
		in.Compose = func(*Ticket) ([]Outgoing, error) {
			return []Outgoing{{Kind: kind, To: "hook-" + kind, Payload: []byte("{}"), Uncapped: true}}, nil
		}
		db.mustRecord(in)
		db.clock.Add(time.Second)
	}
}

// Senders sharing the outbox each list, count and wait for their own
// kinds only.
func TestOutboxFilter(t *testing.T) {
	db := mustOpenTestDB(t)
	queueKinds(t, db, "receipt", "webhook", "rejection", "webhook") // IDs 1 to 4
	t0 := db.clock.Now().Add(-4 * time.Second)
	now := db.clock.Now()
	// Item 1, a receipt, is deferred: the emails' next due is then item 3's.
	if err := db.MarkAttempt(1, now, errors.New("451"), false, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		f       OutboxFilter
		due     string
		pending int
		oldest  time.Duration
		nextDue time.Time
		found   bool
	}{
		{"every kind", OutboxFilter{}, "[2 3 4]", 4, 4 * time.Second, t0.Add(time.Second), true},
		{"webhooks", OutboxFilter{Kinds: []string{"webhook"}}, "[2 4]", 2, 3 * time.Second, t0.Add(time.Second), true},
		{"all but webhooks", OutboxFilter{ExceptKinds: []string{"webhook"}}, "[3]", 2, 4 * time.Second, t0.Add(2 * time.Second), true},
		{"two kinds", OutboxFilter{Kinds: []string{"receipt", "rejection"}}, "[3]", 2, 4 * time.Second, t0.Add(2 * time.Second), true},
		{"included and excluded", OutboxFilter{Kinds: []string{"webhook"}, ExceptKinds: []string{"webhook"}}, "[]", 0, 0, time.Time{}, false},
		{"no such kind", OutboxFilter{Kinds: []string{"notification"}}, "[]", 0, 0, time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			due, err := db.DueOutboxOf(tt.f, now, 0, 0)
			var ids []uint64
			for _, it := range due {
				ids = append(ids, it.ID)
			}
			if err != nil || fmt.Sprint(ids) != tt.due {
				t.Errorf("DueOutboxOf = %v, %v; want %s", ids, err, tt.due)
			}
			if pending, oldest, err := db.OutboxStatsOf(tt.f, now); err != nil || pending != tt.pending || oldest != tt.oldest {
				t.Errorf("OutboxStatsOf = %d, %v, %v; want %d, %v", pending, oldest, err, tt.pending, tt.oldest)
			}
			next, ok, err := db.NextDueOf(tt.f)
			if err != nil || ok != tt.found || !next.Equal(tt.nextDue) {
				t.Errorf("NextDueOf = %v, %v, %v; want %v, %v", next, ok, err, tt.nextDue, tt.found)
			}
		})
	}
	// Every kind at once is what each kind alone gives.
	byKind, err := db.OutboxStatsByKind(now)
	want := map[string]KindStats{"receipt": {1, 4 * time.Second}, "webhook": {2, 3 * time.Second}, "rejection": {1, 2 * time.Second}}
	if err != nil || !maps.Equal(byKind, want) {
		t.Errorf("OutboxStatsByKind = %v, %v; want %v", byKind, err, want)
	}
	// A limit counts the items selected, not those skipped.
	due, err := db.DueOutboxOf(OutboxFilter{Kinds: []string{"webhook"}}, now, 0, 1)
	if err != nil || len(due) != 1 || due[0].ID != 2 {
		t.Errorf("DueOutboxOf(webhooks, limit 1) = %+v, %v; want item 2", due, err)
	}
}
