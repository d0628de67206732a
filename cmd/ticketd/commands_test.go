package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestQuarantineListAndRetry(t *testing.T) {
	r := newRig(t)
	r.cfg.IMAP.MaxMessageBytes = 4096
	big := append(withMessageID(fixture(t, "en-incident-screenshot.eml"), "<too-big@example.com>"), bytes.Repeat([]byte("padding line of text\r\n"), 400)...)
	r.imap.Append("INBOX", big)
	r.imap.Append("INBOX", []byte("X-Note: this is not an email\r\n\r\nbody\r\n"))
	r.runOnce()
	if n := r.imap.Count("Quarantine"); n != 2 {
		t.Fatalf("Quarantine has %d, want 2", n)
	}

	out, errOut, code := r.runCLI("quarantine", "list")
	if code != 0 {
		t.Fatalf("quarantine list: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "too large: 42049 bytes") || !strings.Contains(out, "parse: intake:") {
		t.Errorf("quarantine list does not say why:\n%s", out)
	}
	// The real date: the Date header, else when the server received it
	// (the second message has no Date).
	if strings.Contains(out, "0001-01-01") || !strings.Contains(out, time.Now().UTC().Format("2006-01-02")) {
		t.Errorf("quarantine list does not show the dates:\n%s", out)
	}
	if _, errOut, code := r.runCLI("quarantine", "retry"); code != 2 || !strings.Contains(errOut, "--all") {
		t.Errorf("retry without UIDs: exit %d, want 2 asking for --all: %s", code, errOut)
	}
	if _, errOut, code := r.runCLI("quarantine", "retry", "999", "1"); code != 1 || !strings.Contains(errOut, "no UID 999 in Quarantine") {
		t.Errorf("retry of an unknown UID: exit %d, want 1 naming it: %s", code, errOut)
	}
	if n := r.imap.Count("Quarantine"); n != 2 {
		t.Fatalf("a failed retry moved messages: Quarantine has %d", n)
	}

	// After raising the limit, retry moves the messages back to the inbox.
	out, errOut, code = r.runCLI("quarantine", "retry", "--all")
	if code != 0 {
		t.Fatalf("quarantine retry: exit %d: %s", code, errOut)
	}
	if strings.Count(out, "moved back") != 2 {
		t.Errorf("retry output:\n%s", out)
	}
	if n := r.imap.Count("INBOX"); n != 2 {
		t.Fatalf("INBOX has %d after retry, want 2", n)
	}
	r.cfg.IMAP.MaxMessageBytes = 1 << 20
	r.runOnce()
	if n := r.imap.Count("Processed"); n != 1 {
		t.Errorf("the retried large message was not processed: Processed %d", n)
	}
	if n := r.imap.Count("Quarantine"); n != 1 {
		t.Errorf("the broken message should be quarantined again: %d", n)
	}
	r.smtp.WaitFor(1, 5*time.Second)
}

func TestTicketsExportAndShow(t *testing.T) {
	r := newRig(t)
	raw := fixture(t, "en-incident-screenshot.eml")
	r.imap.Append("INBOX", raw)
	r.runOnce()

	dir := t.TempDir()
	out, errOut, code := r.runCLI("tickets", "export", "SUP-000001", dir)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errOut)
	}
	eml, err := os.ReadFile(filepath.Join(dir, "SUP-000001", "01-message.eml"))
	if err != nil || !bytes.Equal(eml, raw) {
		t.Fatalf("exported .eml differs from the original (err %v)", err)
	}
	atts, err := os.ReadDir(filepath.Join(dir, "SUP-000001", "01-attachments"))
	if err != nil || len(atts) == 0 {
		t.Fatalf("no attachments exported: %v (output %s)", err, out)
	}

	out, errOut, code = r.runCLI("tickets", "show", "SUP-000001")
	if code != 0 || !strings.Contains(out, "SUP-000001") || !strings.Contains(out, "alice@acme.example") {
		t.Errorf("show: exit %d: %s %s", code, out, errOut)
	}
	// Support staff see why: the sentence that decided the category and
	// what counted as evidence.
	if !strings.Contains(out, "Why:          category: incident: decided by:") || !strings.Contains(out, "Why:          evidence.attached: evidence:") {
		t.Errorf("show does not say why:\n%s", out)
	}
	out, _, code = r.runCLI("tickets", "list", "--format", "json")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"number":"SUP-000001"`) {
		t.Errorf("list json: %s", out)
	}
	_, _, code = r.runCLI("tickets", "show", "SUP-999999")
	if code == 0 {
		t.Error("show of a missing ticket succeeded")
	}
}

// TestSupportCommandsWhileDaemonRuns checks the one-writer design: while
// `ticketd run` holds the database, the commands go through its admin API
// instead of waiting for the file lock.
func TestSupportCommandsWhileDaemonRuns(t *testing.T) {
	r := newRig(t)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	stop := r.start()
	r.smtp.WaitFor(1, 10*time.Second)

	start := time.Now()
	out, errOut, code := r.runCLI("tickets", "list")
	took := time.Since(start)
	if code != 0 || !strings.Contains(out, "SUP-000001") {
		t.Fatalf("tickets list while the daemon runs: exit %d: %s %s", code, out, errOut)
	}
	if took > time.Second {
		t.Errorf("tickets list took %s while the daemon held the store; want under a second", took)
	}
	// A missing ticket through the API reads as it does from the file.
	if _, errOut, code := r.runCLI("tickets", "show", "7"); code != 1 || errOut != "ticketd tickets show: no ticket SUP-000007\n" {
		t.Errorf("missing ticket through the admin API: exit %d: %q", code, errOut)
	}
	if out, errOut, code := r.runCLI("tickets", "close", "SUP-000001"); code != 0 {
		t.Fatalf("tickets close: exit %d: %s %s", code, out, errOut)
	}
	out, _, code = r.runCLI("tickets", "list", "--status", "closed")
	if code != 0 || !strings.Contains(out, "SUP-000001") {
		t.Errorf("closed ticket not listed: %s", out)
	}
	dir := t.TempDir()
	if _, errOut, code := r.runCLI("tickets", "export", "SUP-000001", dir); code != 0 {
		t.Errorf("export through the daemon: %s", errOut)
	}
	stop()
	// With the daemon stopped, the same commands open the file.
	out, errOut, code = r.runCLI("tickets", "show", "SUP-000001")
	if code != 0 || !strings.Contains(out, "closed") {
		t.Errorf("show with the daemon stopped: exit %d: %s %s", code, out, errOut)
	}
}

func TestQuarantineRetryOneUID(t *testing.T) {
	r := newRig(t)
	for i := range 2 {
		r.imap.Append("INBOX", []byte(fmt.Sprintf("X-Note: not an email %d\r\n\r\nbody\r\n", i)))
	}
	r.runOnce()
	if n := r.imap.Count("Quarantine"); n != 2 {
		t.Fatalf("Quarantine has %d", n)
	}
	out, _, code := r.runCLI("quarantine", "list")
	if code != 0 {
		t.Fatal(out)
	}
	// Retry only the first listed UID.
	var uid string
	for _, line := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(line); len(f) > 0 {
			uid = f[0]
			break
		}
	}
	if out, errOut, code := r.runCLI("quarantine", "retry", uid); code != 0 || strings.Count(out, "moved back") != 1 {
		t.Fatalf("retry %s: exit %d: %s %s", uid, code, out, errOut)
	}
	if in, q := r.imap.Count("INBOX"), r.imap.Count("Quarantine"); in != 1 || q != 1 {
		t.Errorf("after retrying one UID: INBOX %d, Quarantine %d", in, q)
	}
	if _, _, code := r.runCLI("quarantine", "retry", "notanumber"); code != 2 {
		t.Errorf("a bad UID: exit %d, want 2", code)
	}
}
