package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTurnedAwayListAndEraseThroughDaemon: the stranger's rejected mail
// is listed (offline and through the daemon, filtered by reason, as
// JSON); `erase` through the daemon removes their data and their message
// from the processed folder, and the record then says so.
func TestTurnedAwayListAndEraseThroughDaemon(t *testing.T) {
	r := newRig(t)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	r.imap.Append("INBOX", fixture(t, "rejected-en-stranger.eml"))
	r.runOnce()

	out, errOut, code := r.runCLI("turned-away", "list")
	if code != 0 || !strings.Contains(out, "mallory@gmail.example") || !strings.Contains(out, "rejected") || !strings.Contains(out, "kept") {
		t.Fatalf("turned-away list: exit %d: %s %s", code, out, errOut)
	}
	if out, _, _ := r.runCLI("turned-away", "list", "--reason", "ignored"); strings.Contains(out, "mallory") {
		t.Errorf("--reason ignored lists the rejected mail:\n%s", out)
	}
	if out, _, code := r.runCLI("turned-away", "list", "--since", "2999-01-01"); code != 0 || strings.Contains(out, "mallory") {
		t.Errorf("--since in the future: exit %d:\n%s", code, out)
	}
	if _, _, code := r.runCLI("turned-away", "list", "--since", "yesterday"); code != 2 {
		t.Errorf("a bad --since: exit %d, want 2", code)
	}

	stop := r.start()
	out, errOut, code = r.runCLI("turned-away", "list", "--format", "json", "--reason", "rejected")
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.Contains(out, `"from":"mallory@gmail.example"`) {
		t.Fatalf("turned-away list through the daemon: exit %d: %s %s", code, out, errOut)
	}
	processed := r.imap.Count("Processed")
	out, errOut, code = r.runCLI("erase", "--sender", "Mallory@gmail.example", "--requested-by", "dpo")
	if code != 0 {
		t.Fatalf("erase through the daemon: exit %d: %s %s", code, out, errOut)
	}
	for _, want := range []string{"through the running daemon", "turned-away records: 1", "raw messages deleted: 1", "removed from IMAP folder Processed: 1", "backups taken earlier"} {
		if !strings.Contains(out, want) {
			t.Errorf("erase output lacks %q:\n%s", want, out)
		}
	}
	if n := r.imap.Count("Processed"); n != processed-1 {
		t.Errorf("Processed has %d after the erasure, want %d", n, processed-1)
	}
	stop()
	out, _, _ = r.runCLI("turned-away", "list")
	if strings.Contains(out, "mallory") || !strings.Contains(out, "erased") {
		t.Errorf("after the erasure the record still names the sender, or does not say erased:\n%s", out)
	}
	if _, _, code := r.runCLI("erase"); code != 2 {
		t.Errorf("erase without --sender: exit %d, want 2", code)
	}
}

// TestEraseOfflineThenExport: with the daemon stopped, erase works on the
// file and the folders; the ticket stays, and exporting it says its
// original was deleted rather than failing.
func TestEraseOfflineThenExport(t *testing.T) {
	r := newRig(t)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	r.runOnce()
	out, errOut, code := r.runCLI("erase", "--sender", "alice@acme.example")
	if code != 0 || !strings.Contains(out, "tickets: 1") || !strings.Contains(out, "removed from IMAP folder Processed: 1") {
		t.Fatalf("offline erase: exit %d: %s %s", code, out, errOut)
	}
	if n := r.imap.Count("Processed"); n != 0 {
		t.Errorf("Processed has %d after the erasure, want 0", n)
	}
	tk := r.ticket("SUP-000001")
	if tk.Sender != "" || tk.ErasedAt.IsZero() {
		t.Errorf("ticket after erasure: sender %q, erased at %v", tk.Sender, tk.ErasedAt)
	}
	dir := t.TempDir()
	out, errOut, code = r.runCLI("tickets", "export", "SUP-000001", dir)
	if code != 0 || !strings.Contains(out, "deleted by retention or erasure") {
		t.Errorf("export of an erased ticket: exit %d: %s %s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "SUP-000001", "01-message.eml")); err == nil {
		t.Error("the erased message was exported")
	}
}

// TestCompactOffline: compact replaces the file with a checked, smaller
// or equal copy, keeps the original beside it, and refuses while the
// daemon runs.
func TestCompactOffline(t *testing.T) {
	r := newRig(t)
	for _, f := range []string{"en-incident-screenshot.eml", "rejected-en-stranger.eml", "en-incident-no-screenshot.eml"} {
		r.imap.Append("INBOX", fixture(t, f))
	}
	r.runOnce()
	if _, _, code := r.runCLI("erase", "--sender", "alice@acme.example"); code != 0 {
		t.Fatal("erase failed")
	}
	path := r.cfg.Store.Path
	before, _ := os.Stat(path)

	stop := r.start()
	if _, errOut, code := r.runCLI("compact"); code != 1 || !strings.Contains(errOut, "stop the daemon first") {
		t.Errorf("compact while running: exit %d: %s", code, errOut)
	}
	stop()

	out, errOut, code := r.runCLI("compact")
	if code != 0 || !strings.Contains(out, ".before-compact-") {
		t.Fatalf("compact: exit %d: %s %s", code, out, errOut)
	}
	after, _ := os.Stat(path)
	if after.Size() > before.Size() {
		t.Errorf("compacted file %d bytes, was %d", after.Size(), before.Size())
	}
	backups, _ := filepath.Glob(path + ".before-compact-*")
	if len(backups) != 1 {
		t.Fatalf("backup copies: %v", backups)
	}
	if b, _ := os.Stat(backups[0]); b == nil || b.Size() != before.Size() {
		t.Errorf("the kept original is not the original")
	}
	if out, _, code := r.runCLI("check-store"); code != 0 || !strings.Contains(out, "OK") {
		t.Errorf("check-store after compact: %s", out)
	}
	if out, _, code := r.runCLI("tickets", "list"); code != 0 || !strings.Contains(out, "SUP-000002") {
		t.Errorf("tickets after compact: %s", out)
	}
	// The numbering goes on after a compaction.
	r.imap.Append("INBOX", withMessageID(fixture(t, "en-incident-screenshot.eml"), "<after-compact@example.com>"))
	r.runOnce()
	if out, _, _ := r.runCLI("tickets", "list"); !strings.Contains(out, "SUP-000003") {
		t.Errorf("numbering after compact:\n%s", out)
	}
}
