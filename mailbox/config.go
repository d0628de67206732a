package mailbox

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/ticketd/ticketd/internal/loopback"
)

// Security values for Config.Security.
const (
	SecurityTLS      = "tls"      // implicit TLS, usually port 993
	SecurityStartTLS = "starttls" // STARTTLS upgrade, usually port 143
	SecurityNone     = "none"     // cleartext; allowed for loopback addresses only
)

// Defaults applied by Dial to zero Config fields.
const (
	DefaultMailbox        = "INBOX"
	DefaultDialTimeout    = 15 * time.Second
	DefaultCommandTimeout = 60 * time.Second
)

// Config says how to reach and use the support mailbox.
type Config struct {
	Address            string // host:port
	Security           string // "tls" | "starttls" | "none" (none only for loopback)
	InsecureSkipVerify bool
	Username, Password string
	// Auth is optional: when set, Dial authenticates with AUTHENTICATE and
	// this SASL client instead of LOGIN (for XOAUTH2/OAUTHBEARER).
	Auth              sasl.Client
	Mailbox           string        // default "INBOX"
	ProcessedMailbox  string        // e.g. "Processed"; created by Dial when set
	QuarantineMailbox string        // e.g. "Quarantine"; created by Dial when set
	DialTimeout       time.Duration // default 15s: TCP, TLS and greeting
	CommandTimeout    time.Duration // default 60s: a command that takes longer closes the connection
	// DisableIDLE makes WaitForChange poll even when the server advertises
	// IDLE (for servers or proxies whose IDLE is broken).
	DisableIDLE bool
	Logger      *slog.Logger // default: discard
}

// withDefaults returns cfg with defaults filled in, or an error naming the
// first invalid field.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Mailbox == "" {
		cfg.Mailbox = DefaultMailbox
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = DefaultDialTimeout
	}
	if cfg.CommandTimeout <= 0 {
		cfg.CommandTimeout = DefaultCommandTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.Security = strings.ToLower(strings.TrimSpace(cfg.Security))
	if err := cfg.validate(); err != nil {
		return cfg, fmt.Errorf("mailbox: invalid config: %w", err)
	}
	return cfg, nil
}

func (cfg Config) validate() error {
	host, port, err := net.SplitHostPort(cfg.Address)
	if err != nil {
		return fmt.Errorf("address %q: %w", cfg.Address, err)
	}
	if host == "" || port == "" {
		return fmt.Errorf("address %q: want host:port", cfg.Address)
	}
	switch cfg.Security {
	case SecurityTLS, SecurityStartTLS:
	case SecurityNone:
		if !loopback.Host(host) {
			return fmt.Errorf("security %q is only allowed for a loopback address, not %q", cfg.Security, host)
		}
	default:
		return fmt.Errorf("security %q: want %q, %q or %q", cfg.Security, SecurityTLS, SecurityStartTLS, SecurityNone)
	}
	if cfg.Auth == nil && cfg.Username == "" {
		return errors.New("username is empty and no SASL client is set")
	}
	for _, f := range []struct{ field, name string }{
		{"mailbox", cfg.Mailbox},
		{"processed mailbox", cfg.ProcessedMailbox},
		{"quarantine mailbox", cfg.QuarantineMailbox},
	} {
		if strings.ContainsAny(f.name, "%*\r\n") {
			return fmt.Errorf("%s %q: contains a wildcard or line break", f.field, f.name)
		}
	}
	for _, f := range []struct{ field, name string }{
		{"processed mailbox", cfg.ProcessedMailbox},
		{"quarantine mailbox", cfg.QuarantineMailbox},
	} {
		if f.name != "" && sameMailbox(f.name, cfg.Mailbox) {
			return fmt.Errorf("%s %q: must differ from the mailbox read", f.field, f.name)
		}
	}
	if cfg.ProcessedMailbox != "" && sameMailbox(cfg.ProcessedMailbox, cfg.QuarantineMailbox) {
		return fmt.Errorf("processed and quarantine mailboxes are both %q", cfg.ProcessedMailbox)
	}
	return nil
}

// sameMailbox compares mailbox names; INBOX is case-insensitive (RFC 9051
// section 5.1).
func sameMailbox(a, b string) bool {
	if strings.EqualFold(a, "INBOX") && strings.EqualFold(b, "INBOX") {
		return true
	}
	return a == b
}
