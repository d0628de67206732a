package metrics

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ticketd/ticketd/internal/oneline"
)

// Health is ticketd's readiness state, safe for concurrent use. A new
// Health is not ready: the daemon marks the store open and the mailbox
// connected once they are. Liveness (/healthz) does not depend on it.
type Health struct {
	now func() time.Time

	mu               sync.Mutex
	mailboxConnected bool
	mailboxSince     time.Time // when mailboxConnected last changed
	storeOpen        bool
	authErr          error
	authSince        time.Time // when authErr became non-nil
	outbox           OutboxFunc
	outboxStuckAfter time.Duration
	store            StoreFunc
	// smtpDown is the SMTP destination's outage (zero Since: up).
	smtpDown DestinationDown
}

// DestinationDown is an outage of the SMTP destination, as the outbox
// reports it to readiness.
type DestinationDown struct {
	Since time.Time // when it went down; zero while it is up
	Err   error     // the last failure
	// Refused is true when the server refuses the session (EHLO, login,
	// sender, every recipient): a configuration fault that does not pass by
	// itself, so readiness fails at once rather than after the outbox's
	// stuck limit.
	Refused bool
}

// NewHealth returns a Health that is not ready yet. now stamps state
// changes so reasons can say for how long (nil means time.Now).
func NewHealth(now func() time.Time) *Health {
	if now == nil {
		now = time.Now
	}
	return &Health{now: now, mailboxSince: now()}
}

// SetMailboxConnected records whether the IMAP session is up.
func (h *Health) SetMailboxConnected(ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if ok != h.mailboxConnected {
		h.mailboxConnected = ok
		h.mailboxSince = h.now()
	}
}

// SetStoreOpen records whether the ticket store is open.
func (h *Health) SetStoreOpen(ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.storeOpen = ok
}

// SetAuthFailing records an OAuth refresh or login failure, which fails
// readiness with err's message until SetAuthFailing(nil) clears it.
func (h *Health) SetAuthFailing(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err != nil && h.authErr == nil {
		h.authSince = h.now()
	}
	h.authErr = err
}

// SetOutboxCheck makes readiness read the outbox with f: it fails when f
// fails, or when the oldest pending email has waited longer than
// stuckAfter (zero or less disables that limit). nil removes the check.
func (h *Health) SetOutboxCheck(f func() (depth int, oldest time.Duration, err error), stuckAfter time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.outbox = f
	h.outboxStuckAfter = stuckAfter
}

// SetSMTPDestination records the SMTP destination's state (a zero
// DestinationDown: up). Readiness fails while it is down for longer than
// the outbox's stuck limit (SetOutboxCheck), or at once when it refuses
// the session. It does nothing on a nil Health.
func (h *Health) SetSMTPDestination(d DestinationDown) {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.smtpDown = d
}

// SetStoreCheck makes readiness call f (store.DB.Healthy): while it
// returns an error (store writes failing, e.g. ENOSPC), readiness fails
// with that reason. nil removes the check.
func (h *Health) SetStoreCheck(f StoreFunc) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.store = f
}

// Ready reports whether ticketd can do its work and, when it cannot, one
// reason per failing check, in a fixed order: mailbox, store, auth, SMTP
// destination, store writes, outbox. The store and outbox funcs are called without holding the lock.
func (h *Health) Ready() (ok bool, reasons []string) {
	h.mu.Lock()
	now := h.now()
	if !h.mailboxConnected {
		reasons = append(reasons, "mailbox not connected for "+since(now, h.mailboxSince))
	}
	if !h.storeOpen {
		reasons = append(reasons, "store not open")
	}
	if h.authErr != nil {
		reasons = append(reasons, fmt.Sprintf("auth failing for %s: %v", since(now, h.authSince), h.authErr))
	}
	if d := h.smtpDown; !d.Since.IsZero() && (d.Refused || (h.outboxStuckAfter > 0 && now.Sub(d.Since) > h.outboxStuckAfter)) {
		reasons = append(reasons, fmt.Sprintf("smtp destination down since %s (%s): %v",
			d.Since.UTC().Format(time.RFC3339), since(now, d.Since), d.Err))
	}
	outbox, stuckAfter, storeCheck := h.outbox, h.outboxStuckAfter, h.store
	h.mu.Unlock()

	if storeCheck != nil {
		if err := storeCheck(); err != nil {
			reasons = append(reasons, fmt.Sprintf("store not writable: %v", err))
		}
	}

	if outbox != nil {
		depth, oldest, err := outbox()
		switch {
		case err != nil:
			reasons = append(reasons, fmt.Sprintf("outbox unreadable: %v", err))
		case stuckAfter > 0 && oldest > stuckAfter:
			reasons = append(reasons, fmt.Sprintf("outbox stuck: %d pending, oldest waiting %s (limit %s)",
				depth, oldest.Round(time.Second), stuckAfter))
		}
	}
	for i, r := range reasons {
		reasons[i] = oneline.Of(r)
	}
	return len(reasons) == 0, reasons
}

// Register mounts on mux: GET /healthz, 200 "ok" while the process can
// answer; GET /readyz, 200 "ready" or 503 with the reasons one per line;
// and GET /metrics, m's handler (404 when m is nil). GET patterns also
// answer HEAD.
func (h *Health) Register(mux *http.ServeMux, m *Metrics) {
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeText(w, http.StatusOK, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if ok, reasons := h.Ready(); !ok {
			writeText(w, http.StatusServiceUnavailable, strings.Join(reasons, "\n")+"\n")
			return
		}
		writeText(w, http.StatusOK, "ready\n")
	})
	mux.Handle("GET /metrics", m.Handler())
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// since formats how long ago t was, to the second.
func since(now, t time.Time) string {
	return max(now.Sub(t), 0).Round(time.Second).String()
}
