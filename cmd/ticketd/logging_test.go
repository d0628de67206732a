package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

func TestLoggerFormats(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "log")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tests := []struct {
		name, format string
		wantJSON     bool
	}{
		{"auto, not a terminal (systemd's journal)", "auto", true},
		{"text asked", "text", false},
		{"json asked", "json", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			newLogger(&buf, tt.format, "info").Info("hello", "k", "v")
			isJSON := json.Valid(bytes.TrimSpace(buf.Bytes()))
			if isJSON != tt.wantJSON {
				t.Errorf("format %s gave %q", tt.format, buf.String())
			}
		})
	}
	// A regular file is not a terminal either: auto picks JSON.
	newLogger(f, "auto", "info").Info("to a file")
	b, _ := os.ReadFile(f.Name())
	if !json.Valid(bytes.TrimSpace(b)) {
		t.Errorf("auto to a file: %q", b)
	}
	var quiet bytes.Buffer
	newLogger(&quiet, "text", "warn").Info("not shown")
	if quiet.Len() != 0 {
		t.Errorf("level warn logged an info line: %q", quiet.String())
	}
}

// TestProcessedLineAndNoSecrets checks the per-message log line and that
// neither a password nor the message body reaches the log at info level.
func TestProcessedLineAndNoSecrets(t *testing.T) {
	r := newRig(t)
	r.cfg.IMAP.Password = "imap-secret-pw" // the server's password is a different one: one failed login is logged
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	d := r.daemon()
	d.log = newLogger(r.logs, "json", "info")
	ctx := t.Context()
	_ = d.RunOnce(ctx) // the login fails: the error must not show the password
	d.Close()
	r.cfg.IMAP.Password = "test-password"
	d = r.daemon()
	d.log = newLogger(r.logs, "json", "info")
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
	for _, key := range []string{"message_id", "from", "verdict", "ticket", "duration"} {
		if v, ok := line[key]; !ok || v == "" {
			t.Errorf("the processed line lacks %s: %v", key, line)
		}
	}
}
