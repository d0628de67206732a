package mailbox

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"
)

func TestDialCreatesFoldersAndSelects(t *testing.T) {
	tests := []struct {
		name              string
		caps              imap.CapSet
		wantMove, wantUID bool
	}{
		{name: "IMAP4rev2", caps: capsRev2, wantMove: true, wantUID: true},
		{name: "IMAP4rev1 only", caps: capsRev1, wantMove: false, wantUID: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, tt.caps)
			c := dial(t, ts.config())

			want := []string{"INBOX", "Processed", "Quarantine"}
			if got := ts.mailboxes(t); !slices.Equal(got, want) {
				t.Errorf("mailboxes = %v, want %v", got, want)
			}
			if c.UIDValidity() == 0 {
				t.Error("UIDValidity() = 0")
			}
			got := c.Caps()
			if !got.IDLE || got.MOVE != tt.wantMove || got.UIDPLUS != tt.wantUID {
				t.Errorf("Caps() = %+v, want IDLE, MOVE=%v, UIDPLUS=%v", got, tt.wantMove, tt.wantUID)
			}
			if !slices.Contains(got.Auth, "PLAIN") {
				t.Errorf("Caps().Auth = %v, want PLAIN", got.Auth)
			}

			// The folders exist now: a second Dial must accept ALREADYEXISTS.
			c2 := dial(t, ts.config())
			if c2.UIDValidity() != c.UIDValidity() {
				t.Errorf("second UIDValidity() = %d, want %d", c2.UIDValidity(), c.UIDValidity())
			}
		})
	}
}

