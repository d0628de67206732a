package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/rules"
)

// Run: go test -run '^$' -bench 'StoreAtScale' -benchtime 200x ./store/

const scaleTickets = 100_000

var (
	benchWords = strings.Fields("dashboard export login invoice api timeout upload pdf report webhook " +
		"password billing sync error slow crash mobile android iphone csv import printer email calendar " +
		"permissions token integration chart search filter backup restore payment refund")
	benchNames = strings.Fields("Ana Luis Marta Bob Chen Zoë Pedro Ingrid Omar Sofía Kenji Ravi Fatima Jonas Elena")
)

// scaleIntake is the i-th message of the benchmark fixture: 300 organizations
// of very different sizes, every category, a varied subject, two findings
// and three reasons, a 1 KB raw message and a receipt.
func scaleIntake(r *rand.Rand, i int, start time.Time) *Intake {
	org := fmt.Sprintf("org%03d", int(300*r.Float64()*r.Float64())) // a few big ones, many small
	who := benchNames[r.IntN(len(benchNames))]
	from := fmt.Sprintf("%s.%d@%s.example", strings.ToLower(who), r.IntN(40), org)
	subject := fmt.Sprintf("%s %s %s fails since update %d", benchWords[r.IntN(len(benchWords))],
		benchWords[r.IntN(len(benchWords))], benchWords[r.IntN(len(benchWords))], r.IntN(500))
	cats := []rules.Category{rules.Incident, rules.APIError, rules.Upload, rules.Document, rules.SelfService, rules.Question}
	received := start.Add(time.Duration(i) * 5 * time.Minute)
	in := &Intake{
		Key:        fmt.Sprintf("mid:bench-%d@%s.example", i, org),
		MessageID:  fmt.Sprintf("bench-%d@%s.example", i, org),
		From:       from,
		FromName:   who + " " + strings.ToUpper(org[:1]) + "akos",
		Subject:    subject,
		ReceivedAt: received,
		Raw:        []byte("From: " + from + "\r\nSubject: " + subject + "\r\n\r\n" + strings.Repeat("It does not work. ", 55)),
		Outcome:    rules.Accepted,
		Category:   cats[r.IntN(len(cats))],
		Lang:       rules.English,
		Findings: []rules.Finding{
			{Rule: "evidence.screenshot", Outcome: rules.Accepted, Message: rules.Text{EN: "A screenshot helps us.", ES: "Una captura nos ayuda."}, Evidence: []string{subject}},
			{Rule: "problem.single", Outcome: rules.Accepted, Message: rules.Text{EN: "One problem per ticket.", ES: "Un problema por ticket."}},
		},
		Reasons: []rules.Reason{
			{Rule: "category", Fired: true, Why: "the sentence \"" + subject + "\" is about the product"},
			{Rule: "evidence.screenshot", Why: "no image attached"},
			{Rule: "problem.single", Fired: true, Why: "one unit of malfunction"},
		},
		Organization: org,
		DeductsQuota: true,
		Period:       received.Format("2006-01"),
		Included:     120,
		Attachments:  []intake.Attachment{{Filename: "screen.png", MediaType: "image/png", Size: 48213, SHA256: strings.Repeat("ab", 32)}},
		Prefix:       "SUP",
		Compose: func(t *Ticket) ([]Outgoing, error) {
			return []Outgoing{{Kind: "receipt", To: t.Sender, MessageID: "<receipt." + t.Number + "@ticketd.test>", Payload: []byte(`{"number":"` + t.Number + `"}`)}}, nil
		},
	}
	if r.IntN(100) < 20 {
		in.Outcome = rules.NeedsInfo
	}
	return in
}

