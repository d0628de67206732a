package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const minimal = `
tickets:
  prefix: SUP
organizations:
  - id: acme
    name: ACME
    tickets_included: 25
    contact_methods: [email]
    contacts:
      - email: Alice@ACME.example
`

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ticketd.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadExample(t *testing.T) {
	cfg, err := Load("../config.example.yaml")
	if err != nil {
		t.Fatalf("config.example.yaml: %v", err)
	}
	if err := cfg.ValidateDaemon(); err != nil {
		t.Fatalf("config.example.yaml daemon sections: %v", err)
	}
	if cfg.Tickets.Prefix != "SUP" || len(cfg.Organizations) != 4 {
		t.Fatalf("unexpected example: prefix %q, %d organizations", cfg.Tickets.Prefix, len(cfg.Organizations))
	}
	p := cfg.Policy()
	if len(p.DocumentURLPatterns) != 1 || !p.DocumentURLPatterns[0].MatchString("https://docs.example.com/document/0a1b-2c") {
		t.Fatalf("document pattern not compiled: %v", p.DocumentURLPatterns)
	}
	if got := p.Organizations[3].WarrantyUntil; !got.Equal(time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("umbrella warranty_until = %v", got)
	}
	if r := cfg.Store.Retention; r.TurnedAway != 720*time.Hour || r.SentEmails != 2160*time.Hour || r.ClosedTickets != 0 {
		t.Errorf("store.retention = %+v, want 720h, 2160h, 0", r)
	}
	if r := Default().Store.Retention; r.TurnedAway != 720*time.Hour || r.SentEmails != 2160*time.Hour || r.ClosedTickets != 0 {
		t.Errorf("default store.retention = %+v, want 720h, 2160h, 0", r)
	}
}

func TestDefaultsApplyUnderFile(t *testing.T) {
	cfg, err := Load(writeConfig(t, minimal))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Rules.SubjectMinWords != 3 || cfg.Rules.DescriptionMinWords != 20 {
		t.Errorf("rule defaults lost: %+v", cfg.Rules)
	}
	if cfg.IMAP.Mailbox != "INBOX" || cfg.IMAP.PollInterval != time.Minute || cfg.Receipt.MaxPerSenderPerHour != 20 {
		t.Errorf("daemon defaults lost: %+v %+v", cfg.IMAP, cfg.Receipt)
	}
	p := cfg.Policy()
	if got := p.Organizations[0].Contacts[0].Email; got != "alice@acme.example" {
		t.Errorf("contact not lower-cased: %q", got)
	}
	if p.Organizations[0].PlanPeriod != "monthly" || p.Organizations[0].OverPlan != "register" {
		t.Errorf("organization defaults: %+v", p.Organizations[0])
	}
}

func TestInspectLimitsReachIntake(t *testing.T) {
	cfg, err := Load(writeConfig(t, minimal+"limits:\n  max_inspect_bytes: 1048576\n  max_inspect_entries: 50\n  max_inspect_text: 4096\n"))
	if err != nil {
		t.Fatal(err)
	}
	l := cfg.IntakeLimits()
	if l.MaxInspectBytes != 1<<20 || l.MaxInspectEntries != 50 || l.MaxInspectText != 4096 {
		t.Fatalf("IntakeLimits = %+v", l)
	}
	t.Setenv("TICKETD_LIMITS_MAX_INSPECT_TEXT", "8192")
	cfg, err = Load(writeConfig(t, minimal))
	if err != nil {
		t.Fatal(err)
	}
	if l := cfg.IntakeLimits(); l.MaxInspectText != 8192 || l.MaxInspectBytes != 0 {
		t.Fatalf("environment or zero default: %+v", l)
	}
}

