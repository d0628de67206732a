package mailbox

import (
	"context"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
)

// closeOnDone runs fn, which blocks on the network. If ctx ends or timeout
// passes first, closeFn is called to make fn return, and the context's
// cause is returned as the second result. closeOnDone does not return before
// closeFn has finished, so no goroutine outlives it.
func closeOnDone(ctx context.Context, timeout time.Duration, timeoutCause error, closeFn func(), fn func() error) (fnErr, ctxErr error) {
	if err := ctx.Err(); err != nil {
		return nil, context.Cause(ctx)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, timeoutCause)
	defer cancel()
	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(closed)
		closeFn()
	})
	fnErr = fn()
	if !stop() {
		<-closed
		return fnErr, context.Cause(ctx)
	}
	return fnErr, nil
}

// run runs fn, which sends one IMAP command and waits for its result, under
// ctx and Config.CommandTimeout: when either ends first the connection is
// closed. Errors are prefixed with what and wrap ErrConnClosed when the
// connection is gone.
func (c *Client) run(ctx context.Context, what string, fn func() error) error {
	err, ctxErr := closeOnDone(ctx, c.cfg.CommandTimeout, ErrCommandTimeout, c.closeConn, fn)
	switch {
	case ctxErr != nil && c.imap.State() == imap.ConnStateLogout:
		return fmt.Errorf("mailbox: %s: %w: %w", what, ErrConnClosed, ctxErr)
	case ctxErr != nil:
		// ctx had ended before anything was sent: the connection is intact.
		return fmt.Errorf("mailbox: %s: %w", what, ctxErr)
	case err == nil:
		return nil
	case c.imap.State() == imap.ConnStateLogout:
		return fmt.Errorf("mailbox: %s: %w: %w", what, ErrConnClosed, err)
	default:
		return fmt.Errorf("mailbox: %s: %w", what, err)
	}
}

// closeConn closes the IMAP connection without LOGOUT. It is safe to call
// more than once.
func (c *Client) closeConn() {
	_ = c.imap.Close()
}
