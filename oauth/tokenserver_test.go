package oauth

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

const (
	testClientID     = "client-id-1"
	testClientSecret = "client-secret-xyz"
	testRefreshToken = "refresh-token-abc"
)

// tokenServer is an OAuth2 token endpoint on loopback that accepts one
// client and one refresh token, and issues access-1, access-2, ...
type tokenServer struct {
	URL string
	t   *testing.T

	mu        sync.Mutex
	calls     int
	forms     []url.Values // every request's form, in order
	refresh   string       // the refresh token it accepts
	expiresIn int          // seconds; 0 leaves expires_in out
	rotate    bool         // issue a new refresh token with each access token
	failCode  string       // answer 400 {"error": failCode} when set
	failDesc  string       // error_description with failCode
	status    int          // answer this bare HTTP status when set
	// block, when set, makes the handler signal entered and wait for
	// block (or the request's end) before answering.
	block   chan struct{}
	entered chan struct{}
}

func startTokenServer(t *testing.T) *tokenServer {
	t.Helper()
	s := &tokenServer{t: t, refresh: testRefreshToken, expiresIn: 3600}
	srv := httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/oauth2/v2.0/token"
	return s
}

func (s *tokenServer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/oauth2/v2.0/token" {
		s.t.Errorf("token endpoint: got %s %s", r.Method, r.URL.Path)
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.t.Errorf("token endpoint: parse form: %v", err)
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}

	s.mu.Lock()
	s.calls++
	s.forms = append(s.forms, r.PostForm)
	block, entered := s.block, s.entered
	s.mu.Unlock()

	if block != nil {
		entered <- struct{}{}
		select {
		case <-block:
		case <-r.Context().Done():
			return
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.status != 0:
		w.WriteHeader(s.status)
		return
	case s.failCode != "":
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": s.failCode, "error_description": s.failDesc})
		return
	}
	for _, c := range []struct{ key, want string }{
		{"grant_type", "refresh_token"},
		{"client_id", testClientID},
		{"client_secret", testClientSecret},
		{"refresh_token", s.refresh},
	} {
		if got := r.PostForm.Get(c.key); got != c.want {
			s.t.Errorf("token endpoint: %s = %q, want %q", c.key, got, c.want)
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "invalid_request"})
			return
		}
	}
	body := map[string]any{
		"access_token": fmt.Sprintf("access-%d", s.calls),
		"token_type":   "Bearer",
	}
	if s.expiresIn != 0 {
		body["expires_in"] = s.expiresIn
	}
	if s.rotate {
		s.refresh = fmt.Sprintf("refresh-%d", s.calls)
		body["refresh_token"] = s.refresh
	}
	writeJSON(w, http.StatusOK, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Calls returns how many requests the endpoint has had.
func (s *tokenServer) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// LastForm returns the form of the last request.
func (s *tokenServer) LastForm() url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.forms) == 0 {
		return nil
	}
	return s.forms[len(s.forms)-1]
}

// Fail makes the endpoint answer 400 with this error code ("" to stop).
func (s *tokenServer) Fail(code, description string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failCode, s.failDesc = code, description
}

// Status makes the endpoint answer with a bare HTTP status (0 to stop).
func (s *tokenServer) Status(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status = status
}

// Block makes requests wait until the returned release function is
// called; entered receives a value as each request starts waiting.
func (s *tokenServer) Block() (entered <-chan struct{}, release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.block = make(chan struct{})
	s.entered = make(chan struct{}, 16)
	block := s.block
	var once sync.Once
	return s.entered, func() { once.Do(func() { close(block) }) }
}

// fakeClock is a settable clock for TokenSource.now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// testConfig returns a valid Config for s.
func testConfig(s *tokenServer) Config {
	return Config{
		ClientID:     testClientID,
		ClientSecret: testClientSecret,
		TokenURL:     s.URL,
		RefreshToken: testRefreshToken,
		ConfigKey:    "imap.oauth2",
	}
}

// newTestSource returns a TokenSource for cfg on clock.
func newTestSource(t *testing.T, cfg Config, clock *fakeClock) *TokenSource {
	t.Helper()
	ts, err := NewTokenSource(cfg)
	if err != nil {
		t.Fatalf("NewTokenSource: %v", err)
	}
	if clock != nil {
		ts.now = clock.Now
	}
	return ts
}
