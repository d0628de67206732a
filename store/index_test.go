package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ticketd/ticketd/rules"
)

// checkIndexes compares every index bucket with what the tickets say it
// should hold, key by key.
func (db *DB) checkIndexes() error {
	return db.view(func(tx *bolt.Tx) error {
		if !indexed(tx) {
			return errors.New("the store does not record the index version")
		}
		want := map[string]map[string]string{}
		for _, name := range indexBuckets {
			want[string(name)] = map[string]string{}
		}
		err := tx.Bucket(bucketTickets).ForEach(func(k, v []byte) error {
			var t Ticket
			if err := decodeJSON(k, v, &t); err != nil {
				return err
			}
			r := rowOf(&t)
			for _, f := range indexFields {
				if v, ok := f.value(&r); ok {
					want[string(f.bucket)][string(ixKey(v, t.Seq))] = ""
				}
			}
			want[string(bucketIxSearch)][string(itob(t.Seq))] = string(r.encode())
			day := want[string(bucketIxDay)]
			dk := string(dayKey(t.Organization, t.ReceivedAt))
			n := uint64(0)
			if v, ok := day[dk]; ok {
				n = binary.BigEndian.Uint64([]byte(v))
			}
			day[dk] = string(binary.BigEndian.AppendUint64(nil, n+1))
			return nil
		})
		if err != nil {
			return err
		}
		for _, name := range indexBuckets {
			got := map[string]string{}
			_ = tx.Bucket(name).ForEach(func(k, v []byte) error {
				got[string(k)] = string(v)
				return nil
			})
			for k, v := range want[string(name)] {
				if g, ok := got[k]; !ok || g != v {
					return fmt.Errorf("%s: key %q = %q (present %v), want %q", name, k, g, ok, v)
				}
			}
			for k := range got {
				if _, ok := want[string(name)][k]; !ok {
					return fmt.Errorf("%s: stale key %q", name, k)
				}
			}
		}
		return nil
	})
}

// queueNumbers returns the numbers of a Queue page.
func queueNumbers(p *QueuePage) []string {
	var out []string
	for _, t := range p.Tickets {
		out = append(out, t.Number)
	}
	return out
}

func mustQueue(tb testing.TB, db *DB, f QueueFilter) *QueuePage {
	tb.Helper()
	p, err := db.Queue(f)
	if err != nil {
		tb.Fatalf("Queue(%+v): %v", f, err)
	}
	return p
}

