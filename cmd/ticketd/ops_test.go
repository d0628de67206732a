package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/store"
)

func TestCheckConfig(t *testing.T) {
	r := newRig(t)
	out, errOut, code := r.runCLI("check-config", "--connect")
	if code != 0 {
		t.Fatalf("check-config --connect: exit %d: %s %s", code, out, errOut)
	}
	for _, want := range []string{"valid (4 organizations", "IDLE yes", "MOVE yes", "UIDPLUS yes", "smtp " + r.smtp.Addr} {
		if !strings.Contains(out, want) {
			t.Errorf("check-config output lacks %q:\n%s", want, out)
		}
	}
	if n := r.imap.Count("Processed"); n != -1 {
		t.Errorf("check-config created the processed folder")
	}
	r.smtp.Stop()
	if _, errOut, code := r.runCLI("check-config", "--connect"); code == 0 || !strings.Contains(errOut, "smtp") {
		t.Errorf("check-config with SMTP down: exit %d: %s", code, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("tickets:\n  prefx: X\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr strings.Builder
	if code := run(context.Background(), []string{"check-config", "--config", bad}, &stdout, &stderr); code == 0 || !strings.Contains(stderr.String(), "tickets.prefx") {
		t.Errorf("a bad file: exit %d: %s", code, stderr.String())
	}
}

func TestBackupWhileRunningAndStopped(t *testing.T) {
	r := newRig(t)
	r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
	stop := r.start()
	r.smtp.WaitFor(1, 10*time.Second)
	dir := t.TempDir()
	running := filepath.Join(dir, "running.db")
	out, errOut, code := r.runCLI("backup", running)
	if code != 0 || !strings.Contains(out, "running daemon") {
		t.Fatalf("backup while running: exit %d: %s %s", code, out, errOut)
	}
	stop()
	stopped := filepath.Join(dir, "stopped.db")
	if out, errOut, code := r.runCLI("backup", stopped); code != 0 || !strings.Contains(out, "from ") {
		t.Fatalf("backup while stopped: exit %d: %s %s", code, out, errOut)
	}
	for _, path := range []string{running, stopped} {
		db, err := store.Open(path, store.Options{Timeout: time.Second})
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := db.Check(); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		tk, err := db.Ticket("SUP-000001")
		if err != nil || tk.Sender != "alice@acme.example" {
			t.Errorf("%s: ticket %+v, %v", path, tk, err)
		}
		db.Close()
	}
}
