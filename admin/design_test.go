package admin

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// TestClientAnswersWhileDaemonHoldsTheDatabase proves the point of the
// design: while the daemon holds the database open for writing, and keeps
// writing, the CLI cannot open the file but gets its answers through the
// API within a second.
func TestClientAnswersWhileDaemonHoldsTheDatabase(t *testing.T) {
	db := openStore(t) // the daemon's writer
	seed(t, db)

	if other, err := store.Open(db.Path(), store.Options{ReadOnly: true, Timeout: 50 * time.Millisecond}); !errors.Is(err, store.ErrLocked) {
		if other != nil {
			_ = other.Close()
		}
		t.Fatalf("second Open while the daemon holds the file = %v, want ErrLocked", err)
	}

	c, _ := startAPI(t, db)
	const more = 20
	written := make(chan error, 1)
	go func() { // the daemon keeps recording mail meanwhile
		for i := range more {
			key := fmt.Sprintf("w%d@acme.test", i)
			if _, err := db.Record(&store.Intake{
				Key: "mid:" + key, MessageID: key, From: "ana@example.com", Subject: "API 500",
				Raw: rawOf(key), Outcome: rules.Accepted, Organization: "acme",
				DeductsQuota: true, Period: "2026-11", Prefix: "SUP",
			}); err != nil {
				written <- err
				return
			}
		}
		written <- nil
	}()

	for range 5 {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		up, err := c.Up(ctx)
		if err != nil || !up {
			cancel()
			t.Fatalf("Up = %v, %v", up, err)
		}
		ts, err := c.Tickets(ctx, store.TicketFilter{})
		cancel()
		if err != nil {
			t.Fatalf("list while the daemon writes, within a second: %v", err)
		}
		if len(ts) < len(seeded) {
			t.Fatalf("listed %d tickets, want at least %d", len(ts), len(seeded))
		}
	}
	if err := <-written; err != nil {
		t.Fatalf("daemon Record: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	ts, err := c.Tickets(ctx, store.TicketFilter{})
	if err != nil {
		t.Fatalf("final list: %v", err)
	}
	if len(ts) != len(seeded)+more {
		t.Errorf("final list has %d tickets, want %d", len(ts), len(seeded)+more)
	}
}
