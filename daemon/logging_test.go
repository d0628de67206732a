package daemon

import (
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestProcessedLineAndNoSecrets checks the per-message log line and that
// neither a password nor the message body reaches the log at info level.
func TestProcessedLineAndNoSecrets(t *testing.T) {
	r := newRig(t)
	r.cfg.IMAP.Password = "imap-secret-pw" // the server's password is a different one: one failed login is logged
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	r.log = slog.New(slog.NewJSONHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	d := r.daemon()
	ctx := t.Context()
	_ = d.RunOnce(ctx) // the login fails: the error must not show the password
	d.Close()
	r.cfg.IMAP.Password = "test-password"
	d = r.daemon()
	if err := d.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	d.Close()
	r.smtp.WaitFor(1, 5*time.Second)
	logs := r.logs.String()
	for _, secret := range []string{"imap-secret-pw", "test-password", "Since this morning", "Madrid and Sevilla"} {
		if strings.Contains(strings.ToLower(logs), strings.ToLower(secret)) {
			t.Errorf("the log contains %q", secret)
		}
	}
	var line map[string]any
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, `"msg":"message processed"`) {
			if err := json.Unmarshal([]byte(l), &line); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, key := range []string{"message_id", "sender", "organization", "subject", "verdict", "category", "ticket", "duration"} {
		if v, ok := line[key]; !ok || v == "" {
			t.Errorf("the processed line lacks %s: %v", key, line)
		}
	}
}

// TestStartupLinesOnce: each start-up line is written once (issue 16:
// "admin API listening" was logged by the daemon and by the server).
func TestStartupLinesOnce(t *testing.T) {
	r := newRig(t)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	_, stop := r.start()
	r.smtp.WaitFor(1, 10*time.Second)
	stop()
	counts := map[string]int{}
	for _, l := range strings.Split(r.logs.String(), "\n") {
		if i := strings.Index(l, ` msg="`); i >= 0 {
			msg := l[i+6:]
			counts[msg[:strings.IndexByte(msg, '"')]]++
		}
	}
	for _, msg := range []string{"ticketd starting", "admin API listening", "imap connected", "message processed"} {
		if counts[msg] != 1 {
			t.Errorf("%q logged %d times, want once:\n%s", msg, counts[msg], r.logs.String())
		}
	}
}
