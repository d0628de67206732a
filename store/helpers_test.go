package store

import (
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/rules"
)

// testClock is a settable clock for Options.Now.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func newTestClock() *testClock {
	return &testClock{t: time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testDB is an open DB in a temporary directory, like bbolt's
// internal/btesting: it is checked and closed when the test ends.
type testDB struct {
	*DB
	tb     testing.TB
	clock  *testClock
	closed bool // by mustReopen
}

// mustOpenTestDB opens a new database in tb.TempDir() with a test clock.
func mustOpenTestDB(tb testing.TB) *testDB {
	tb.Helper()
	return mustOpenTestDBAt(tb, filepath.Join(tb.TempDir(), "ticketd.db"), newTestClock())
}

func mustOpenTestDBAt(tb testing.TB, path string, clock *testClock) *testDB {
	tb.Helper()
	db, err := Open(path, Options{Timeout: 200 * time.Millisecond, Now: clock.Now})
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tdb := &testDB{DB: db, tb: tb, clock: clock}
	tb.Cleanup(tdb.postTestCleanup)
	return tdb
}

func (db *testDB) postTestCleanup() {
	if db.closed {
		return
	}
	if err := db.Check(); err != nil {
		db.tb.Errorf("Check after test: %v", err)
	}
	if err := db.checkIndexes(); err != nil {
		db.tb.Errorf("indexes after test: %v", err)
	}
	if err := db.Close(); err != nil {
		db.tb.Errorf("Close: %v", err)
	}
}

// mustReopen closes db and opens the same file again with the same clock.
func (db *testDB) mustReopen() *testDB {
	db.tb.Helper()
	if err := db.Close(); err != nil {
		db.tb.Fatalf("Close: %v", err)
	}
	db.closed = true
	return mustOpenTestDBAt(db.tb, db.Path(), db.clock)
}

// mustRecord records in and fails the test on error.
func (db *testDB) mustRecord(in *Intake) *Result {
	db.tb.Helper()
	res, err := db.Record(in)
	if err != nil {
		db.tb.Fatalf("Record(%s): %v", in.Key, err)
	}
	return res
}

// newIntake returns an accepted intake for key with one receipt to compose.
func newIntake(key string) *Intake {
	return &Intake{
		Key:          "mid:" + key,
		MessageID:    key,
		From:         "Ana@Example.COM",
		FromName:     "Ana",
		Subject:      "API returns 500 on /orders",
		ReceivedAt:   time.Date(2026, 11, 3, 8, 59, 0, 0, time.UTC),
		Raw:          []byte("From: ana@example.com\r\nMessage-ID: <" + key + ">\r\n\r\nhello\r\n"),
		Outcome:      rules.Accepted,
		Category:     rules.APIError,
		Lang:         rules.English,
		Organization: "acme",
		DeductsQuota: true,
		Period:       "2026-11",
		Included:     10,
		Attachments:  []intake.Attachment{{Filename: "trace.txt", MediaType: "text/plain", Size: 12, SHA256: "ab"}},
		Prefix:       "SUP",
		Compose:      receiptComposer,
	}
}

// receiptComposer queues one receipt per ticket (or one rejection when
// there is none) to the sender.
func receiptComposer(t *Ticket) ([]Outgoing, error) {
	if t == nil {
		return []Outgoing{{Kind: "rejection", To: "ana@example.com", MessageID: "<rej@ticketd.test>"}}, nil
	}
	return []Outgoing{{
		Kind:      "receipt",
		To:        t.Sender,
		MessageID: "<receipt." + t.Number + "@ticketd.test>",
		Payload:   []byte(`{"number":"` + t.Number + `"}`),
	}}, nil
}