func TestIndexesFollowEveryWriter(t *testing.T) {
	db := mustOpenTestDB(t)
	ctx := context.Background()
	needs := newIntake("n@x")
	needs.Outcome = rules.NeedsInfo
	needs.Subject = "Upload fails"
	nt := db.mustRecord(needs).Ticket
	over := newIntake("o@x")
	over.Included = 1 // the second deduction of the period is over plan
	over.From, over.FromName, over.Subject = "bob@globex.test", "Bob Ruiz", "Invoice PDF missing"
	ot := db.mustRecord(over).Ticket
	if !ot.OverPlan {
		t.Fatalf("fixture: %s is not over plan", ot.Number)
	}

	steps := []struct {
		name  string
		do    func() error
		query QueueFilter
		want  []string
	}{
		{"record", func() error { return nil }, QueueFilter{OverPlan: true}, []string{ot.Number}},
		{"follow-up completes a needs_info ticket", func() error {
			_, err := db.AppendFollowUp(&FollowUp{Number: nt.Number, Key: "mid:f@x", From: "ana@example.com", Raw: []byte("x"),
				Update: func(tk *Ticket) ([]Outgoing, error) {
					tk.Status, tk.SLAStartedAt = StatusOpen, db.clock.Now()
					return nil, nil
				}})
			return err
		}, QueueFilter{Status: StatusOpen}, []string{ot.Number, nt.Number}},
		{"assign", func() error {
			_, err := db.ChangeTicket(&Change{Number: nt.Number, Action: ActionAssign, Assignee: "luis"})
			return err
		}, QueueFilter{Assignee: "luis"}, []string{nt.Number}},
		{"unassigned", func() error { return nil }, QueueFilter{Assignee: "-"}, []string{ot.Number}},
		{"close", func() error {
			_, err := db.CloseTicket(nt.Number, db.clock.Now())
			return err
		}, QueueFilter{Status: StatusClosed, Assignee: "luis"}, []string{nt.Number}},
		{"reopen", func() error {
			_, err := db.ChangeTicket(&Change{Number: nt.Number, Action: ActionReopen})
			return err
		}, QueueFilter{Status: StatusOpen}, []string{ot.Number, nt.Number}},
		{"warranty takes the ticket out of over plan", func() error {
			_, err := db.MarkWarranty(ot.Number, db.clock.Now())
			return err
		}, QueueFilter{OverPlan: true}, nil},
		{"retention prune of a closed ticket", func() error {
			if _, err := db.CloseTicket(ot.Number, db.clock.Now()); err != nil {
				return err
			}
			db.clock.Add(48 * time.Hour)
			_, err := db.Prune(ctx, db.clock.Now(), Retention{ClosedTickets: time.Hour})
			return err
		}, QueueFilter{Status: StatusClosed, Query: "globex"}, []string{ot.Number}},
		{"erasure removes the sender and subject from the search", func() error {
			_, err := db.EraseSender(ctx, "bob@globex.test", "test")
			return err
		}, QueueFilter{Query: "globex"}, nil},
		{"erased subject words", func() error { return nil }, QueueFilter{Query: "invoice"}, nil},
		{"the ticket number still finds an erased ticket", func() error { return nil }, QueueFilter{Query: ot.Number}, []string{ot.Number}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if err := db.checkIndexes(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		p := mustQueue(t, db.DB, s.query)
		if got := queueNumbers(p); !slices.Equal(got, s.want) || p.Total != len(s.want) {
			t.Fatalf("%s: Queue(%+v) = %v (total %d), want %v", s.name, s.query, got, p.Total, s.want)
		}
	}
}

// recordFixture records a small varied set of tickets: n tickets over three
// organizations, every category, a third needing information, some
// assigned, some closed.
func recordFixture(tb testing.TB, db *testDB, n int) []*Ticket {
	tb.Helper()
	orgs := []string{"acme", "globex", "initech"}
	cats := []rules.Category{rules.Incident, rules.APIError, rules.Upload, rules.Document, rules.Question}
	var out []*Ticket
	for i := range n {
		in := newIntake(fmt.Sprintf("fx%d@x", i))
		in.Organization = orgs[i%len(orgs)]
		in.Category = cats[i%len(cats)]
		in.From = fmt.Sprintf("user%d@%s.test", i%7, in.Organization)
		in.FromName = []string{"Ana Pérez", "Zoë Ñúñez", "Bob", "", "Chen Wei", "Ana", "Luis"}[i%7]
		in.Subject = fmt.Sprintf("Problem %d with the %s", i, []string{"dashboard", "export", "Login page"}[i%3])
		in.Included = 8
		if i%3 == 2 {
			in.Outcome = rules.NeedsInfo
		}
		tk := db.mustRecord(in).Ticket
		if i%4 == 1 {
			res, err := db.ChangeTicket(&Change{Number: tk.Number, Action: ActionAssign, Assignee: []string{"luis", "marta"}[i%2]})
			if err != nil {
				tb.Fatal(err)
			}
			tk = res.Ticket
		}
		if i%5 == 4 {
			var err error
			if tk, err = db.CloseTicket(tk.Number, db.clock.Now()); err != nil {
				tb.Fatal(err)
			}
		}
		out = append(out, tk)
	}
	return out
}

func TestQueueFilters(t *testing.T) {
	db := mustOpenTestDB(t)
	all := recordFixture(t, db, 40)
	ref := func(keep func(t *Ticket) bool) []string {
		var out []string
		for i := len(all) - 1; i >= 0; i-- {
			if keep(all[i]) {
				out = append(out, all[i].Number)
			}
		}
		return out
	}
	tests := []struct {
		name string
		f    QueueFilter
		want []string
	}{
		{"everything", QueueFilter{}, ref(func(*Ticket) bool { return true })},
		{"open", QueueFilter{Status: StatusOpen}, ref(func(t *Ticket) bool { return t.Status == StatusOpen })},
		{"needs_info", QueueFilter{Status: StatusNeedsInfo}, ref(func(t *Ticket) bool { return t.Status == StatusNeedsInfo })},
		{"closed", QueueFilter{Status: StatusClosed}, ref(func(t *Ticket) bool { return t.Status == StatusClosed })},
		{"over plan", QueueFilter{OverPlan: true}, ref(func(t *Ticket) bool { return t.OverPlan })},
		{"org and status", QueueFilter{Org: "globex", Status: StatusOpen}, ref(func(t *Ticket) bool { return t.Organization == "globex" && t.Status == StatusOpen })},
		{"category", QueueFilter{Category: string(rules.Upload)}, ref(func(t *Ticket) bool { return t.Category == rules.Upload })},
		{"assignee", QueueFilter{Assignee: "marta"}, ref(func(t *Ticket) bool { return t.Assignee == "marta" })},
		{"new: open and unassigned", QueueFilter{Status: StatusOpen, Assignee: "-"}, ref(func(t *Ticket) bool { return t.Status == StatusOpen && t.Assignee == "" })},
		{"every field", QueueFilter{Org: "acme", Category: string(rules.Incident), Status: StatusOpen, Assignee: "-", OverPlan: true},
			ref(func(t *Ticket) bool {
				return t.Organization == "acme" && t.Category == rules.Incident && t.Status == StatusOpen && t.Assignee == "" && t.OverPlan
			})},
		{"unknown org", QueueFilter{Org: "nobody"}, nil},
		{"words, any case, all must match", QueueFilter{Query: "LOGIN user3"}, ref(func(t *Ticket) bool {
			return bytes.Contains(searchText(t), []byte("login")) && bytes.Contains(searchText(t), []byte("user3"))
		})},
		{"sender name, non-ASCII case", QueueFilter{Query: "ZOË ñúñez"}, ref(func(t *Ticket) bool { return t.SenderName == "Zoë Ñúñez" })},
		{"part of an address", QueueFilter{Query: "user4@"}, ref(func(t *Ticket) bool { return bytes.HasPrefix([]byte(t.Sender), []byte("user4@")) })},
		{"word and org", QueueFilter{Query: "export", Org: "initech"}, ref(func(t *Ticket) bool {
			return t.Organization == "initech" && bytes.Contains(searchText(t), []byte("export"))
		})},
		{"word and a small index filter", QueueFilter{Query: "dashboard", Status: StatusClosed}, ref(func(t *Ticket) bool {
			return t.Status == StatusClosed && bytes.Contains(searchText(t), []byte("dashboard"))
		})},
		{"full number", QueueFilter{Query: "sup-000012"}, []string{"SUP-000012"}},
		{"bare number, also in subjects", QueueFilter{Query: "12"}, []string{"SUP-000013", "SUP-000012"}}, // "Problem 12" is ticket 13
		{"number with another prefix", QueueFilter{Query: "ABC-000012"}, nil},
		{"number and a filter it fails", QueueFilter{Query: "SUP-000012", Status: StatusClosed}, nil},
		{"no match", QueueFilter{Query: "zzzz"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustQueue(t, db.DB, tt.f)
			if got := queueNumbers(p); !slices.Equal(got, tt.want) || p.Total != len(tt.want) || p.Next != 0 {
				t.Fatalf("Queue = %v (total %d, next %d), want %v (total %d, next 0)", got, p.Total, p.Next, tt.want, len(tt.want))
			}
			// Paging by 3 gives the same tickets in the same order.
			var paged []string
			f := tt.f
			f.Limit = 3
			for pages := 0; ; pages++ {
				p := mustQueue(t, db.DB, f)
				if p.Total != len(tt.want) || len(p.Tickets) > 3 || pages > len(tt.want) {
					t.Fatalf("page %d: %d tickets, total %d", pages, len(p.Tickets), p.Total)
				}
				paged = append(paged, queueNumbers(p)...)
				if p.Next == 0 {
					break
				}
				f.Before = p.Next
			}
			if !slices.Equal(paged, tt.want) {
				t.Fatalf("paged by 3: %v, want %v", paged, tt.want)
			}
		})
	}
}

func TestQueueLimits(t *testing.T) {
	db := mustOpenTestDB(t)
	recordFixture(t, db, 12)
	tests := []struct {
		limit, want int
		next        uint64
	}{
		{0, 12, 0}, {-1, 12, 0}, {5, 5, 8}, {12, 12, 0}, {MaxQueueLimit + 1, 12, 0},
	}
	for _, tt := range tests {
		p := mustQueue(t, db.DB, QueueFilter{Limit: tt.limit})
		if len(p.Tickets) != tt.want || p.Next != tt.next || p.Tickets[0].Seq != 12 {
			t.Errorf("Limit %d: %d tickets from %d, next %d; want %d from 12, next %d", tt.limit, len(p.Tickets), p.Tickets[0].Seq, p.Next, tt.want, tt.next)
		}
	}
	if p := mustQueue(t, db.DB, QueueFilter{Before: 1}); len(p.Tickets) != 0 || p.Total != 12 || p.Next != 0 {
		t.Errorf("Before 1: %+v, want no tickets, total 12", p)
	}
}

func TestQueueCounts(t *testing.T) {
	db := mustOpenTestDB(t)
	counts, over, err := db.QueueCounts()
	if err != nil || len(counts) != 0 || over != 0 {
		t.Fatalf("empty store: %v, %d, %v", counts, over, err)
	}
	all := recordFixture(t, db, 30)
	want := map[Status]int{}
	wantOver := 0
	for _, tk := range all {
		want[tk.Status]++
		if tk.OverPlan {
			wantOver++
		}
	}
	counts, over, err = db.QueueCounts()
	if err != nil || !maps.Equal(counts, want) || over != wantOver || wantOver == 0 {
		t.Fatalf("QueueCounts = %v, %d, %v; want %v, %d", counts, over, err, want, wantOver)
	}
}

// dropIndexes makes db's file look like a store written before the indexes.
func dropIndexes(tb testing.TB, db *testDB) {
	tb.Helper()
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		for _, name := range indexBuckets {
			if err := tx.DeleteBucket(name); err != nil {
				return err
			}
		}
		return tx.DeleteBucket(bucketMeta)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func TestIndexRebuildOnOldStore(t *testing.T) {
	defer func(n int) { indexBuildBatch = n }(indexBuildBatch)
	indexBuildBatch = 4 // several transactions
	db := mustOpenTestDB(t)
	all := recordFixture(t, db, 23)
	filters := []QueueFilter{{}, {Status: StatusOpen, Org: "acme"}, {Query: "login"}, {Assignee: "-"}, {OverPlan: true, Limit: 2}}
	var want []*QueuePage
	for _, f := range filters {
		want = append(want, mustQueue(t, db.DB, f))
	}
	wantCounts, wantOver, _ := db.QueueCounts()
	dropIndexes(t, db)
	path := db.Path()
	db.closed = true
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// Read-only, the old store is scanned: the same answers.
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range filters {
		p := mustQueue(t, ro, f)
		if !slices.Equal(queueNumbers(p), queueNumbers(want[i])) || p.Total != want[i].Total || p.Next != want[i].Next {
			t.Errorf("read-only without indexes, Queue(%+v) = %v (%d, %d), want %v (%d, %d)", f, queueNumbers(p), p.Total, p.Next, queueNumbers(want[i]), want[i].Total, want[i].Next)
		}
	}
	if counts, over, err := ro.QueueCounts(); err != nil || !maps.Equal(counts, wantCounts) || over != wantOver {
		t.Errorf("read-only QueueCounts = %v, %d, %v", counts, over, err)
	}
	if err := ro.Close(); err != nil {
		t.Fatal(err)
	}

	// The first writable Open builds them; the next one does nothing.
	db = mustOpenTestDBAt(t, path, db.clock)
	if err := db.checkIndexes(); err != nil {
		t.Fatalf("after the rebuild: %v", err)
	}
	for i, f := range filters {
		if p := mustQueue(t, db.DB, f); !slices.Equal(queueNumbers(p), queueNumbers(want[i])) || p.Total != want[i].Total {
			t.Errorf("rebuilt, Queue(%+v) = %v, want %v", f, queueNumbers(p), queueNumbers(want[i]))
		}
	}
	if n, err := db.ensureIndexes(); err != nil || n != 0 {
		t.Errorf("ensureIndexes on a current store = %d, %v; want 0 (nothing to do)", n, err)
	}
	// An older version is rebuilt from scratch, stale keys included.
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketIxOrg).Put(ixKey([]byte("stale"), 999), nil); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(metaIndexVersion, []byte("0"))
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.ensureIndexes(); err != nil || n != len(all) {
		t.Errorf("ensureIndexes on version 0 = %d, %v; want %d", n, err, len(all))
	}
	if err := db.checkIndexes(); err != nil {
		t.Errorf("after rebuilding version 0: %v", err)
	}
}

func TestAwaitingCustomerFromIndex(t *testing.T) {
	db := mustOpenTestDB(t)
	all := recordFixture(t, db, 15)
	var want []string
	for _, tk := range all {
		if tk.Status == StatusNeedsInfo {
			want = append(want, tk.Number)
		}
	}
	got, err := db.AwaitingCustomer(db.clock.Now().Add(time.Hour))
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("AwaitingCustomer = %v, %v; want %v", got, err, want)
	}
}

func TestContainsWord(t *testing.T) {
	long := []byte(strings.Repeat("abcdefghij", 20) + "needle" + strings.Repeat("x", 37))
	tests := []struct {
		s, w string
		want bool
	}{
		{"", "a", false},
		{"short text", "text", true},
		{"short text", "texts", false},
		{string(long), "needle", true},
		{string(long), "jabc", true},
		{string(long), "needles", false},
		{string(long[:len(long)-37]), "needle", true},                  // at the very end
		{string(long[:61]) + "word" + string(long[:80]), "word", true}, // across a window's edge
		{string(long[:62]) + "word", "word", true},
		{strings.Repeat("y", 100), strings.Repeat("y", 40), true}, // a long word
	}
	for _, tt := range tests {
		if got := containsWord([]byte(tt.s), []byte(tt.w)); got != tt.want || got != strings.Contains(tt.s, tt.w) {
			t.Errorf("containsWord(%d bytes, %q) = %v, want %v", len(tt.s), tt.w, got, tt.want)
		}
	}
	// Every position and length against bytes.Contains.
	for n := 1; n <= 12; n++ {
		for i := 0; i+n <= len(long); i++ {
			if !containsWord(long, long[i:i+n]) {
				t.Fatalf("containsWord misses long[%d:%d]", i, i+n)
			}
		}
	}
}

func TestTicketsPerDay(t *testing.T) {
	db := mustOpenTestDB(t)
	day1 := time.Date(2026, 11, 2, 23, 59, 0, 0, time.UTC)
	for i, at := range []time.Time{day1, day1, day1.Add(2 * time.Minute), day1.Add(48 * time.Hour)} {
		in := newIntake(fmt.Sprintf("d%d@x", i))
		in.ReceivedAt = at
		db.mustRecord(in)
	}
	other := newIntake("other@x")
	other.Organization, other.ReceivedAt = "globex", day1
	db.mustRecord(other)
	got, err := db.TicketsPerDay("acme", day1, day1.Add(72*time.Hour))
	want := map[string]int{"2026-11-02": 2, "2026-11-03": 1, "2026-11-04": 1}
	if err != nil || !maps.Equal(got, want) {
		t.Errorf("TicketsPerDay = %v, %v; want %v", got, err, want)
	}
	if got, _ := db.TicketsPerDay("acme", day1.Add(24*time.Hour), day1.Add(24*time.Hour)); !maps.Equal(got, map[string]int{"2026-11-03": 1}) {
		t.Errorf("one day: %v", got)
	}
}
