package metrics

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for NewHealth.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// healthy returns a Health with every check passing, on clock.
func healthy(clock *fakeClock) *Health {
	h := NewHealth(clock.now)
	h.SetMailboxConnected(true)
	h.SetStoreOpen(true)
	h.SetOutboxCheck(func() (int, time.Duration, error) { return 2, time.Minute, nil }, 30*time.Minute)
	return h
}

func TestReadyz(t *testing.T) {
	tests := []struct {
		name        string
		fresh       bool // start from NewHealth rather than healthy
		setup       func(*Health, *fakeClock)
		wantStatus  int
		wantReasons []string // whole lines of the 503 body
	}{
		{"all good", false, func(*Health, *fakeClock) {}, http.StatusOK, nil},
		{"new Health is not ready", true, func(_ *Health, c *fakeClock) {
			c.advance(90 * time.Second)
		}, http.StatusServiceUnavailable, []string{"mailbox not connected for 1m30s", "store not open"}},
		{"mailbox disconnected", false, func(h *Health, c *fakeClock) {
			h.SetMailboxConnected(false)
			c.advance(5 * time.Second)
		}, http.StatusServiceUnavailable, []string{"mailbox not connected for 5s"}},
		{"store closed", false, func(h *Health, _ *fakeClock) { h.SetStoreOpen(false) },
			http.StatusServiceUnavailable, []string{"store not open"}},
		{"auth failing, multi-line message folded", false, func(h *Health, c *fakeClock) {
			h.SetAuthFailing(errors.New("login refused"))
			c.advance(time.Minute)
			h.SetAuthFailing(errors.New("oauth2: token refresh: invalid_grant\nToken has been expired or revoked.")) // still failing: since stays
			c.advance(time.Minute)
		}, http.StatusServiceUnavailable, []string{"auth failing for 2m0s: oauth2: token refresh: invalid_grant Token has been expired or revoked."}},
		{"auth failure cleared", false, func(h *Health, _ *fakeClock) {
			h.SetAuthFailing(errors.New("login refused"))
			h.SetAuthFailing(nil)
		}, http.StatusOK, nil},
		{"outbox stuck", false, func(h *Health, _ *fakeClock) {
			h.SetOutboxCheck(func() (int, time.Duration, error) { return 4, 2*time.Hour + 400*time.Millisecond, nil }, time.Hour)
		}, http.StatusServiceUnavailable, []string{"outbox stuck: 4 pending, oldest waiting 2h0m0s (limit 1h0m0s)"}},
		{"outbox at the limit is not stuck", false, func(h *Health, _ *fakeClock) {
			h.SetOutboxCheck(func() (int, time.Duration, error) { return 1, time.Hour, nil }, time.Hour)
		}, http.StatusOK, nil},
		{"outbox limit disabled", false, func(h *Health, _ *fakeClock) {
			h.SetOutboxCheck(func() (int, time.Duration, error) { return 1, 72 * time.Hour, nil }, 0)
		}, http.StatusOK, nil},
		{"outbox unreadable", false, func(h *Health, _ *fakeClock) {
			h.SetOutboxCheck(func() (int, time.Duration, error) { return 0, 0, errors.New("database not open") }, time.Hour)
		}, http.StatusServiceUnavailable, []string{"outbox unreadable: database not open"}},
		{"everything wrong, fixed order", false, func(h *Health, _ *fakeClock) {
			h.SetOutboxCheck(func() (int, time.Duration, error) { return 9, 3 * time.Hour, nil }, time.Hour)
			h.SetAuthFailing(errors.New("bad token"))
			h.SetStoreOpen(false)
			h.SetMailboxConnected(false)
		}, http.StatusServiceUnavailable, []string{
			"mailbox not connected for 0s",
			"store not open",
			"auth failing for 0s: bad token",
			"outbox stuck: 9 pending, oldest waiting 3h0m0s (limit 1h0m0s)",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
			h := healthy(clock)
			if tt.fresh {
				h = NewHealth(clock.now)
			}
			tt.setup(h, clock)
			mux := http.NewServeMux()
			h.Register(mux, New())

			code, body := get(t, mux, "/readyz")
			if code != tt.wantStatus {
				t.Errorf("status %d, want %d (body %q)", code, tt.wantStatus, body)
			}
			ok, reasons := h.Ready()
			if ok != (tt.wantStatus == http.StatusOK) || !slices.Equal(reasons, tt.wantReasons) {
				t.Errorf("Ready() = %v, %q; want reasons %q", ok, reasons, tt.wantReasons)
			}
			want := "ready\n"
			if tt.wantStatus != http.StatusOK {
				want = strings.Join(tt.wantReasons, "\n") + "\n"
			}
			if body != want {
				t.Errorf("body %q, want %q", body, want)
			}
		})
	}
}

