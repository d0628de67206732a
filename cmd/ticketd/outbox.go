package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/ticketd/ticketd/internal/retry"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/store"
)

// outboxBatch is how many queued emails go over one SMTP connection.
const outboxBatch = 50

// minPerConnection is the fewest emails worth a connection of their own:
// a handful of emails go over one connection, a backlog over
// smtp.connections at once.
const minPerConnection = 10

// kickOutbox wakes the outbox worker without blocking.
func (d *daemon) kickOutbox() {
	select {
	case d.kick <- struct{}{}:
	default:
	}
}

// outboxWorker delivers queued emails until ctx ends: when kicked, and when
// the earliest retry falls due.
func (d *daemon) outboxWorker(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.kick:
		case <-timer.C:
		}
		d.deliverDue(ctx, d.now())
		wait := time.Minute
		if next, ok, err := d.db.NextDue(); err != nil {
			d.log.Error("outbox: cannot read next retry", "err", err)
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

// deliverDue sends every email due at now, in batches over one connection
// each. A zero now means every pending email, due or not (--once).
func (d *daemon) deliverDue(ctx context.Context, now time.Time) {
	due := now
	if due.IsZero() {
		due = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	// One pass walks the outbox once, in ID order: items tried in this
	// call (still due with --once) are behind the cursor, and mail queued
	// meanwhile is ahead of it.
	var after uint64
	for ctx.Err() == nil {
		batch, err := d.db.DueOutbox(due, after, outboxBatch*d.cfg.SMTP.Connections)
		if err != nil {
			d.log.Error("outbox: cannot list due emails", "err", err)
			return
		}
		if len(batch) == 0 {
			return
		}
		after = batch[len(batch)-1].ID
		d.deliver(ctx, batch)
	}
}

// deliver sends one batch and records each result: sent, retried later
// with backoff, or failed for good (a 5xx answer, or too old to retry).
func (d *daemon) deliver(ctx context.Context, items []store.OutboxItem) {
	// Count the attempt before sending, so that a crash while sending
	// retries later instead of in a tight loop.
	ids := make([]uint64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	now := d.now()
	items, err := d.db.BeginAttempts(ids, now, now.Add(retry.Backoff(0, d.cfg.Receipt.RetryMin, d.cfg.Receipt.RetryMax)))
	if err != nil {
		d.log.Error("outbox: cannot record attempts", "err", err)
		return
	}
	emails := make([]*receipt.Email, 0, len(items))
	sendable := make([]store.OutboxItem, 0, len(items))
	for _, it := range items {
		var e receipt.Email
		if err := json.Unmarshal(it.Payload, &e); err != nil {
			d.log.Error("outbox: undecodable email dropped", "id", it.ID, "err", err)
			d.markAttempt(it, fmt.Errorf("decode payload: %w", err), true)
			continue
		}
		emails = append(emails, &e)
		sendable = append(sendable, it)
	}
	if len(emails) == 0 {
		return
	}
	// A batch in flight is finished, not cut off: cancelling it after the
	// server accepted an email but before it was marked sent would send
	// that email twice. For the same reason each acceptance is recorded
	// at once, by group commits running alongside the SMTP sessions: a
	// crash can then resend only the emails accepted during one commit.
	sendCtx, cancel := inHand(ctx, shutdownGrace, workLimit)
	defer cancel()
	accepted := make(chan uint64, len(sendable))
	marked := make(chan struct{})
	go func() {
		defer close(marked)
		d.markSentAsAccepted(accepted)
	}()
	// Over several connections at once when there are enough emails:
	// each SMTP session waits on round trips, not on the CPU.
	errs := make([]error, len(sendable))
	var sessions sync.WaitGroup
	for lo, hi := range connectionShares(len(sendable), d.cfg.SMTP.Connections) {
		sessions.Go(func() {
			part := d.sender.SendNotify(sendCtx, emails[lo:hi], func(i int) { accepted <- sendable[lo+i].ID })
			copy(errs[lo:hi], part)
		})
	}
	sessions.Wait()
	close(accepted)
	<-marked
	for i, it := range sendable {
		err := errs[i]
		if err == nil {
			d.metrics.EmailSent(it.Kind)
			d.log.Info("email sent", "kind", it.Kind, "to", it.To, "ticket", it.TicketNumber, "message_id", it.MessageID, "attempts", it.Attempts)
			continue
		}
		permanent := receipt.Permanent(err)
		d.metrics.EmailFailed(it.Kind, permanent)
		if errors.Is(err, receipt.ErrConnect) {
			d.metrics.SMTPError()
		}
		d.markAttempt(it, err, permanent)
	}
}

// connectionShares splits n emails into consecutive [lo, hi) shares, one
// per SMTP connection: at most conns of them, none (but a lone one) smaller
// than minPerConnection.
func connectionShares(n, conns int) iter.Seq2[int, int] {
	per := max((n+conns-1)/max(conns, 1), minPerConnection)
	return func(yield func(int, int) bool) {
		for lo := 0; lo < n; lo += per {
			if !yield(lo, min(lo+per, n)) {
				return
			}
		}
	}
}

// Acceptances are recorded in group commits, one at a time: a commit
// starts once markBatch acceptances wait, or markDelay after the first of
// them. A crash resends what the server accepted and no commit had
// recorded yet: usually fewer than markBatch, more when a commit had to
// wait for the inbox's; the copies carry the Message-ID of the first. (A
// commit for every acceptance halves that but costs a fifth of a backlog's
// throughput in fsyncs; holding the sessions back at a fixed number of
// unrecorded acceptances costs a tenth.)
const (
	markBatch = 8
	markDelay = 5 * time.Millisecond
)

// markSentAsAccepted records the emails the SMTP server accepted as they
// come (see markBatch) until accepted is closed.
func (d *daemon) markSentAsAccepted(accepted <-chan uint64) {
	var ids []uint64
	commit := func() {
		if len(ids) == 0 {
			return
		}
		if err := d.db.MarkSentMany(ids, d.now()); err != nil {
			d.log.Error("outbox: emails sent but not marked sent; they may go out again", "count", len(ids), "err", err)
		}
		ids = ids[:0]
	}
	wait := markDelay
	if d.markDelay > 0 {
		wait = d.markDelay
	}
	delay := time.NewTimer(wait)
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
				delay.Reset(wait)
			}
		case <-delay.C:
			commit()
		}
	}
}

func (d *daemon) markAttempt(it store.OutboxItem, err error, permanent bool) {
	now := d.now()
	next := now.Add(retry.Backoff(it.Attempts-1, d.cfg.Receipt.RetryMin, d.cfg.Receipt.RetryMax))
	if permanent || next.Sub(it.CreatedAt) > d.cfg.Receipt.MaxRetryAge {
		next = time.Time{}
	}
	if merr := d.db.MarkAttempt(it.ID, now, err, permanent, next); merr != nil {
		d.log.Error("outbox: cannot record attempt", "id", it.ID, "err", merr)
	}
	if next.IsZero() {
		d.log.Error("email given up", "kind", it.Kind, "to", it.To, "ticket", it.TicketNumber, "permanent", permanent, "attempts", it.Attempts, "err", err)
		return
	}
	d.log.Warn("email delivery failed; will retry", "kind", it.Kind, "to", it.To, "ticket", it.TicketNumber, "attempts", it.Attempts, "next_attempt", next, "err", err)
}
