package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/ticketd/ticketd/mailbox"
)

// inboxWorker keeps one IMAP session alive until ctx ends: connect, drain
// the mailbox, wait for changes (IDLE or polling), and reconnect with a
// capped exponential backoff when anything fails.
func (d *daemon) inboxWorker(ctx context.Context) {
	attempt := 0
	for ctx.Err() == nil {
		err := d.session(ctx, &attempt)
		d.health.SetMailboxConnected(false)
		if ctx.Err() != nil {
			return
		}
		d.metrics.IMAPError()
		d.metrics.Reconnect()
		wait := mailbox.Backoff(attempt, d.cfg.IMAP.ReconnectMin, d.cfg.IMAP.ReconnectMax)
		attempt++
		d.live.extend(d.now(), wait+d.cfg.IMAP.DialTimeout+d.cfg.IMAP.CommandTimeout)
		d.log.Warn("imap session ended; reconnecting", "err", err, "attempt", attempt, "backoff", wait.String())
		if mailbox.SleepCtx(ctx, wait) != nil {
			return
		}
	}
}

// session runs one connection: it resets attempt once logged in, so the
// backoff starts again from its minimum after a successful connection.
func (d *daemon) session(ctx context.Context, attempt *int) error {
	c, err := dialMailbox(ctx, imapConfig(d.cfg, d.log), d.imapTokens)
	d.checkAuth(err)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer c.Close()
	*attempt = 0
	d.health.SetMailboxConnected(true)
	d.ready.Do(func() { d.sdNotify("READY=1") })
	if v := c.UIDValidity(); d.uidValidity != 0 && v != d.uidValidity {
		// ticketd keeps no UIDs across sessions (the mailbox and the
		// Message-ID de-duplication decide), so a new UIDVALIDITY only
		// means every message is looked at again, harmlessly.
		d.log.Warn("imap UIDVALIDITY changed: the mailbox was recreated or restored", "old", d.uidValidity, "new", v)
	}
	d.uidValidity = c.UIDValidity()
	for {
		if err := d.drain(ctx, c); err != nil {
			return err
		}
		d.metrics.PollSucceeded(d.now())
		// Even under IDLE, look again at least every poll_interval: a
		// server that loses a notification delays mail by that much only.
		wait := min(d.cfg.IMAP.IdleTimeout, d.cfg.IMAP.PollInterval)
		d.live.extend(d.now(), wait+d.cfg.IMAP.CommandTimeout)
		if err := c.WaitForChange(ctx, d.cfg.IMAP.PollInterval, wait); err != nil {
			return fmt.Errorf("wait for new mail: %w", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// drain processes every message in the selected mailbox, oldest first,
// until a listing finds none left. Messages are found by UID SEARCH, never
// by \Seen: someone reading the support mailbox must not hide mail.
func (d *daemon) drain(ctx context.Context, c *mailbox.Client) error {
	failed := map[imap.UID]bool{}
	for ctx.Err() == nil {
		d.live.extend(d.now(), d.cfg.IMAP.CommandTimeout)
		uids, err := c.UIDs(ctx)
		if err != nil {
			return fmt.Errorf("list messages: %w", err)
		}
		progress := false
		for _, uid := range uids {
			if ctx.Err() != nil {
				return nil
			}
			if failed[uid] {
				continue
			}
			d.live.extend(d.now(), shutdownGrace+d.cfg.IMAP.CommandTimeout)
			if err := d.processUID(ctx, c, uid); err != nil {
				var serr *sessionError
				if errors.As(err, &serr) {
					return err
				}
				// A message that failed for a reason of its own (the store
				// refused it, say) is left in place and retried on the next
				// session; the others go on.
				failed[uid] = true
				d.log.Error("message left in the mailbox", "uid", uint32(uid), "err", err)
				continue
			}
			progress = true
		}
		if !progress {
			return nil
		}
	}
	return nil
}

// processUID fetches one message, records it, queues its emails and files
// it away. The work for one message is not cut short by ctx: on shutdown
// the message in hand finishes (within shutdownGrace).
func (d *daemon) processUID(ctx context.Context, c *mailbox.Client, uid imap.UID) error {
	work, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	start := time.Now()
	f, err := c.Fetch(work, uid, d.cfg.IMAP.MaxMessageBytes)
	d.metrics.MessageFetched()
	if errors.Is(err, mailbox.ErrTooLarge) {
		return d.quarantine(work, c, uid, reasonTooLarge, "", fmt.Sprintf("message larger than imap.max_message_bytes (%d)", d.cfg.IMAP.MaxMessageBytes))
	}
	if err != nil {
		return &sessionError{fmt.Errorf("fetch uid %d: %w", uid, err)}
	}
	out, err := d.record(f.Raw, f.InternalDate)
	if err != nil {
		var perr *parseError
		if errors.As(err, &perr) {
			return d.quarantine(work, c, uid, reasonUnparseable, perr.key, perr.Error())
		}
		return err
	}
	if err := c.MoveTo(work, uid, d.cfg.IMAP.ProcessedMailbox); err != nil {
		return &sessionError{fmt.Errorf("move uid %d to %s: %w", uid, d.cfg.IMAP.ProcessedMailbox, err)}
	}
	took := time.Since(start)
	out.log(d.log, uid, took)
	d.count(out, took)
	if out.queued > 0 {
		d.kickOutbox()
	}
	return nil
}

// sessionError is a failure of the IMAP session itself (a command failed
// or the connection dropped): the session is dropped and reconnected. Other
// errors concern one message, which is left in place for a later session.
type sessionError struct{ err error }

func (e *sessionError) Error() string { return e.err.Error() }
func (e *sessionError) Unwrap() error { return e.err }

// count records one processed message in the metrics.
func (d *daemon) count(out *outcome, took time.Duration) {
	m := d.metrics
	m.ProcessingTime(took)
	switch {
	case out.duplicate:
		m.Verdict("duplicate")
	case out.verdict == "follow_up":
		m.Verdict("follow_up")
		m.FollowUp()
	default:
		m.Verdict(out.verdict)
	}
	for _, f := range out.findings {
		m.Finding(f.Rule)
	}
	if out.createdFor != "" {
		m.TicketCreated(out.createdFor)
	}
	for range out.suppressed {
		m.EmailSuppressed()
	}
}