func TestHealthzAndMetricsRoutes(t *testing.T) {
	h := NewHealth(nil) // not ready: liveness must not care
	m := New()
	m.Verdict("rejected")
	mux := http.NewServeMux()
	h.Register(mux, m)

	tests := []struct {
		method, path string
		wantStatus   int
		wantBody     string // substring
	}{
		{http.MethodGet, "/healthz", http.StatusOK, "ok\n"},
		{http.MethodHead, "/healthz", http.StatusOK, ""},
		{http.MethodGet, "/readyz", http.StatusServiceUnavailable, "store not open"},
		{http.MethodGet, "/metrics", http.StatusOK, `ticketd_verdicts_total{verdict="rejected"} 1`},
		{http.MethodPost, "/healthz", http.StatusMethodNotAllowed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", rec.Code, tt.wantStatus)
			}
			if !strings.Contains(rec.Body.String(), tt.wantBody) {
				t.Errorf("body lacks %q (%d bytes)", tt.wantBody, rec.Body.Len())
			}
		})
	}
}

func TestRegisterWithoutMetrics(t *testing.T) {
	mux := http.NewServeMux()
	NewHealth(nil).Register(mux, nil)
	if code, _ := get(t, mux, "/metrics"); code != http.StatusNotFound {
		t.Errorf("/metrics without Metrics: status %d, want 404", code)
	}
	if code, _ := get(t, mux, "/healthz"); code != http.StatusOK {
		t.Errorf("/healthz: status %d, want 200", code)
	}
}

func TestHealthConcurrentUse(t *testing.T) {
	h := NewHealth(nil)
	h.SetOutboxCheck(func() (int, time.Duration, error) { return 0, 0, nil }, time.Minute)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 200 {
				up := (i+j)%2 == 0
				h.SetMailboxConnected(up)
				h.SetStoreOpen(up)
				if up {
					h.SetAuthFailing(nil)
				} else {
					h.SetAuthFailing(errors.New("x"))
				}
				h.Ready()
			}
		})
	}
	wg.Wait()
	h.SetMailboxConnected(true)
	h.SetStoreOpen(true)
	h.SetAuthFailing(nil)
	if ok, reasons := h.Ready(); !ok {
		t.Errorf("not ready after all checks set good: %q", reasons)
	}
}

// An SMTP outage fails readiness once it has lasted longer than the
// outbox's stuck limit; a refused session (a configuration fault) at once;
// and readiness comes back with the destination.
func TestReadySMTPDestination(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 12, 7, 4, 0, 0, 0, time.UTC)}
	h := healthy(clock)
	h.SetSMTPDestination(DestinationDown{Since: clock.now(), Err: errors.New("dial tcp: connection refused")})
	clock.advance(29 * time.Minute)
	if ok, reasons := h.Ready(); !ok {
		t.Errorf("not ready 29 minutes into an outage (limit 30m): %q", reasons)
	}
	clock.advance(2 * time.Minute)
	ok, reasons := h.Ready()
	want := "smtp destination down since 2026-12-07T04:00:00Z (31m0s): dial tcp: connection refused"
	if ok || !slices.Contains(reasons, want) {
		t.Errorf("after 31 minutes: %v %q, want %q", ok, reasons, want)
	}
	h.SetSMTPDestination(DestinationDown{Since: clock.now(), Err: errors.New("504 5.5.2 Helo command rejected"), Refused: true})
	if ok, _ := h.Ready(); ok {
		t.Error("ready while the server refuses the session")
	}
	h.SetSMTPDestination(DestinationDown{})
	if ok, reasons := h.Ready(); !ok {
		t.Errorf("not ready once the destination is up: %q", reasons)
	}
}
