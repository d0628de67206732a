package main

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/daemon"
	"github.com/ticketd/ticketd/internal/mailtest"
)

// damage makes the rig's store file empty, truncated or corrupted.
func damage(t *testing.T, path, how string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pageSize := int(binary.LittleEndian.Uint32(data[24:28]))
	switch how {
	case "empty":
		data = nil
	case "truncated":
		// Half of the pages the newer meta page says are in use (bbolt
		// preallocates past them, so half the file could be intact).
		used := max(binary.LittleEndian.Uint64(data[56:64]), binary.LittleEndian.Uint64(data[pageSize+56:pageSize+64]))
		data = data[:max(int(used)*pageSize/2, 2*pageSize+100)]
	case "corrupted":
		// Every page after the two meta pages gets an invalid page type:
		// the meta pages are intact, so only the full check can see it.
		for off := 2 * pageSize; off+16 <= len(data); off += pageSize {
			data[off+8], data[off+9] = 0x00, 0x00
		}
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedStoreStopsRun: an empty, a truncated and a corrupted store
// each stop `ticketd run` (exit 1) with a message naming the file and the
// restore procedure, leave the file as it was, and check-store reports
// them; a healthy store checks OK.
func TestDamagedStoreStopsRun(t *testing.T) {
	for _, how := range []string{"empty", "truncated", "corrupted"} {
		t.Run(how, func(t *testing.T) {
			r := newRig(t)
			r.imap.Append("INBOX", fixture(t, "en-incident-screenshot.eml"))
			r.runOnce()
			out, errOut, code := r.runCLI("check-store")
			if code != 0 || !strings.Contains(out, "OK") {
				t.Fatalf("check-store of a good store: exit %d: %s %s", code, out, errOut)
			}
			path := r.cfg.Store.Path
			sent := len(r.smtp.Messages())
			damage(t, path, how)
			before, _ := os.ReadFile(path)

			for _, args := range [][]string{{"run"}, {"run", "--once"}, {"check-store"}, {"tickets", "list"}} {
				_, errOut, code := r.runCLITimeout(10*time.Second, args...)
				if code != 1 {
					t.Errorf("%v on a %s store: exit %d, want 1: %s", args, how, code, errOut)
				}
				if how == "corrupted" && args[0] == "tickets" {
					continue // commands other than run and check-store skip the full check
				}
				for _, want := range []string{path, "damaged", "Backup and restore"} {
					if !strings.Contains(errOut, want) {
						t.Errorf("%v on a %s store: message lacks %q:\n%s", args, how, want, errOut)
					}
				}
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Errorf("the %s store was modified (%d bytes, now %d)", how, len(before), len(after))
			}
			if n := len(r.smtp.Messages()); n != sent {
				t.Errorf("%d emails sent after the store was damaged", n-sent)
			}
		})
	}
}

func TestCheckStoreRefusesWhileDaemonRuns(t *testing.T) {
	r := newRig(t)
	stop := r.start()
	_, errOut, code := r.runCLI("check-store")
	if code != 1 || !strings.Contains(errOut, "stop the daemon first") {
		t.Errorf("check-store while running: exit %d: %s", code, errOut)
	}
	stop()
	if out, errOut, code := r.runCLI("check-store"); code != 0 || !strings.Contains(out, "OK") {
		t.Errorf("check-store after stop: exit %d: %s %s", code, out, errOut)
	}
}

// TestRunCreatesStoreDirectory: a missing directory of store.path is
// created with mode 0700; one that cannot be created is named.
func TestRunCreatesStoreDirectory(t *testing.T) {
	r := newRig(t)
	r.cfg.Store.Path = filepath.Join(t.TempDir(), "missing", "deeper", "ticketd.db")
	r.runOnce()
	fi, err := os.Stat(filepath.Dir(r.cfg.Store.Path))
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("store directory: %v, %v; want mode 0700", fi, err)
	}
	blocker := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	r.cfg.Store.Path = filepath.Join(blocker, "sub", "ticketd.db")
	if _, err := daemon.New(r.cfg, mailtest.Logger(t, r.logs)); err == nil || !strings.Contains(err.Error(), filepath.Join(blocker, "sub")) {
		t.Errorf("daemon with an impossible store directory: %v", err)
	}
}
