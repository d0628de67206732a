package inbox

import (
	"errors"
	"time"

	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/oauth"
)

// imapState remembers whether the mailbox is reachable, so that an outage
// is logged when it starts, when its cause changes and when it ends, not
// at every reconnection attempt (attempts are logged at debug level).
// Only the Run goroutine uses it.
type imapState struct {
	down     bool
	cause    string // failureCause of the error logged last
	since    time.Time
	attempts int
}

// failureCause names the kind of a failed session for the log: a change
// of kind (the server came back but refuses the password) is a new state;
// a dropped session and the refused connections after it are one.
func failureCause(err error) string {
	switch {
	case errors.Is(err, oauth.ErrRefresh):
		return "oauth2 token refresh failing"
	case errors.Is(err, mailbox.ErrAuthFailed):
		return "login refused"
	}
	return "connection lost"
}

// failed records a failed session or connection attempt and logs it when
// the state changed; wait is the backoff before the next attempt.
func (w *Worker) failed(err error, wait time.Duration) {
	s := &w.state
	cause := failureCause(err)
	s.attempts++
	if s.down && cause == s.cause {
		w.o.Log.Debug("imap still down", "cause", cause, "err", err, "attempt", s.attempts, "next_try_in", wait.String())
		return
	}
	if !s.down {
		s.since = w.o.Now()
	}
	s.down, s.cause = true, cause
	args := []any{"cause", cause, "err", err, "attempt", s.attempts, "next_try_in", wait.String(), "down_since", s.since.UTC().Format(time.RFC3339)}
	switch cause {
	case "login refused":
		w.o.Log.Error("imap down: the server refuses the login; check imap.username and imap.password (logged again only when this changes)", args...)
	case "oauth2 token refresh failing":
		w.o.Log.Error("imap down: the OAuth2 token cannot be refreshed; renew imap.oauth2's refresh token (logged again only when this changes)", args...)
	default:
		w.o.Log.Warn("imap down; reconnecting with backoff (logged again only when this changes)", args...)
	}
}

// connected records a session that logged in, and logs the recovery when
// the mailbox had been down.
func (w *Worker) connected() {
	s := &w.state
	if s.down {
		w.o.Log.Info("imap recovered", "down_for", w.o.Now().Sub(s.since).Round(time.Millisecond).String(), "failed_attempts", s.attempts, "cause_was", s.cause)
	}
	*s = imapState{}
}
