package oauth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTokenCachesUntilRefreshBefore(t *testing.T) {
	tests := []struct {
		name          string
		expiresIn     int // seconds; 0: the endpoint gives none
		refreshBefore time.Duration
		// steps advance the clock, call Token and expect this token.
		steps []struct {
			advance time.Duration
			want    string
		}
	}{
		{
			name: "one hour token, default 5m", expiresIn: 3600,
			steps: []struct {
				advance time.Duration
				want    string
			}{
				{0, "access-1"},
				{0, "access-1"},
				{54 * time.Minute, "access-1"},
				{59*time.Second + 999*time.Millisecond, "access-1"}, // 1ms under 55m: still fresh
				{time.Millisecond, "access-2"},                      // 55m: within 5m of expiry
				{time.Minute, "access-2"},
			},
		},
		{
			name: "lifetime shorter than RefreshBefore refreshes every call", expiresIn: 60, refreshBefore: 90 * time.Second,
			steps: []struct {
				advance time.Duration
				want    string
			}{
				{0, "access-1"},
				{0, "access-2"},
				{time.Second, "access-3"},
			},
		},
		{
			name: "no expires_in: assume an hour", expiresIn: 0, refreshBefore: time.Minute,
			steps: []struct {
				advance time.Duration
				want    string
			}{
				{0, "access-1"},
				{58 * time.Minute, "access-1"},
				{time.Minute, "access-2"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startTokenServer(t)
			srv.expiresIn = tt.expiresIn
			cfg := testConfig(srv)
			cfg.RefreshBefore = tt.refreshBefore
			clock := newFakeClock()
			ts := newTestSource(t, cfg, clock)
			for i, st := range tt.steps {
				clock.Advance(st.advance)
				got, err := ts.Token(context.Background())
				if err != nil {
					t.Fatalf("step %d: Token: %v", i, err)
				}
				if got != st.want {
					t.Fatalf("step %d: Token = %q, want %q", i, got, st.want)
				}
			}
			last := tt.steps[len(tt.steps)-1].want
			if want := int(last[len("access-")] - '0'); srv.Calls() != want {
				t.Errorf("token endpoint calls = %d, want %d", srv.Calls(), want)
			}
		})
	}
}

func TestTokenRefreshErrors(t *testing.T) {
	tests := []struct {
		name            string
		code, desc      string // 400 with this error code
		status          int    // or a bare status
		wantCredentials bool
		wantText        []string
	}{
		{
			name: "invalid_grant", code: "invalid_grant",
			desc:            "AADSTS700082: The refresh token has expired due to inactivity.\r\nTrace ID: 1234\r\nCorrelation ID: 5678",
			wantCredentials: true,
			wantText: []string{
				"failed: invalid_grant (the refresh token was revoked or expired): renew imap.oauth2.refresh_token",
				`(endpoint said "AADSTS700082: The refresh token has expired due to inactivity.")`,
			},
		},
		{
			name: "invalid_client", code: "invalid_client", wantCredentials: true,
			wantText: []string{"invalid_client (the client id or secret is wrong, or the secret expired): check imap.oauth2.client_id and imap.oauth2.client_secret"},
		},
		{
			name: "invalid_scope", code: "invalid_scope", wantCredentials: true,
			wantText: []string{"check imap.oauth2.scopes"},
		},
		{
			name: "unknown code", code: "interaction_required", wantCredentials: true,
			wantText: []string{"interaction_required: check imap.oauth2.client_id, imap.oauth2.client_secret and imap.oauth2.refresh_token"},
		},
		{
			name: "temporarily_unavailable", code: "temporarily_unavailable", wantCredentials: false,
			wantText: []string{"temporarily_unavailable (a temporary failure)"},
		},
		{
			name: "HTTP 503", status: http.StatusServiceUnavailable, wantCredentials: false,
			wantText: []string{"failed: HTTP 503 (a temporary failure)"},
		},
		{
			name: "HTTP 429", status: http.StatusTooManyRequests, wantCredentials: false,
			wantText: []string{"HTTP 429 (a temporary failure)"},
		},
		{
			name: "HTTP 401", status: http.StatusUnauthorized, wantCredentials: true,
			wantText: []string{"HTTP 401: check imap.oauth2.client_id"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startTokenServer(t)
			srv.Fail(tt.code, tt.desc)
			srv.Status(tt.status)
			ts := newTestSource(t, testConfig(srv), nil)

			tok, err := ts.Token(context.Background())
			if err == nil {
				t.Fatalf("Token = %q, want an error", tok)
			}
			if !errors.Is(err, ErrRefresh) {
				t.Errorf("error %v does not wrap ErrRefresh", err)
			}
			if got := errors.Is(err, ErrCredentials); got != tt.wantCredentials {
				t.Errorf("errors.Is(err, ErrCredentials) = %v, want %v", got, tt.wantCredentials)
			}
			var re *RefreshError
			if !errors.As(err, &re) {
				t.Fatalf("error %T is not a *RefreshError", err)
			}
			if re.Code != tt.code {
				t.Errorf("Code = %q, want %q", re.Code, tt.code)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "oauth: refreshing the access token at "+srv.URL+" failed: ") {
				t.Errorf("error %q does not start by naming the endpoint", msg)
			}
			for _, want := range tt.wantText {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
			for _, secret := range []string{testRefreshToken, testClientSecret, "Trace ID"} {
				if strings.Contains(msg, secret) {
					t.Errorf("error %q contains %q", msg, secret)
				}
			}
			if srv.Calls() != 1 {
				t.Errorf("token endpoint calls = %d, want 1 (no second try with other credentials)", srv.Calls())
			}
		})
	}
}

func TestTokenNetworkErrorIsTemporary(t *testing.T) {
	srv := startTokenServer(t)
	cfg := testConfig(srv)
	cfg.TokenURL = "http://127.0.0.1:1/token" // nothing listens on port 1
	ts := newTestSource(t, cfg, nil)
	_, err := ts.Token(context.Background())
	if !errors.Is(err, ErrRefresh) || errors.Is(err, ErrCredentials) {
		t.Fatalf("err = %v, want ErrRefresh without ErrCredentials", err)
	}
	if !strings.Contains(err.Error(), "http://127.0.0.1:1/token") {
		t.Errorf("error %q does not name the endpoint", err)
	}
}

func TestTokenKeepsUsableTokenWhenRefreshFails(t *testing.T) {
	srv := startTokenServer(t)
	clock := newFakeClock()
	ts := newTestSource(t, testConfig(srv), clock) // 1h tokens, refresh 5m before

	if tok, err := ts.Token(context.Background()); err != nil || tok != "access-1" {
		t.Fatalf("Token = %q, %v; want access-1", tok, err)
	}
	srv.Fail("invalid_grant", "")

	clock.Advance(56 * time.Minute) // due for refresh, 4m left
	tok, err := ts.Token(context.Background())
	if err != nil || tok != "access-1" {
		t.Fatalf("Token with a failing refresh and 4m left = %q, %v; want the cached access-1", tok, err)
	}
	if srv.Calls() != 2 {
		t.Errorf("token endpoint calls = %d, want 2 (the refresh was tried)", srv.Calls())
	}

	clock.Advance(3*time.Minute + 31*time.Second) // 29s left: too little
	if tok, err := ts.Token(context.Background()); !errors.Is(err, ErrCredentials) {
		t.Fatalf("Token with 29s left = %q, %v; want an ErrCredentials error", tok, err)
	}

	srv.Fail("", "") // renewed
	if tok, err := ts.Token(context.Background()); err != nil || tok != "access-4" {
		t.Fatalf("Token after recovery = %q, %v; want access-4", tok, err)
	}
}

func TestTokenCanceledContextIsNotARefreshFailure(t *testing.T) {
	srv := startTokenServer(t)
	entered, release := srv.Block()
	defer release()
	ts := newTestSource(t, testConfig(srv), nil)

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := ts.Token(ctx)
		errc <- err
	}()
	waitFor(t, entered, "the refresh request")
	cancel()
	err := waitFor(t, errc, "Token to return")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if errors.Is(err, ErrRefresh) {
		t.Errorf("err = %v wraps ErrRefresh; a canceled caller is not a refresh failure", err)
	}

	// A caller waiting behind a refresh gives up with its own context.
	release()
	srv2 := startTokenServer(t)
	entered2, release2 := srv2.Block()
	defer release2()
	ts2 := newTestSource(t, testConfig(srv2), nil)
	go func() { _, _ = ts2.Token(context.Background()) }()
	waitFor(t, entered2, "the refresh request")
	short, cancelShort := context.WithCancel(context.Background())
	cancelShort()
	if _, err := ts2.Token(short); !errors.Is(err, context.Canceled) {
		t.Errorf("waiting caller: err = %v, want context.Canceled", err)
	}
}

func TestTokenConcurrentCallersShareOneRefresh(t *testing.T) {
	srv := startTokenServer(t)
	entered, release := srv.Block()
	ts := newTestSource(t, testConfig(srv), nil)

	const n = 8
	var wg sync.WaitGroup
	results := make(chan string, n)
	for range n {
		wg.Go(func() {
			tok, err := ts.Token(context.Background())
			if err != nil {
				t.Errorf("Token: %v", err)
			}
			results <- tok
		})
	}
	waitFor(t, entered, "the refresh request")
	release()
	wg.Wait()
	close(results)
	for tok := range results {
		if tok != "access-1" {
			t.Errorf("Token = %q, want access-1", tok)
		}
	}
	if srv.Calls() != 1 {
		t.Errorf("token endpoint calls = %d, want 1", srv.Calls())
	}
}

func TestTokenFollowsRotatedRefreshToken(t *testing.T) {
	srv := startTokenServer(t)
	srv.rotate = true
	clock := newFakeClock()
	cfg := testConfig(srv)
	var saved []string
	cfg.OnRefreshTokenChange = func(rt string) { saved = append(saved, rt) }
	ts := newTestSource(t, cfg, clock)

	for i, want := range []string{"access-1", "access-2"} {
		tok, err := ts.Token(context.Background())
		if err != nil || tok != want {
			t.Fatalf("call %d: Token = %q, %v; want %q", i, tok, err, want)
		}
		clock.Advance(time.Hour)
	}
	if got := srv.LastForm().Get("refresh_token"); got != "refresh-1" {
		t.Errorf("second refresh used refresh token %q, want the rotated refresh-1", got)
	}
	if strings.Join(saved, ",") != "refresh-1,refresh-2" {
		t.Errorf("OnRefreshTokenChange got %q, want refresh-1,refresh-2", saved)
	}
}

func TestTokenSendsScopes(t *testing.T) {
	tests := []struct {
		name      string
		scopes    []string
		wantScope string
		wantHas   bool
	}{
		{"none", nil, "", false},
		{"microsoft", []string{"https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access"},
			"https://outlook.office.com/IMAP.AccessAsUser.All offline_access", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startTokenServer(t)
			cfg := testConfig(srv)
			cfg.Scopes = tt.scopes
			ts := newTestSource(t, cfg, nil)
			if _, err := ts.Token(context.Background()); err != nil {
				t.Fatalf("Token: %v", err)
			}
			form := srv.LastForm()
			if form.Has("scope") != tt.wantHas || form.Get("scope") != tt.wantScope {
				t.Errorf("scope sent = %q (present %v), want %q (present %v)", form.Get("scope"), form.Has("scope"), tt.wantScope, tt.wantHas)
			}
		})
	}
}

func TestInvalidate(t *testing.T) {
	srv := startTokenServer(t)
	ts := newTestSource(t, testConfig(srv), nil)
	first, err := ts.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ts.Invalidate("some-other-token")
	if tok, _ := ts.Token(context.Background()); tok != first {
		t.Fatalf("after invalidating another token, Token = %q, want the cached %q", tok, first)
	}
	ts.Invalidate(first)
	if tok, _ := ts.Token(context.Background()); tok != "access-2" {
		t.Fatalf("after Invalidate, Token = %q, want a refreshed access-2", tok)
	}
	// A rejected token is not reused even when the refresh fails.
	ts.Invalidate("access-2")
	srv.Fail("invalid_grant", "")
	if tok, err := ts.Token(context.Background()); !errors.Is(err, ErrRefresh) {
		t.Fatalf("Token = %q, %v; want ErrRefresh", tok, err)
	}
}

// waitFor receives from ch or fails the test after a deadline.
func waitFor[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}
