package mailbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// DefaultPollInterval is used by WaitForChange when pollInterval <= 0.
const DefaultPollInterval = time.Minute

// WaitForChange blocks until the selected mailbox may have new messages, ctx
// ends (it returns the context's error), max elapses (it returns nil; max <= 0
// means no limit), or the connection drops (an error wrapping
// ErrConnClosed).
//
// With IDLE (and Config.DisableIDLE unset) it idles and wakes on EXISTS.
// Without, it waits pollInterval (default DefaultPollInterval) and returns
// nil: the caller then looks again with UIDs. A change reported by the
// server since the last UIDs makes it return at once.
func (c *Client) WaitForChange(ctx context.Context, pollInterval, max time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkSelected(); err != nil {
		return err
	}
	if c.caps.IDLE && !c.cfg.DisableIDLE {
		return c.idle(ctx, max)
	}
	if pollInterval <= 0 {
		pollInterval = DefaultPollInterval
	}
	if max > 0 {
		pollInterval = min(pollInterval, max)
	}
	return c.waitEvent(ctx, pollInterval)
}

// waitEvent waits for a change signal, the connection to drop, ctx, or d
// (d <= 0: no timer). It returns nil on a signal or the timer.
func (c *Client) waitEvent(ctx context.Context, d time.Duration) error {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-c.updates:
		return nil
	case <-timeout:
		return nil
	case <-c.imap.Closed():
		return fmt.Errorf("mailbox: waiting for mail: %w", ErrConnClosed)
	case <-ctx.Done():
		return fmt.Errorf("mailbox: waiting for mail: %w", context.Cause(ctx))
	}
}

// idle runs IDLE until an EXISTS arrives, ctx ends or max passes, then ends
// it with DONE so the connection stays usable.
func (c *Client) idle(ctx context.Context, max time.Duration) error {
	select {
	case <-c.updates:
		return nil // a change arrived since the last look
	default:
	}

	var idleCmd *imapclient.IdleCommand
	if err := c.run(ctx, "idle", func() error {
		cmd, err := c.imap.Idle()
		if err != nil {
			return err
		}
		idleCmd = cmd
		return nil
	}); err != nil {
		if idleCmd != nil {
			_ = idleCmd.Close()
		}
		return err
	}
	if c.testHookIdling != nil {
		c.testHookIdling()
	}

	waitErr := c.waitEvent(ctx, max)

	// End IDLE even when ctx is done: the connection must be left usable.
	stopCtx := context.WithoutCancel(ctx)
	stopErr := c.run(stopCtx, "end idle", func() error {
		if err := idleCmd.Close(); err != nil {
			return err
		}
		return idleCmd.Wait()
	})
	switch {
	case waitErr != nil && errors.Is(waitErr, ErrConnClosed):
		return waitErr
	case stopErr != nil:
		return stopErr
	default:
		return waitErr
	}
}
