package receipt

import (
	"context"
	"errors"
	"testing"
)

func TestSendWithXOAuth2(t *testing.T) {
	be := &backend{username: "support@vendor.test", bearer: "access-token-1"}
	addr := startServer(t, be, SecuritySTARTTLS)
	tokens := 0
	cfg := SMTPConfig{Address: addr, Security: SecuritySTARTTLS, InsecureSkipVerify: true, Username: "support@vendor.test",
		Token: func(context.Context) (string, error) { tokens++; return "access-token-1", nil }}
	s := newTestSender(t, cfg)
	for i, err := range s.Send(t.Context(), batch(2)) {
		if err != nil {
			t.Fatalf("email %d: %v", i, err)
		}
	}
	msgs := be.messages()
	if len(msgs) != 2 || msgs[0].User != "support@vendor.test" {
		t.Fatalf("server got %d messages as %q", len(msgs), msgs[0].User)
	}
	if tokens != 1 {
		t.Errorf("%d token fetches for one connection", tokens)
	}

	wrong := cfg
	wrong.Token = func(context.Context) (string, error) { return "stale-token", nil }
	for _, err := range newTestSender(t, wrong).Send(t.Context(), batch(1)) {
		if err == nil || Permanent(err) {
			t.Errorf("a refused token: %v (must be a temporary error)", err)
		}
	}
	failing := cfg
	refresh := errors.New("oauth: refreshing the access token failed: invalid_grant")
	failing.Token = func(context.Context) (string, error) { return "", refresh }
	for _, err := range newTestSender(t, failing).Send(t.Context(), batch(2)) {
		if !errors.Is(err, refresh) || !errors.Is(err, ErrConnect) || Permanent(err) {
			t.Errorf("token failure: %v", err)
		}
	}
}