func TestDialAuth(t *testing.T) {
	ts := startServer(t, capsRev2)
	tests := []struct {
		name     string
		password string
		auth     sasl.Client
		wantAuth bool // want ErrAuthFailed
	}{
		{name: "login", password: testPassword},
		{name: "login wrong password", password: "nope", wantAuth: true},
		{name: "sasl plain", auth: sasl.NewPlainClient("", testUser, testPassword)},
		{name: "sasl plain wrong password", auth: sasl.NewPlainClient("", testUser, "nope"), wantAuth: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ts.config()
			cfg.Password = tt.password
			cfg.Auth = tt.auth
			c, err := Dial(context.Background(), cfg)
			if tt.wantAuth {
				if !errors.Is(err, ErrAuthFailed) {
					t.Fatalf("Dial() error = %v, want ErrAuthFailed", err)
				}
				if strings.Contains(err.Error(), testPassword) {
					t.Errorf("error %q reveals the password", err)
				}
				// Each layer says what it adds once (issue 16).
				if n := strings.Count(err.Error(), "mailbox:"); n != 1 || !strings.Contains(err.Error(), ": authentication failed: imap: NO") {
					t.Errorf("error %q: want one \"mailbox:\" and the server's answer after \"authentication failed\"", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Dial() error = %v", err)
			}
			defer c.Close()
			if c.UIDValidity() == 0 {
				t.Error("UIDValidity() = 0 after login")
			}
		})
	}
}

func TestDialTLS(t *testing.T) {
	tests := []struct {
		name       string
		server     serverOptions
		security   string
		skipVerify bool
		wantErr    bool
	}{
		{name: "implicit tls", server: serverOptions{caps: capsRev2, implicitTLS: true}, security: SecurityTLS, skipVerify: true},
		{name: "starttls", server: serverOptions{caps: capsRev2, startTLS: true}, security: SecurityStartTLS, skipVerify: true},
		{name: "implicit tls untrusted cert", server: serverOptions{caps: capsRev2, implicitTLS: true}, security: SecurityTLS, wantErr: true},
		{name: "starttls untrusted cert", server: serverOptions{caps: capsRev2, startTLS: true}, security: SecurityStartTLS, wantErr: true},
		{name: "starttls not offered", server: serverOptions{caps: capsRev2}, security: SecurityStartTLS, skipVerify: true, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServerWith(t, tt.server)
			cfg := ts.config()
			cfg.Security = tt.security
			cfg.InsecureSkipVerify = tt.skipVerify
			c, err := Dial(context.Background(), cfg)
			if tt.wantErr {
				if err == nil {
					c.Close()
					t.Fatal("Dial() succeeded, want error")
				}
				var unknownAuthority x509.UnknownAuthorityError
				if !tt.skipVerify && !errors.As(err, &unknownAuthority) {
					t.Errorf("Dial() error = %v, want x509.UnknownAuthorityError", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Dial() error = %v", err)
			}
			defer c.Close()
			if _, err := c.UIDs(context.Background()); err != nil {
				t.Errorf("UIDs() over %s: %v", tt.security, err)
			}
		})
	}
}

func TestConfigValidation(t *testing.T) {
	valid := Config{Address: "127.0.0.1:143", Security: SecurityNone, Username: "u"}
	tests := []struct {
		name   string
		modify func(*Config)
		want   string // substring of the error; "" for valid
	}{
		{name: "valid none on loopback", modify: func(*Config) {}},
		{name: "valid localhost", modify: func(c *Config) { c.Address = "localhost:143" }},
		{name: "valid tls remote", modify: func(c *Config) { c.Address = "imap.example.com:993"; c.Security = "TLS" }},
		{name: "valid sasl without username", modify: func(c *Config) { c.Username = ""; c.Auth = sasl.NewAnonymousClient("x") }},
		{name: "none on remote host", modify: func(c *Config) { c.Address = "imap.example.com:143" }, want: "loopback"},
		{name: "unknown security", modify: func(c *Config) { c.Security = "ssl" }, want: "security"},
		{name: "empty security", modify: func(c *Config) { c.Security = "" }, want: "security"},
		{name: "no port", modify: func(c *Config) { c.Address = "127.0.0.1" }, want: "address"},
		{name: "no username", modify: func(c *Config) { c.Username = "" }, want: "username"},
		{name: "processed is inbox", modify: func(c *Config) { c.ProcessedMailbox = "inbox" }, want: "processed"},
		{name: "quarantine is processed", modify: func(c *Config) { c.ProcessedMailbox = "P"; c.QuarantineMailbox = "P" }, want: "both"},
		{name: "wildcard", modify: func(c *Config) { c.QuarantineMailbox = "Q*" }, want: "wildcard"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid
			tt.modify(&cfg)
			got, err := cfg.withDefaults()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("withDefaults() error = %v", err)
				}
				if got.Mailbox != "INBOX" || got.DialTimeout != DefaultDialTimeout || got.CommandTimeout != DefaultCommandTimeout || got.Logger == nil {
					t.Errorf("defaults not applied: %+v", got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("withDefaults() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// silentListener accepts connections and never sends a greeting.
func silentListener(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
	})
	return ln.Addr().String()
}

func TestDialGivesUp(t *testing.T) {
	addr := silentListener(t)
	tests := []struct {
		name        string
		ctxTimeout  time.Duration
		dialTimeout time.Duration
	}{
		{name: "context deadline", ctxTimeout: 100 * time.Millisecond, dialTimeout: time.Minute},
		{name: "dial timeout", ctxTimeout: time.Minute, dialTimeout: 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tt.ctxTimeout)
			defer cancel()
			start := time.Now()
			_, err := Dial(ctx, Config{Address: addr, Security: SecurityNone, Username: "u", DialTimeout: tt.dialTimeout})
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("Dial() error = %v, want context.DeadlineExceeded", err)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("Dial() took %v to give up", d)
			}
		})
	}
}

func TestDialCanceledDuringLogin(t *testing.T) {
	ts := startServer(t, capsRev2)
	ctx, cancel := context.WithCancel(context.Background())
	cfg := ts.config()
	// A SASL client that cancels the context when asked to start, so the
	// cancellation lands while AUTHENTICATE is in flight.
	cfg.Auth = cancelingSASL{cancel: cancel}
	_, err := Dial(ctx, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Dial() error = %v, want context.Canceled", err)
	}
}

type cancelingSASL struct{ cancel context.CancelFunc }

func (s cancelingSASL) Start() (string, []byte, error) {
	s.cancel()
	return "PLAIN", nil, nil // no initial response: the server's "+" is awaited
}

func (s cancelingSASL) Next([]byte) ([]byte, error) {
	return []byte("\x00" + testUser + "\x00" + testPassword), nil
}

func TestDialMissingMailbox(t *testing.T) {
	ts := startServer(t, capsRev2)
	cfg := ts.config()
	cfg.Mailbox = "Nope"
	c, err := Dial(context.Background(), cfg)
	if err == nil {
		c.Close()
		t.Fatal("Dial() with a missing mailbox succeeded")
	}
	if !strings.Contains(err.Error(), "select Nope") {
		t.Errorf("Dial() error = %v, want it to name the SELECT", err)
	}
}
