package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/internal/retry"
)

// errStorePaused ends a drain when store writes fail (a full disk, say):
// the messages stay in the mailbox, nothing more is fetched, and the
// session waits in waitForStore rather than download the backlog again.
var errStorePaused = errors.New("store writes failing: fetching paused")

// storeFailing returns errStorePaused, wrapping the store's health, when
// store writes fail; nil otherwise.
func (w *Worker) storeFailing() error {
	if w.o.Store == nil {
		return nil
	}
	if err := w.o.Store.Healthy(); err != nil {
		return fmt.Errorf("%w: %w", errStorePaused, err)
	}
	return nil
}

// orStorePaused returns errStorePaused when store writes fail (err is
// then a consequence, already reported once), err otherwise.
func (w *Worker) orStorePaused(err error) error {
	if paused := w.storeFailing(); paused != nil {
		return paused
	}
	return err
}

// waitForStore pauses fetching while store writes fail: one log line
// says what is wrong, then a cheap probe write is tried on the inbox's
// backoff (imap.reconnect_min to reconnect_max) until one succeeds, and
// one line says so. Readiness and the store gauge read the store's health
// themselves. It returns early only when ctx ends.
func (w *Worker) waitForStore(ctx context.Context) error {
	herr := w.o.Store.Healthy()
	if herr == nil {
		return nil
	}
	start := w.o.Now()
	w.o.Log.Error("store writes failing: fetching paused, messages stay in the mailbox until a write succeeds", "err", herr)
	for attempt := 0; ; attempt++ {
		wait := retry.Backoff(attempt, w.o.ReconnectMin, w.o.ReconnectMax)
		w.o.Live.Extend(w.o.Now(), wait+w.o.Mailbox.CommandTimeout)
		if err := retry.Sleep(ctx, wait); err != nil {
			return err
		}
		if w.o.Store.Probe() == nil {
			break
		}
	}
	w.o.Log.Info("store writes succeed again: fetching resumed", "paused_for", w.o.Now().Sub(start).Round(time.Millisecond).String())
	return nil
}
