package outbox

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/ticketd/ticketd/internal/lifecycle"
	"github.com/ticketd/ticketd/internal/retry"
	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/store"
)

// perConnection is how many queued items one pass lists per destination
// connection (Options.Connections).
const perConnection = 50

// Acceptances are recorded in group commits, one at a time: a commit
// starts once markBatch acceptances wait, or Options.MarkDelay after the
// first of them. A crash resends what the destination accepted and no
// commit had recorded yet: usually fewer than markBatch, more when a
// commit had to wait for the inbox's; the copies carry the Message-ID of
// the first. (A commit for every acceptance halves that but costs a fifth
// of a backlog's throughput in fsyncs; holding the sessions back at a fixed
// number of unrecorded acceptances costs a tenth.)
const (
	markBatch        = 8
	defaultMarkDelay = 5 * time.Millisecond
)

// Retry is when a failed item is tried again: after Backoff(attempt, Min,
// Max), and never once it is older than MaxAge.
type Retry struct {
	Min, Max, MaxAge time.Duration
}

// Options configure a Worker.
type Options struct {
	Store       *store.DB
	Destination Destination
	Retry       Retry
	// Kinds, when set, are the only item kinds this worker delivers, and
	// ExceptKinds are kinds it leaves to another worker: the SMTP worker
	// takes ExceptKinds ["webhook"] and the webhook worker Kinds
	// ["webhook"]. Its listings, its wake-ups and Stats see only its kinds.
	// Both empty: every kind.
	Kinds       []string
	ExceptKinds []string
	// Connections is how many sessions the destination opens at once
	// (smtp.connections); a pass lists 50 items per connection.
	Connections int
	// MarkDelay is how long an acceptance may wait for others to share
	// its commit (5 ms when zero).
	MarkDelay time.Duration
	Metrics   *metrics.Metrics // nil: no metrics
	// Health hears of the destination's outages, for readiness; nil: none.
	Health *metrics.Health
	Log    *slog.Logger
	Now    func() time.Time // time.Now when nil
	// Item names what the worker delivers in its log lines ("email" when
	// empty; "webhook event" for the webhook worker).
	Item string
}

// Worker delivers the outbox. Run it once; Kick it from any goroutine.
type Worker struct {
	o    Options
	f    store.OutboxFilter // o.Kinds and o.ExceptKinds
	kick chan struct{}
	dest destState // used by one pass at a time
	// stop, once closed, makes Run return after its pass (StopAfterPass);
	// a later Run starts with a new one (stopped says the old one was used).
	stopMu   sync.Mutex
	stop     chan struct{}
	stopOnce *sync.Once
	stopped  bool
}

// destState is the destination's state: while it is down, the worker
// defers it as a whole (after mox's queue, which backs off a host, not a
// message): each pass opens one session with a probe group of at most
// minPerConnection items, and only on Backoff(tries, Retry.Min,
// Retry.Max) after the last one; the items waiting are not tried, only
// given up once older than Retry.MaxAge (expire). A
// destination that takes some sessions and refuses others (a
// connection-rate limit) is not down, but the pass stops and the next
// waits for Backoff(0, ...).
type destState struct {
	// proven is whether the destination took a session since the worker
	// started or since it was last down. Until it has, a pass opens with
	// a probe group, as while it is down: a destination that cannot be
	// reached then costs one session and the few items of the probe, not
	// a full pass's worth of attempts to record one by one (run --once
	// with the SMTP server down).
	proven bool
	since  time.Time // when it went down; zero while up
	tries  int       // failed passes since it went down
	next   time.Time // no pass before it (zero: any)
	err    error     // the last failure
}

func (d *destState) down() bool { return !d.since.IsZero() }

// New returns a worker; it does nothing until Run or DeliverDue.
func New(o Options) *Worker {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Item == "" {
		o.Item = "email"
	}
	if o.MarkDelay <= 0 {
		o.MarkDelay = defaultMarkDelay
	}
	o.Connections = max(o.Connections, 1)
	f := store.OutboxFilter{Kinds: o.Kinds, ExceptKinds: o.ExceptKinds}
	return &Worker{o: o, f: f, kick: make(chan struct{}, 1), stop: make(chan struct{}), stopOnce: new(sync.Once)}
}

