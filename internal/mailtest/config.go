package mailtest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/loopback"
)

// ConfigValues are what a test changes in config.example.yaml to run
// ticketd against its own servers and store.
type ConfigValues struct {
	IMAPAddr, SMTPAddr string
	// IMAPUser and IMAPPassword default to the test server's user.
	IMAPUser, IMAPPassword string
	StorePath              string
	// AdminListen is admin.listen ("" turns the admin API off).
	AdminListen string
	// BatchSize is imap.batch_size (the example's when zero).
	BatchSize string
	// MaxPerSenderPerHour is receipt.max_per_sender_per_hour (the
	// example's when empty).
	MaxPerSenderPerHour string
	// MaxRejectionsPerHour is receipt.max_rejections_per_hour and
	// MaxNewTicketsPerContactPerHour rules.max_new_tickets_per_contact_per_hour
	// (the example's when empty; "0" turns them off).
	MaxRejectionsPerHour, MaxNewTicketsPerContactPerHour string
	// TeamAddresses, Agents and Webhooks are desk.team_addresses,
	// desk.agents and webhooks as YAML flow sequences (the example's
	// empty ones when "").
	TeamAddresses, Agents, Webhooks string
}

// WriteConfig writes config.example.yaml with v to dir/ticketd.yaml and
// returns its path: loopback servers without TLS, no SMTP login, the
// sender support@ticketd.example, reconnects within 20 to 200 ms and
// email retries within 50 to 200 ms. It fails the test when the example
// changed shape so that a value could not be set.
func WriteConfig(t testing.TB, dir string, v ConfigValues) string {
	t.Helper()
	example, err := os.ReadFile(filepath.Join(Root(), "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if v.IMAPUser == "" {
		v.IMAPUser, v.IMAPPassword = IMAPUser, IMAPPassword
	}
	s := string(example)
	replace := func(old, new string) {
		t.Helper()
		if !strings.Contains(s, old) {
			t.Fatalf("config.example.yaml lacks %q: it changed shape", old)
		}
		s = strings.Replace(s, old, new, 1)
	}
	replace("  address: imap.example.com:993\n  security: tls", "  address: "+v.IMAPAddr+"\n  security: none")
	replace("  address: smtp.example.com:587\n  security: starttls", "  address: "+v.SMTPAddr+"\n  security: none")
	replace("  username: support@example.com\n  password: \"\"", "  username: "+v.IMAPUser+"\n  password: "+v.IMAPPassword)
	replace("  username: support@example.com", `  username: ""`)
	replace("  from: support@example.com", "  from: support@ticketd.example")
	replace("  path: /var/lib/ticketd/ticketd.db", "  path: "+v.StorePath)
	replace("  reconnect_min: 1s", "  reconnect_min: 20ms")
	replace("  reconnect_max: 5m", "  reconnect_max: 200ms")
	replace("  retry_min: 30s", "  retry_min: 50ms")
	replace("  retry_max: 1h", "  retry_max: 200ms")
	replace("  listen: 127.0.0.1:9120", "  listen: \""+v.AdminListen+"\"")
	// The example's line, and the prefix a set value replaces its value after.
	for _, o := range []struct{ line, prefix, value string }{
		{"  batch_size: 64", "  batch_size: ", v.BatchSize},
		{"  max_per_sender_per_hour: 20", "  max_per_sender_per_hour: ", v.MaxPerSenderPerHour},
		{"  max_rejections_per_hour: 30", "  max_rejections_per_hour: ", v.MaxRejectionsPerHour},
		{"  max_new_tickets_per_contact_per_hour: 10", "  max_new_tickets_per_contact_per_hour: ", v.MaxNewTicketsPerContactPerHour},
		{"  team_addresses: []", "  team_addresses: ", v.TeamAddresses},
		{"  agents: []", "  agents: ", v.Agents},
		{"\nwebhooks: []", "\nwebhooks: ", v.Webhooks},
	} {
		if o.value != "" {
			replace(o.line, o.prefix+o.value)
		}
	}
	path := filepath.Join(dir, "ticketd.yaml")
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	port, err := loopback.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}
