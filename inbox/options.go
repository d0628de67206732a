package inbox

import (
	"log/slog"
	"time"

	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/oauth"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

// Options configure a Worker. Zero durations and sizes are not defaults:
// the wiring passes the configuration's values (see config.Default).
type Options struct {
	// Mailbox is how to reach and file mail (its Logger included).
	Mailbox mailbox.Config
	// Tokens logs in with OAuth2; nil with a password.
	Tokens *oauth.TokenSource
	// BatchSize is how many messages one command fetches at most.
	BatchSize int
	// MaxMessageBytes sends larger messages to quarantine unread.
	MaxMessageBytes int64
	// PollInterval is the longest wait between two listings; IdleTimeout
	// bounds one IDLE.
	PollInterval, IdleTimeout time.Duration
	// ReconnectMin and ReconnectMax bound the backoff between sessions.
	ReconnectMin, ReconnectMax time.Duration

	Registrar *registration.Registrar
	// Store keeps the quarantine reasons (the Registrar's store).
	Store *store.DB
	// Outbox is kicked when a batch queued emails.
	Outbox interface{ Kick() }
	// Changed, when set, is called after a batch recorded anything, whether
	// or not it queued emails: a follow-up whose acknowledgement was held
	// back still changed its ticket (the console's open pages refresh).
	Changed func()
	// OnConnect runs after every successful login (systemd's READY=1 the
	// first time).
	OnConnect func()
	// Live is moved forward before every step (for a watchdog); nil: none.
	Live *Liveness

	Metrics *metrics.Metrics // nil: none
	Health  *metrics.Health  // nil: none
	Log     *slog.Logger
	Now     func() time.Time // time.Now when nil
}
