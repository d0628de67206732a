package inbox

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/mailtest"
	"github.com/ticketd/ticketd/metrics"
)

// TestVerdictsCountedBeforeFailedMove: the messages are recorded, then
// MOVE fails and ends the session; the verdicts and tickets are still
// counted (657 against 731 in issue 13), and the next session, with MOVE
// working, moves them as duplicates without counting new tickets.
func TestVerdictsCountedBeforeFailedMove(t *testing.T) {
	for _, move := range []bool{true, false} {
		name := "MOVE"
		var opts []mailtest.IMAPOption
		if !move {
			name = "COPY"
			opts = append(opts, mailtest.WithoutMove())
		}
		t.Run(name, func(t *testing.T) {
			r := newRig(t, opts...)
			r.metrics = metrics.New()
			for _, f := range []string{"en-incident-screenshot.eml", "en-incident-no-screenshot.eml", "rejected-en-stranger.eml"} {
				r.imap.Append("INBOX", fixture(t, f))
			}
			r.imap.FailMoves(true)
			db := r.open()
			ob := r.outbox(db)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := r.worker(db, ob).Once(ctx); err == nil {
				t.Fatal("Once succeeded although MOVE failed")
			}
			db.Close()
			scrape := func() string {
				rec := httptest.NewRecorder()
				r.metrics.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
				return rec.Body.String()
			}
			body := scrape()
			total := 0.0
			for _, v := range []string{"accepted", "needs_info", "rejected"} {
				total += mailtest.MetricValue(t, body, `ticketd_verdicts_total{verdict="`+v+`"}`)
			}
			if total != 3 {
				t.Errorf("verdicts counted after a failed MOVE: %v, want 3\n", total)
			}
			if got := mailtest.MetricValue(t, body, `ticketd_tickets_created_total{organization="acme"}`); got != 2 {
				t.Errorf("tickets counted: %v, want 2", got)
			}
			r.imap.FailMoves(false)
			r.runOnce()
			if n := r.imap.Count("Processed"); n != 3 {
				t.Errorf("Processed %d after MOVE works again, want 3", n)
			}
		})
	}
}
