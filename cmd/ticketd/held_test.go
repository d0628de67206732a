package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Mail over a contact's hourly rate of new tickets is held; support lists
// it and releases it through the running daemon, and on the file when the
// daemon is down.
func TestHeldListAndRelease(t *testing.T) {
	r := newRig(t)
	r.cfg.Rules.MaxNewTicketsPerContactPerHour = 2
	for i := range 4 {
		r.imap.Append("INBOX", withMessageID(fixture(t, "en-incident-screenshot.eml"), fmt.Sprintf("<held-%d@acme.example>", i)))
	}
	stop := r.start()
	r.smtp.WaitFor(3, 10*time.Second) // two receipts, one held notice

	out, errOut, code := r.runCLI("held", "list")
	ids := regexp.MustCompile(`(?m)^(\d+)\s`).FindAllStringSubmatch(out, -1)
	if code != 0 || len(ids) != 2 || !strings.Contains(out, "alice@acme.example") {
		t.Fatalf("held list while the daemon runs: exit %d: %s %s", code, out, errOut)
	}
	out, errOut, code = r.runCLI("turned-away", "list")
	if code != 0 || strings.Count(out, " held ") != 2 || !strings.Contains(out, "none: held: a notice already went") {
		t.Errorf("turned-away list shows the held mail and why one got no notice: exit %d: %s %s", code, out, errOut)
	}
	out, errOut, code = r.runCLI("held", "release", ids[0][1])
	if code != 0 || !strings.Contains(out, "registered as SUP-000003") {
		t.Fatalf("held release through the daemon: exit %d: %s %s", code, out, errOut)
	}
	msgs := r.smtp.WaitFor(4, 10*time.Second)
	if !strings.Contains(string(msgs[3].Data), "SUP-000003") {
		t.Errorf("the released message's receipt:\n%s", msgs[3].Data)
	}
	if _, _, code := r.runCLI("held", "release", ids[0][1]); code == 0 {
		t.Error("releasing the same message twice succeeded")
	}
	stop()

	out, errOut, code = r.runCLI("held", "release", "--all")
	if code != 0 || !strings.Contains(out, "registered as SUP-000004") {
		t.Fatalf("held release --all on the file: exit %d: %s %s", code, out, errOut)
	}
	out, _, _ = r.runCLI("held", "list")
	if strings.Contains(out, "alice") {
		t.Errorf("held list after releasing everything:\n%s", out)
	}
	if _, _, code := r.runCLI("held", "release"); code != 2 {
		t.Errorf("release without ID or --all: exit %d, want 2", code)
	}
}
