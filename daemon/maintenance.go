package daemon

import (
	"context"
	"time"

	"github.com/ticketd/ticketd/internal/retry"
	"github.com/ticketd/ticketd/store"
)

// pruneInterval is how often the daemon applies store.retention and
// deletes idle console sessions (and once at start).
const pruneInterval = time.Hour

// maintain applies the retention at start and every pruneInterval until
// ctx ends. Prune works in small transactions, so mail keeps flowing.
func (d *Daemon) maintain(ctx context.Context) {
	r := storeRetention(d.cfg)
	for {
		if r != (store.Retention{}) {
			d.prune(ctx, time.Now(), r)
		}
		d.pruneSessions(time.Now())
		if retry.Sleep(ctx, pruneInterval) != nil {
			return
		}
	}
}

// pruneSessions deletes the console sessions idle longer than
// console.session_idle (they are refused anyway; this frees their room).
func (d *Daemon) pruneSessions(now time.Time) {
	if d.cfg.Console.SessionIdle <= 0 {
		return
	}
	n, err := d.db.PruneSessions(now, d.cfg.Console.SessionIdle)
	switch {
	case err != nil:
		d.log.Warn("console sessions: prune failed", "err", err)
	case n > 0:
		d.log.Info("console sessions: idle ones deleted", "sessions", n)
	}
}

// prune deletes the copies older than r at now and logs one line with
// the counts (or the error).
func (d *Daemon) prune(ctx context.Context, now time.Time, r store.Retention) {
	st, err := d.db.Prune(ctx, now, r)
	attrs := []any{
		"turned_away_raw", st.TurnedAwayRaw, "sent_emails", st.SentPayloads,
		"closed_tickets", st.ClosedTickets, "closed_tickets_raw", st.ClosedRaw,
		"bytes", st.Bytes, "transactions", st.Transactions,
	}
	switch {
	case err != nil && ctx.Err() != nil:
		return // shutting down: the next start prunes the rest
	case err != nil:
		d.log.Warn("retention: prune failed", append(attrs, "err", err)...)
	default:
		d.log.Info("retention: pruned", attrs...)
	}
}
