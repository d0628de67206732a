package inbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ticketd/ticketd/internal/retry"
	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/oauth"
)

// Worker is the inbox worker. Run it, or Once, on one goroutine.
type Worker struct {
	o Options
	// uidValidity is the UIDVALIDITY of the last session.
	uidValidity uint32
	// state is whether the mailbox is down, for logging changes only.
	state imapState
}

// New returns a worker; it does nothing until Run or Once.
func New(o Options) *Worker {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Health == nil {
		o.Health = metrics.NewHealth(time.Now)
	}
	if o.Live == nil {
		o.Live = &Liveness{}
	}
	if o.OnConnect == nil {
		o.OnConnect = func() {}
	}
	return &Worker{o: o}
}

// Run keeps one IMAP session alive until ctx ends: connect, drain the
// mailbox, wait for changes (IDLE or polling), and reconnect with a capped
// exponential backoff when anything fails. On shutdown the batches in
// hand finish (within lifecycle.Grace).
func (w *Worker) Run(ctx context.Context) {
	attempt := 0
	for ctx.Err() == nil {
		err := w.session(ctx, &attempt)
		w.o.Health.SetMailboxConnected(false)
		if ctx.Err() != nil {
			return
		}
		w.o.Metrics.IMAPError()
		w.o.Metrics.Reconnect()
		wait := retry.Backoff(attempt, w.o.ReconnectMin, w.o.ReconnectMax)
		attempt++
		w.o.Live.Extend(w.o.Now(), wait+w.o.Mailbox.DialTimeout+w.o.Mailbox.CommandTimeout)
		w.failed(err, wait)
		if retry.Sleep(ctx, wait) != nil {
			return
		}
	}
}

// Once connects, processes the messages in the mailbox now and returns
// (run --once).
func (w *Worker) Once(ctx context.Context) error {
	c, err := w.dial(ctx)
	if err != nil {
		return fmt.Errorf("imap: %w", err)
	}
	defer c.Close()
	return w.drain(ctx, c)
}

// session runs one connection: it resets attempt once logged in, so the
// backoff starts again from its minimum after a successful connection.
func (w *Worker) session(ctx context.Context, attempt *int) error {
	c, err := w.dial(ctx)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer c.Close()
	*attempt = 0
	w.connected()
	w.o.Health.SetMailboxConnected(true)
	w.o.OnConnect()
	if v := c.UIDValidity(); w.uidValidity != 0 && v != w.uidValidity {
		// ticketd keeps no UIDs across sessions (the mailbox and the
		// Message-ID de-duplication decide), so a new UIDVALIDITY only
		// means every message is looked at again, harmlessly.
		w.o.Log.Warn("imap UIDVALIDITY changed: the mailbox was recreated or restored", "old", w.uidValidity, "new", v)
	}
	w.uidValidity = c.UIDValidity()
	for {
		if err := w.drain(ctx, c); errors.Is(err, errStorePaused) {
			if err := w.waitForStore(ctx); err != nil {
				return err
			}
			continue
		} else if err != nil {
			return err
		}
		w.o.Metrics.PollSucceeded(w.o.Now())
		// Even under IDLE, look again at least every poll interval: a
		// server that loses a notification delays mail by that much only.
		wait := min(w.o.IdleTimeout, w.o.PollInterval)
		w.o.Live.Extend(w.o.Now(), wait+w.o.Mailbox.CommandTimeout)
		if err := c.WaitForChange(ctx, w.o.PollInterval, wait); err != nil {
			return fmt.Errorf("wait for new mail: %w", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// dial logs in and records the outcome for readiness.
func (w *Worker) dial(ctx context.Context) (*mailbox.Client, error) {
	c, err := Dial(ctx, w.o.Mailbox, w.o.Tokens)
	w.checkAuth(err)
	return c, err
}

// Dial connects to the mailbox of cfg. With OAuth2 (ts not nil) it logs in
// with a fresh access token; a refresh failure is returned wrapping
// oauth.ErrRefresh, and the caller retries: the mail waits on the server.
func Dial(ctx context.Context, cfg mailbox.Config, ts *oauth.TokenSource) (*mailbox.Client, error) {
	if ts != nil {
		client, err := ts.SASLClient(ctx, cfg.Username)
		if err != nil {
			return nil, fmt.Errorf("imap login: %w", err)
		}
		cfg.Auth = client
	}
	return mailbox.Dial(ctx, cfg)
}

// checkAuth records the outcome of a login attempt for readiness: an
// OAuth2 refresh failure or a refused login fails readiness (and a metric
// counts refresh failures); a success clears it. Run logs the failure
// once, when the state changes (imapState).
func (w *Worker) checkAuth(err error) {
	switch {
	case err == nil:
		w.o.Health.SetAuthFailing(nil)
	case errors.Is(err, oauth.ErrRefresh):
		w.o.Metrics.OAuthRefreshFailed()
		w.o.Health.SetAuthFailing(err)
	case errors.Is(err, mailbox.ErrAuthFailed):
		w.o.Health.SetAuthFailing(err)
	}
}