func TestEnvironmentOverridesKeysAbsentFromFile(t *testing.T) {
	t.Setenv("TICKETD_IMAP_PASSWORD", "s3cret")
	t.Setenv("TICKETD_SMTP_ADDRESS", "127.0.0.1:2525")
	t.Setenv("TICKETD_RULES_SUBJECT_MIN_WORDS", "5")
	cfg, err := Load(writeConfig(t, minimal))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IMAP.Password != "s3cret" || cfg.SMTP.Address != "127.0.0.1:2525" || cfg.Rules.SubjectMinWords != 5 {
		t.Fatalf("environment ignored: imap.password=%q smtp.address=%q subject_min_words=%d", cfg.IMAP.Password, cfg.SMTP.Address, cfg.Rules.SubjectMinWords)
	}
}

func TestSecretsFromFileAndCredentials(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "imap.pw")
	if err := os.WriteFile(pwFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	creds := t.TempDir()
	if err := os.WriteFile(filepath.Join(creds, "smtp_password"), []byte("from-credential"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CREDENTIALS_DIRECTORY", creds)
	cfg, err := Load(writeConfig(t, minimal+"imap:\n  password_file: "+pwFile+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IMAP.Password != "from-file" {
		t.Errorf("imap.password_file: got %q", cfg.IMAP.Password)
	}
	if cfg.SMTP.Password != "from-credential" {
		t.Errorf("systemd credential smtp_password: got %q", cfg.SMTP.Password)
	}
}

func TestInvalidConfigNamesKeyAndFile(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"unknown key", minimal + "imap:\n  pasword: x\n", "imap.pasword"},
		{"unknown top-level key", minimal + "tickets_prefix: X\n", "tickets_prefix"},
		{"bad regex", minimal + "rules:\n  document_url_patterns: ['^https://(']\n", "rules.document_url_patterns[0]"},
		{"duplicate contact", minimal + "  - id: other\n    contacts:\n      - email: alice@acme.example\n", "duplicate contact alice@acme.example"},
		{"duplicate organization", minimal + "  - id: acme\n    contacts:\n      - email: x@y.example\n", "organizations[1].id"},
		{"no organizations", "tickets:\n  prefix: SUP\n", "organizations: at least one"},
		{"missing org id", "organizations:\n  - name: X\n    contacts:\n      - email: a@b.example\n", "organizations[0].id: required"},
		{"bad date", minimal + "    warranty_until: 31/12/2026\n", "organizations[0].warranty_until"},
		{"bad plan period", minimal + "    plan_period: weekly\n", "organizations[0].plan_period"},
		{"bad contact method", strings.Replace(minimal, "[email]", "[pigeon]", 1), "organizations[0].contact_methods"},
		{"bad prefix", "tickets:\n  prefix: sup-1\n" + minimal[strings.Index(minimal, "organizations"):], "tickets.prefix"},
		{"bad duration", minimal + "imap:\n  poll_interval: soon\n", "poll_interval"},
		{"not yaml", "organizations: [\n", "config "},
		{"negative inspect bytes", minimal + "limits:\n  max_inspect_bytes: -1\n", "limits.max_inspect_bytes"},
		{"negative inspect entries", minimal + "limits:\n  max_inspect_entries: -1\n", "limits.max_inspect_entries"},
		{"negative inspect text", minimal + "limits:\n  max_inspect_text: -1\n", "limits.max_inspect_text"},
		{"support address is a contact", minimal + "rules:\n  support_addresses: [alice@acme.example]\n", "rules.support_addresses[0]"},
		{"team address with a name", minimal + "desk:\n  team_addresses: ['Desk <desk@v.example>']\n", "desk.team_addresses[0]"},
		{"team address is the support address", minimal + "smtp:\n  from: help@v.example\ndesk:\n  team_addresses: [Help@v.example]\n", "desk.team_addresses[0]"},
		{"agent is a contact", minimal + "desk:\n  agents: [{email: alice@acme.example, name: A}]\n", "desk.agents[0].email"},
		{"agent twice", minimal + "desk:\n  agents: [{email: a@v.example}, {email: A@v.example}]\n", "desk.agents[1].email"},
		{"negative reminder", minimal + "desk:\n  needs_info_reminder_after: -1h\n", "desk.needs_info_reminder_after"},
		{"webhook over http", minimal + "webhooks: [{url: 'http://hooks.example.com/x', format: slack}]\n", "webhooks[0]"},
		{"webhook bad secret", minimal + "webhooks: [{url: 'https://hooks.example.com/x', secret: abc}]\n", "webhooks[0]"},
		{"webhook private address", minimal + "webhooks: [{url: 'https://10.0.0.5/x', format: slack}]\n", "webhooks[0]"},
		{"webhook unknown event", minimal + "webhooks: [{url: 'https://h.example.com/x', format: slack, events: [ticket.deleted]}]\n", "webhooks[0]"},
		{"webhook names twice", minimal + "webhooks: [{url: 'https://h.example.com/x', format: slack}, {url: 'https://h.example.com/y', format: slack}]\n", "webhooks[1].name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeConfig(t, tt.body)
			_, err := Load(path)
			if err == nil {
				t.Fatalf("no error for %s", tt.name)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q should name %q and the file %s", err, tt.want, path)
			}
		})
	}
}

func TestMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	if err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Fatalf("missing file error: %v", err)
	}
}

