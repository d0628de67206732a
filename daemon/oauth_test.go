package daemon

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/mailtest"
)

// tokenEndpoint is an OAuth2 token endpoint that refuses the refresh token
// (invalid_grant, as after Microsoft's 90 days) until renewed.
type tokenEndpoint struct {
	*httptest.Server
	valid atomic.Bool
	calls atomic.Int64
}

func startTokenEndpoint(t *testing.T) *tokenEndpoint {
	te := &tokenEndpoint{}
	te.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		te.calls.Add(1)
		if err := r.ParseForm(); err != nil || r.Form.Get("grant_type") != "refresh_token" || r.Form.Get("refresh_token") != "refresh-1" {
			http.Error(w, `{"error":"invalid_request"}`, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if !te.valid.Load() {
			w.WriteHeader(http.StatusBadRequest)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "invalid_grant", "error_description": "AADSTS70008: The refresh token has expired due to inactivity."})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": "access-good", "token_type": "Bearer", "expires_in": 3600})
	}))
	t.Cleanup(te.Close)
	return te
}

func TestOAuth2RefreshFailureIsLoudAndRecovers(t *testing.T) {
	te := startTokenEndpoint(t)
	r := newRig(t, mailtest.WithXOAuth2(func(user, token string) bool {
		return user == mailtest.IMAPUser && token == "access-good"
	}))
	r.cfg.IMAP.Password = ""
	r.cfg.IMAP.OAuth2.TokenURL = te.URL + "/token"
	r.cfg.IMAP.OAuth2.ClientID = "ticketd"
	r.cfg.IMAP.OAuth2.ClientSecret = "client-secret"
	r.cfg.IMAP.OAuth2.RefreshToken = "refresh-1"
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	_, stop := r.start()
	defer stop()

	waitUntil(t, 10*time.Second, "readiness to fail on the refresh", func() bool {
		body, code := r.scrape("/readyz")
		return code == http.StatusServiceUnavailable && strings.Contains(body, "auth failing") && strings.Contains(body, "renew imap.oauth2.refresh_token")
	})
	body, _ := r.scrape("/metrics")
	if metricValue(t, body, "ticketd_oauth_refresh_failures_total") < 1 {
		t.Error("refresh failures not counted")
	}
	if !strings.Contains(r.logs.String(), "renew imap.oauth2.refresh_token") {
		t.Error("the log does not say what to renew")
	}
	if n := r.imap.Count("INBOX"); n != 1 {
		t.Fatalf("the mail must wait in the inbox: %d", n)
	}
	retriesBefore := te.calls.Load()
	waitUntil(t, 10*time.Second, "the daemon to keep retrying", func() bool { return te.calls.Load() > retriesBefore })

	// The administrator renews the token: the daemon logs in with
	// XOAUTH2 and takes the mail in.
	te.valid.Store(true)
	r.smtp.WaitFor(1, 15*time.Second)
	waitUntil(t, 10*time.Second, "readiness to recover", func() bool {
		_, code := r.scrape("/readyz")
		return code == http.StatusOK
	})
}
