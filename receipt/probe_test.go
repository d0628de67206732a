package receipt

import (
	"errors"
	"slices"
	"strings"
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

// Probe tries a real envelope (MAIL FROM, RCPT TO, RSET) with the EHLO
// name, so that check-config --connect shows a relay refusing it; it
// sends no message.
func TestProbeTriesTheEnvelope(t *testing.T) {
	for _, tc := range []struct {
		name, rcpt string
		wantErr    bool
	}{
		{"accepted", "250 2.1.5 ok", false},
		{"HELO name refused at RCPT", "504 5.5.2 <vm>: Helo command rejected: need fully-qualified hostname", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := &scripted{reply: func(verb string, n int) string {
				if verb == "RCPT" {
					return tc.rcpt
				}
				return "250 ok"
			}}
			s := newTestSender(t, SMTPConfig{Address: srv.start(t), From: "Support <support@vendor.test>"})
			info, err := s.Probe(t.Context())
			if tc.wantErr {
				if !errors.Is(err, ErrSessionRefused) || !strings.Contains(err.Error(), "5.5.2") || !strings.Contains(err.Error(), "ticketd.test") {
					t.Errorf("Probe: %v, want the refusal with the EHLO name", err)
				}
			} else if err != nil {
				t.Fatalf("Probe: %v", err)
			}
			if info == nil || info.Envelope != "support@vendor.test" || info.HeloName != "ticketd.test" {
				t.Errorf("info %+v, want the envelope and EHLO name tried", info)
			}
			for verb, want := range map[string]int{"MAIL": 1, "RCPT": 1, "RSET": 1, "DATA": 0, "BDAT": 0} {
				if n := srv.count(verb); n != want {
					t.Errorf("%d %s, want %d", n, verb, want)
				}
			}
		})
	}
}