func TestValidateDaemon(t *testing.T) {
	cfg, err := Load(writeConfig(t, minimal))
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.ValidateDaemon()
	if err == nil {
		t.Fatal("a config without imap/smtp sections must not pass ValidateDaemon")
	}
	for _, key := range []string{"imap.address", "imap.username", "smtp.address", "smtp.from"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("ValidateDaemon error does not name %s: %v", key, err)
		}
	}
}

func TestValidateDaemonRanges(t *testing.T) {
	for _, tc := range []struct{ body, key string }{
		{"smtp:\n  connections: 0\n", "smtp.connections"},
		{"smtp:\n  connections: 17\n", "smtp.connections"},
		{"imap:\n  batch_size: 0\n", "imap.batch_size"},
		// run refuses a non-loopback admin API; check-config does too.
		{"admin:\n  listen: 0.0.0.0:9120\n", "admin.listen"},
		{"admin:\n  listen: \":9120\"\n", "admin.listen"},
		{"admin:\n  listen: 192.0.2.7:9120\n", "admin.listen"},
		{"store:\n  retention:\n    turned_away: -1h\n", "store.retention.turned_away"},
		{"store:\n  retention:\n    sent_emails: 5m\n", "store.retention.sent_emails"},
	} {
		cfg, err := Load(writeConfig(t, minimal+tc.body))
		if err != nil {
			t.Fatal(err)
		}
		if err := cfg.ValidateDaemon(); err == nil || !strings.Contains(err.Error(), tc.key) {
			t.Errorf("%q: ValidateDaemon = %v, want an error naming %s", tc.body, err, tc.key)
		}
	}
	if got := Default().SMTP.Connections; got != 2 {
		t.Errorf("default smtp.connections = %d, want 2", got)
	}
}

func TestDeskAndWebhooksLoad(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "crm.secret")
	if err := os.WriteFile(secretFile, []byte("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(writeConfig(t, minimal+`desk:
  team_addresses: [desk@v.example]
  agents: [{email: Ana@V.example, name: Ana}]
  needs_info_reminder_after: 48h
webhooks:
  - url: https://crm.example.com/hooks
    secret_file: `+secretFile+`
  - name: chat
    url: https://hooks.slack.com/services/T/B/X
    format: slack
    events: [ticket.created]
`))
	if err != nil {
		t.Fatal(err)
	}
	eps := cfg.WebhookEndpoints()
	if len(eps) != 2 || eps[0].Name != "crm.example.com" || eps[0].Secret != "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" || eps[1].Name != "chat" || !eps[1].Wants("ticket.created") || eps[1].Wants("ticket.closed") {
		t.Errorf("endpoints %+v", eps)
	}
	if cfg.Desk.NeedsInfoReminderAfter != 48*time.Hour || !cfg.Desk.ClosingEmail || cfg.Desk.NotificationMaxAttachmentBytes != 10<<20 || cfg.Desk.Agents[0].Name != "Ana" {
		t.Errorf("desk %+v: want 48h reminders and the defaults for the rest", cfg.Desk)
	}
}
