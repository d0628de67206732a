package receipt

import (
	"errors"
	"slices"
	"testing"
)

func TestProbe(t *testing.T) {
	tests := []struct {
		name      string
		security  string
		user, pw  string // configured credentials
		wantErr   bool
		wantTLS   bool
		wantAuth  bool
		wantLogin bool
	}{
		{name: "plain, no auth", security: SecurityNone},
		{name: "starttls with auth", security: SecuritySTARTTLS, user: "support", pw: "secret", wantTLS: true, wantAuth: true, wantLogin: true},
		{name: "implicit tls", security: SecurityTLS, wantTLS: true},
		{name: "wrong password", security: SecuritySTARTTLS, user: "support", pw: "wrong", wantErr: true, wantTLS: true, wantAuth: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := &backend{}
			if tt.user != "" {
				be.username, be.password = "support", "secret"
			}
			addr := startServer(t, be, tt.security)
			s := newTestSender(t, SMTPConfig{Address: addr, Security: tt.security, InsecureSkipVerify: true, Username: tt.user, Password: tt.pw})
			info, err := s.Probe(t.Context())
			if tt.wantErr {
				if err == nil || !errors.Is(err, ErrConnect) {
					t.Fatalf("Probe error = %v, want a connection error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if info.TLS != tt.wantTLS {
				t.Errorf("TLS = %v, want %v", info.TLS, tt.wantTLS)
			}
			if got := slices.Contains(info.Auth, "PLAIN"); got != tt.wantAuth {
				t.Errorf("AUTH PLAIN offered = %v (%v), want %v", got, info.Auth, tt.wantAuth)
			}
			if info.LoggedIn != tt.wantLogin {
				t.Errorf("LoggedIn = %v", info.LoggedIn)
			}
			if !slices.Contains(info.Extension, "8BITMIME") {
				t.Errorf("extensions %v lack 8BITMIME (go-smtp announces it)", info.Extension)
			}
		})
	}
}
