package daemon

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/store"
)

// TestRetentionPrunesAndKeepsTickets: the daemon prunes at start (one log
// line with the counts); 31 days on, the stranger's raw message is gone
// (ErrPruned) while the record, the tickets and their raw messages stay.
func TestRetentionPrunesAndKeepsTickets(t *testing.T) {
	r := newRig(t)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	r.imap.Append("INBOX", fixture(t, "rejected-en-stranger.eml"))
	r.runOnce()

	d, stop := r.start()
	waitUntil(t, 10*time.Second, "the prune at start", func() bool {
		return strings.Contains(r.logs.String(), "retention: pruned")
	})
	d.prune(context.Background(), time.Now().Add(31*24*time.Hour), storeRetention(r.cfg))
	stop()
	logs := r.logs.String()
	if n := strings.Count(logs, "retention: pruned"); n != 2 {
		t.Errorf("%d prune lines, want 2 (start, then the call):\n%s", n, logs)
	}
	if !strings.Contains(logs, "turned_away_raw=1") {
		t.Errorf("the prune line does not count the stranger's message:\n%s", logs)
	}

	db := r.openStore()
	ta, err := db.TurnedAway(time.Time{})
	if err != nil || len(ta) != 1 {
		t.Fatalf("turned-away records: %d, %v; want the 1 kept", len(ta), err)
	}
	if _, err := db.Raw(ta[0].Key); !errors.Is(err, store.ErrPruned) {
		t.Errorf("Raw of the pruned message = %v, want ErrPruned", err)
	}
	ts, err := db.Tickets(store.TicketFilter{})
	if err != nil || len(ts) != 1 {
		t.Fatalf("tickets: %d, %v", len(ts), err)
	}
	if _, err := db.Raw(ts[0].Messages[0].Key); err != nil {
		t.Errorf("the ticket's raw message was pruned: %v", err)
	}
}
