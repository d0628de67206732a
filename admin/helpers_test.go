package admin

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// testNow is the clock of the store and of the API under test.
var testNow = time.Date(2026, 11, 6, 10, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return testNow }

// openStore opens a new writable database in t.TempDir(), closed when the
// test ends.
func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "ticketd.db"), store.Options{Timeout: 200 * time.Millisecond, Now: fixedNow})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// seedTicket describes one ticket recorded by seed.
type seedTicket struct {
	key      string
	org      string
	outcome  rules.Outcome
	received time.Time
	period   string
}

// seeded are the tickets seed records, numbered SUP-000001 onwards.
var seeded = []seedTicket{
	{"a1@acme.test", "acme", rules.Accepted, time.Date(2026, 11, 3, 8, 0, 0, 0, time.UTC), "2026-11"},
	{"g1@globex.test", "globex", rules.NeedsInfo, time.Date(2026, 11, 5, 9, 0, 0, 0, time.UTC), "2026-11"},
	{"a2@acme.test", "acme", rules.Accepted, time.Date(2026, 10, 20, 15, 0, 0, 0, time.UTC), "2026-10"},
}

// rawOf is the raw message recorded for a seed key.
func rawOf(key string) []byte {
	return []byte("From: ana@example.com\r\nMessage-ID: <" + key + ">\r\nSubject: API returns 500\r\n\r\nhello from " + key + "\r\n")
}

// seed records the seeded tickets in db and returns their numbers.
func seed(t *testing.T, db *store.DB) []string {
	t.Helper()
	var numbers []string
	for _, s := range seeded {
		res, err := db.Record(&store.Intake{
			Key:          "mid:" + s.key,
			MessageID:    s.key,
			From:         "ana@example.com",
			Subject:      "API returns 500 on /orders",
			ReceivedAt:   s.received,
			Raw:          rawOf(s.key),
			Outcome:      s.outcome,
			Category:     rules.APIError,
			Lang:         rules.English,
			Organization: s.org,
			DeductsQuota: true,
			Period:       s.period,
			Included:     10,
			Prefix:       "SUP",
		})
		if err != nil {
			t.Fatalf("Record(%s): %v", s.key, err)
		}
		numbers = append(numbers, res.Ticket.Number)
	}
	return numbers
}

// testLogger writes to the test's output (shown on failure or -v).
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// startAPI serves the admin API for b on 127.0.0.1:0 until the test ends
// and returns a client for it.
func startAPI(t *testing.T, b Backend) (*Client, *Server) {
	t.Helper()
	return serveAPI(t, NewHandler(b, fixedNow, testLogger(t)))
}

// serveAPI serves h on 127.0.0.1:0 until the test ends and returns a
// client for it.
func serveAPI(t *testing.T, h http.Handler) (*Client, *Server) {
	t.Helper()
	s := NewServer("127.0.0.1:0", h, testLogger(t))
	if err := s.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
	})
	c := NewClient(s.Addr(), 5*time.Second)
	t.Cleanup(c.Close)
	return c, s
}

// numbersOf returns the numbers of ts.
func numbersOf(ts []store.Ticket) []string {
	out := []string{}
	for _, t := range ts {
		out = append(out, t.Number)
	}
	return out
}