// StopAfterPass makes Run return once the pass in flight, if any, is
// done, without cutting its sessions as cancelling Run's context would
// after lifecycle.Grace (run --once, before its last DeliverDue).
func (w *Worker) StopAfterPass() {
	w.stopMu.Lock()
	defer w.stopMu.Unlock()
	stop := w.stop
	w.stopOnce.Do(func() { close(stop) })
}

// runStop returns the stop channel of a new Run: a fresh one when the
// last Run was stopped by StopAfterPass (run --once, then the daemon).
func (w *Worker) runStop() chan struct{} {
	w.stopMu.Lock()
	defer w.stopMu.Unlock()
	if w.stopped {
		w.stop, w.stopOnce, w.stopped = make(chan struct{}), new(sync.Once), false
	}
	return w.stop
}

// markStopped records that Run returned on stop.
func (w *Worker) markStopped() {
	w.stopMu.Lock()
	w.stopped = true
	w.stopMu.Unlock()
}

// Kick wakes the worker without blocking: new items were queued.
func (w *Worker) Kick() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// Stats reports the depth of the worker's share of the outbox (its
// Kinds) and the age of its oldest item, for the metrics and readiness.
func (w *Worker) Stats() (int, time.Duration, error) {
	return w.o.Store.OutboxStatsOf(w.f, w.o.Now())
}

// Run delivers queued items until ctx ends: when kicked, and when the
// earliest retry falls due. A pass in flight when ctx ends finishes within
// lifecycle.Grace.
func (w *Worker) Run(ctx context.Context) {
	stop := w.runStop()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-stop:
			w.markStopped()
			return
		default:
		}
		select {
		case <-ctx.Done():
			return
		case <-stop:
			w.markStopped()
			return
		case <-w.kick:
		case <-timer.C:
		}
		w.DeliverDue(ctx, w.o.Now())
		wait := time.Minute
		if !w.dest.next.IsZero() {
			// The items are due, but the destination is not.
			wait = max(w.dest.next.Sub(w.o.Now()), 50*time.Millisecond)
		} else if next, ok, err := w.o.Store.NextDueOf(w.f); err != nil {
			w.o.Log.Error("outbox: cannot read next retry", "err", err)
		} else if ok {
			wait = max(time.Until(next), 50*time.Millisecond)
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(wait)
	}
}

// DeliverDue sends every item due at now, in groups. A zero now means
// every pending item, due or not (run --once), and tries a destination
// that is down at once rather than on its backoff. While the destination
// is down, or has not taken a session yet (destState.proven), a pass opens
// one session: the first group is a probe, and the pass goes on only if
// the destination took it.
func (w *Worker) DeliverDue(ctx context.Context, now time.Time) {
	due := now
	if due.IsZero() {
		due = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	} else if now.Before(w.dest.next) {
		return
	}
	wasDown, downSince := w.dest.down(), w.dest.since
	delivered := 0
	defer func() {
		if wasDown && !w.dest.down() {
			w.o.Log.Info("smtp destination up", "down_for", roundDuration(w.o.Now().Sub(downSince)).String(), "delivered", delivered)
		}
	}()
	// One pass walks the outbox once, in ID order: items tried in this
	// call (still due with --once) are behind the cursor, and items queued
	// meanwhile are ahead of it.
	var after uint64
	for ctx.Err() == nil {
		limit := perConnection * w.o.Connections
		if w.dest.down() || !w.dest.proven {
			limit = minPerConnection // one session: a probe
		}
		batch, err := w.o.Store.DueOutboxOf(w.f, due, after, limit)
		if err != nil {
			w.o.Log.Error("outbox: cannot list due emails", "err", err)
			return
		}
		if len(batch) == 0 {
			return
		}
		after = batch[len(batch)-1].ID
		sent, destErr := w.deliver(ctx, batch)
		delivered += sent
		if destErr != nil {
			if w.dest.down() {
				w.expire(due)
			}
			return // the rest waits for the destination
		}
	}
}