// scaleFixture opens a store in tb.TempDir() holding n tickets: recorded
// in batches of 5,000 (fsync off while filling), then about half closed and
// a third of the rest assigned to one of eight agents, in batches too.
func scaleFixture(tb testing.TB, n int) *DB {
	tb.Helper()
	start := time.Now()
	db, err := Open(filepath.Join(tb.TempDir(), "ticketd.db"), Options{Now: func() time.Time { return time.Date(2027, 11, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	db.bolt.NoSync = true
	defer func() { db.bolt.NoSync = false }()
	r := rand.New(rand.NewPCG(1, 2))
	first := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	const batch = 5000
	for i := 0; i < n; i += batch {
		ins := make([]*Intake, 0, batch)
		for j := i; j < min(i+batch, n); j++ {
			ins = append(ins, scaleIntake(r, j, first))
		}
		if _, err := db.RecordBatch(ins); err != nil {
			tb.Fatal(err)
		}
	}
	agents := []string{"luis", "marta", "chen", "sofia", "omar", "ingrid", "kenji", "elena"}
	var changes []*Change
	for seq := 1; seq <= n; seq++ {
		number := FormatNumber("SUP", uint64(seq))
		switch x := r.IntN(100); {
		case x < 50 && seq < n-2000: // the newest are still being worked on
			changes = append(changes, &Change{Number: number, Action: ActionClose, Entry: &Entry{Kind: EntryClose}})
		case x < 70:
			changes = append(changes, &Change{Number: number, Action: ActionAssign, Assignee: agents[r.IntN(len(agents))], Entry: &Entry{Kind: EntryAssign}})
		}
	}
	for i := 0; i < len(changes); i += batch {
		err := db.update(func(tx *bolt.Tx) error {
			for _, c := range changes[i:min(i+batch, len(changes))] {
				if _, err := changeTicket(tx, c, db.now()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if fi, err := os.Stat(db.Path()); err == nil {
		tb.Logf("fixture: %d tickets, %d changes, %d MB, built in %v", n, len(changes), fi.Size()>>20, time.Since(start).Round(time.Millisecond))
	}
	return db
}

func BenchmarkStoreAtScale(b *testing.B) {
	db := scaleFixture(b, scaleTickets)
	counts, over, err := db.QueueCounts()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("statuses %v, over plan %d", counts, over)
	sample, err := db.Ticket("SUP-042424")
	if err != nil {
		b.Fatal(err)
	}
	queues := []struct {
		name string
		f    QueueFilter
	}{
		{"Queue/open-first-page", QueueFilter{Status: StatusOpen}},
		{"Queue/needs-info-first-page", QueueFilter{Status: StatusNeedsInfo}},
		{"Queue/new-open-unassigned", QueueFilter{Status: StatusOpen, Assignee: "-"}},
		{"Queue/org+status", QueueFilter{Org: "org007", Status: StatusOpen}},
		{"Queue/small-org+category+status", QueueFilter{Org: "org250", Category: string(rules.Upload), Status: StatusClosed}},
		{"Queue/over-plan+org", QueueFilter{OverPlan: true, Org: "org003"}},
		{"Queue/assignee", QueueFilter{Assignee: "marta"}},
		{"Queue/assignee+open", QueueFilter{Assignee: "marta", Status: StatusOpen}},
		{"Queue/search-one-word", QueueFilter{Query: "invoice"}},
		{"Queue/search-two-words", QueueFilter{Query: "invoice timeout"}},
		{"Queue/search-sender", QueueFilter{Query: sample.Sender}},
		{"Queue/search-words+open", QueueFilter{Query: "pdf export", Status: StatusOpen}},
		{"Queue/search-number", QueueFilter{Query: "SUP-042424"}},
		{"Queue/all-first-page", QueueFilter{}},
		{"Queue/deep-page", QueueFilter{Status: StatusClosed, Before: 1000}},
		{"Queue/page-of-500", QueueFilter{Status: StatusClosed, Limit: 500}},
	}
	for _, q := range queues {
		b.Run(q.name, func(b *testing.B) {
			var p *QueuePage
			for b.Loop() {
				if p, err = db.Queue(q.f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(p.Total), "total")
			b.ReportMetric(float64(len(p.Tickets)), "page")
		})
	}
	b.Run("QueueCounts", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := db.QueueCounts(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Ticket", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.Ticket("SUP-042424"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("RecordBatch64/100k-store", func(b *testing.B) { benchRecordBatch(b, db, scaleTickets) })
	b.Run("RecordBatch64/empty-store", func(b *testing.B) {
		empty, err := Open(filepath.Join(b.TempDir(), "empty.db"), Options{Now: db.now})
		if err != nil {
			b.Fatal(err)
		}
		defer empty.Close()
		benchRecordBatch(b, empty, 0)
	})
}

var benchBatchRun atomic.Int64

// benchRecordBatch records batches of 64 new messages (fsync on) into db,
// whose tickets so far number from.
func benchRecordBatch(b *testing.B, db *DB, from int) {
	r := rand.New(rand.NewPCG(3, uint64(benchBatchRun.Add(1))))
	first := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	run := benchBatchRun.Load()
	i := from
	for b.Loop() {
		b.StopTimer()
		ins := make([]*Intake, 64)
		for j := range ins {
			ins[j] = scaleIntake(r, i, first)
			ins[j].Key = fmt.Sprintf("mid:batch-%d-%d", run, i)
			i++
		}
		b.StartTimer()
		if _, err := db.RecordBatch(ins); err != nil {
			b.Fatal(err)
		}
	}
}
