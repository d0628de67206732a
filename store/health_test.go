package store

import (
	"errors"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func TestHealthyReportsFailingWrites(t *testing.T) {
	clock := newTestClock()
	var full atomic.Bool
	path := filepath.Join(t.TempDir(), "ticketd.db")
	db, err := Open(path, Options{Timeout: 200 * time.Millisecond, Now: clock.Now, FailWrites: func() error {
		if full.Load() {
			return syscall.ENOSPC
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	if err := db.Healthy(); err != nil {
		t.Fatalf("Healthy on a new database = %v", err)
	}
	if _, err := db.Record(newIntake("ok@x")); err != nil {
		t.Fatal(err)
	}

	full.Store(true)
	start := clock.Now()
	if _, err := db.Record(newIntake("full@x")); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Record on a full disk = %v, want ENOSPC", err)
	}
	clock.Add(time.Minute)
	if err := db.MarkSent(1, clock.Now()); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("MarkSent on a full disk = %v, want ENOSPC", err)
	}
	if seen, err := db.Seen("mid:full@x"); err != nil || seen {
		t.Errorf("the failed Record wrote something: Seen = %v, %v", seen, err)
	}
	herr := db.Healthy()
	var wf *WriteFailure
	if !errors.As(herr, &wf) || !errors.Is(herr, ErrWritesFailing) || !errors.Is(herr, syscall.ENOSPC) {
		t.Fatalf("Healthy = %v, want a *WriteFailure wrapping ErrWritesFailing and ENOSPC", herr)
	}
	if !wf.Since.Equal(start) || wf.Failures != 2 {
		t.Errorf("Healthy since %v after %d failures, want %v and 2", wf.Since, wf.Failures, start)
	}
	if err := db.Probe(); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Probe on a full disk = %v", err)
	}

	// Errors of the operation itself are not write failures.
	full.Store(false)
	if _, err := db.Ticket("SUP-000099"); !errors.Is(err, ErrNotFound) {
		t.Fatal(err)
	}
	if _, err := db.CloseTicket("SUP-000099", clock.Now()); !errors.Is(err, ErrNotFound) {
		t.Fatalf("CloseTicket of a missing ticket = %v", err)
	}
	if db.Healthy() == nil {
		t.Error("a failed look-up cleared the write failure")
	}
	if err := db.Probe(); err != nil {
		t.Fatalf("Probe after the disk has room: %v", err)
	}
	if err := db.Healthy(); err != nil {
		t.Errorf("Healthy after a successful write = %v", err)
	}
	if _, err := db.CloseTicket("SUP-000099", clock.Now()); !errors.Is(err, ErrNotFound) || db.Healthy() != nil {
		t.Errorf("a logical error made the store unhealthy: %v", db.Healthy())
	}
}