// deliver sends one group and records each result: sent, retried later
// with backoff, or failed for good (a permanent error, or too old to
// retry). It returns how many were sent and, when the destination failed
// as a whole for some of them (Destination.Unavailable), that failure:
// the pass stops there, and the destination is down if it took none.
func (w *Worker) deliver(ctx context.Context, items []store.OutboxItem) (sent int, destErr error) {
	// Count the attempt before sending, so that a crash while sending
	// retries later instead of in a tight loop.
	ids := make([]uint64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	now := w.o.Now()
	items, err := w.o.Store.BeginAttempts(ids, now, now.Add(retry.Backoff(0, w.o.Retry.Min, w.o.Retry.Max)))
	if err != nil {
		w.o.Log.Error("outbox: cannot record attempts", "err", err)
		return 0, nil
	}
	if len(items) == 0 {
		return 0, nil
	}
	// A group in flight is finished, not cut off: cancelling it after the
	// destination accepted an item but before it was marked sent would
	// send that item twice. For the same reason each acceptance is
	// recorded at once, by group commits running alongside the sessions:
	// a crash can then resend only the items accepted during one commit.
	sendCtx, cancel := lifecycle.InHand(ctx, lifecycle.Grace, lifecycle.WorkLimit)
	defer cancel()
	accepted := make(chan uint64, len(items))
	marked := make(chan struct{})
	go func() {
		defer close(marked)
		w.markSentAsAccepted(accepted)
	}()
	errs := w.o.Destination.Deliver(sendCtx, items, func(i int) { accepted <- items[i].ID })
	close(accepted)
	<-marked
	var unavailable error // the first failure of the destination itself
	for _, err := range errs {
		switch {
		case err == nil:
			sent++
		case unavailable == nil && w.o.Destination.Unavailable(err):
			unavailable = err
		}
	}
	switch {
	case unavailable == nil || ctx.Err() != nil:
		// It answered for every item (or we stopped it).
		if w.dest.down() {
			w.destUp()
		}
		w.dest.next = time.Time{}
		w.dest.proven = unavailable == nil || sent > 0
	case sent == 0:
		destErr = unavailable
		w.destDown(destErr)
	default:
		// It took some and refused the others' sessions (a connection-rate
		// limit): the pass stops, and the next one, on the shared backoff,
		// carries as many as it will take then.
		if w.dest.down() {
			w.destUp()
		}
		w.dest.proven = true
		w.dest.next = w.o.Now().Add(retry.Backoff(0, w.o.Retry.Min, w.o.Retry.Max))
		destErr = unavailable
	}
	for i, it := range items {
		err := errs[i]
		switch {
		case err == nil:
			w.o.Metrics.EmailSent(it.Kind)
			w.o.Log.Info(w.o.Item+" sent", "kind", it.Kind, "to", it.To, "ticket", it.TicketNumber, "message_id", it.MessageID, "attempts", it.Attempts)
		case errors.Is(err, ErrUndecodable):
			w.o.Log.Error("outbox: undecodable email dropped", "id", it.ID, "err", err)
			w.markAttempt(it, err, true)
		case w.o.Destination.Unavailable(err):
			// A fault of the destination, not of this item: it goes with
			// the destination's next try, logged once for all (destDown).
			w.o.Metrics.EmailFailed(it.Kind, false)
			w.deferItem(it, err, w.dest.next)
		default:
			permanent := w.o.Destination.Permanent(err)
			w.o.Metrics.EmailFailed(it.Kind, permanent)
			w.markAttempt(it, err, permanent)
		}
	}
	return sent, destErr
}

// expire gives up the items due by due that a down destination has kept
// waiting past Retry.MaxAge: untried, they would otherwise outlive it.
func (w *Worker) expire(due time.Time) {
	now := w.o.Now()
	var after uint64
	for {
		batch, err := w.o.Store.DueOutboxOf(w.f, due, after, 500)
		if err != nil {
			w.o.Log.Error("outbox: cannot list due emails", "err", err)
			return
		}
		if len(batch) == 0 {
			return
		}
		after = batch[len(batch)-1].ID
		for _, it := range batch {
			if now.Sub(it.CreatedAt) <= w.o.Retry.MaxAge {
				continue
			}
			if err := w.o.Store.MarkAttempt(it.ID, now, w.dest.err, false, time.Time{}); err != nil {
				w.o.Log.Error("outbox: cannot record attempt", "id", it.ID, "err", err)
				continue
			}
			w.o.Metrics.EmailFailed(it.Kind, false)
			w.o.Log.Error(w.o.Item+" given up", "kind", it.Kind, "to", it.To, "ticket", it.TicketNumber, "permanent", false, "attempts", it.Attempts+1, "err", w.dest.err)
		}
	}
}

// destDown records a pass that found the destination down: the first
// time, one log line with the items waiting and the next try.
func (w *Worker) destDown(err error) {
	now := w.o.Now()
	first := !w.dest.down()
	if first {
		w.dest.since = now
		w.dest.tries = 0
	}
	w.dest.proven = false
	w.dest.next = now.Add(retry.Backoff(w.dest.tries, w.o.Retry.Min, w.o.Retry.Max))
	w.dest.tries++
	w.dest.err = err
	w.o.Metrics.SMTPDestinationUp(false)
	w.o.Health.SetSMTPDestination(metrics.DestinationDown{Since: w.dest.since, Err: err, Refused: w.o.Destination.Refused(err)})
	if !first {
		w.o.Log.Debug("smtp destination still down", "tries", w.dest.tries, "next_try", w.dest.next, "err", err)
		return
	}
	waiting, _, serr := w.o.Store.OutboxStatsOf(w.f, now)
	if serr != nil {
		waiting = -1
	}
	w.o.Log.Warn("smtp destination down; emails wait for it", "waiting", waiting, "next_try", w.dest.next, "err", err)
}

// destUp records that the destination took a session again; DeliverDue
// logs it once the pass is done.
func (w *Worker) destUp() {
	w.dest = destState{}
	w.o.Metrics.SMTPDestinationUp(true)
	w.o.Health.SetSMTPDestination(metrics.DestinationDown{})
}

// deferItem records an attempt that failed with the destination: the
// item is tried again at next, with the destination, unless that is past
// its maximum age.
func (w *Worker) deferItem(it store.OutboxItem, err error, next time.Time) {
	now := w.o.Now()
	if next.Sub(it.CreatedAt) > w.o.Retry.MaxAge {
		w.markAttempt(it, err, false)
		return
	}
	if merr := w.o.Store.MarkAttempt(it.ID, now, err, false, next); merr != nil {
		w.o.Log.Error("outbox: cannot record attempt", "id", it.ID, "err", merr)
	}
	w.o.Log.Debug(w.o.Item+" deferred with its destination", "kind", it.Kind, "to", it.To, "ticket", it.TicketNumber, "attempts", it.Attempts, "next_attempt", next)
}

// markSentAsAccepted records the items the destination accepted as they
// come (see markBatch) until accepted is closed.
func (w *Worker) markSentAsAccepted(accepted <-chan uint64) {
	var ids []uint64
	commit := func() {
		if len(ids) == 0 {
			return
		}
		if err := w.o.Store.MarkSentMany(ids, w.o.Now()); err != nil {
			w.o.Log.Error("outbox: emails sent but not marked sent; they may go out again", "count", len(ids), "err", err)
		}
		ids = ids[:0]
	}
	delay := time.NewTimer(w.o.MarkDelay)
	delay.Stop()
	defer delay.Stop()
	for {
		select {
		case id, ok := <-accepted:
			if !ok {
				commit()
				return
			}
			ids = append(ids, id)
			switch {
			case len(ids) >= markBatch:
				delay.Stop()
				commit()
			case len(ids) == 1:
				delay.Reset(w.o.MarkDelay)
			}
		case <-delay.C:
			commit()
		}
	}
}

// markAttempt records a failed attempt and when to try again, if ever.
func (w *Worker) markAttempt(it store.OutboxItem, err error, permanent bool) {
	now := w.o.Now()
	next := now.Add(retry.Backoff(it.Attempts-1, w.o.Retry.Min, w.o.Retry.Max))
	if permanent || next.Sub(it.CreatedAt) > w.o.Retry.MaxAge {
		next = time.Time{}
	}
	if merr := w.o.Store.MarkAttempt(it.ID, now, err, permanent, next); merr != nil {
		w.o.Log.Error("outbox: cannot record attempt", "id", it.ID, "err", merr)
	}
	if next.IsZero() {
		w.o.Log.Error(w.o.Item+" given up", "kind", it.Kind, "to", it.To, "ticket", it.TicketNumber, "permanent", permanent, "attempts", it.Attempts, "err", err)
		return
	}
	w.o.Log.Warn(w.o.Item+" delivery failed; will retry", "kind", it.Kind, "to", it.To, "ticket", it.TicketNumber, "attempts", it.Attempts, "next_attempt", next, "err", err)
}

// roundDuration rounds d to the second, or to the millisecond under one.
func roundDuration(d time.Duration) time.Duration {
	if d < time.Second {
		return d.Round(time.Millisecond)
	}
	return d.Round(time.Second)
}
