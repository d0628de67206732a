package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenLockedFailsWithinTimeout(t *testing.T) {
	db := mustOpenTestDB(t)
	const timeout = 200 * time.Millisecond
	tests := []struct {
		name string
		opts Options
	}{
		{"writer", Options{Timeout: timeout}},
		{"read-only", Options{Timeout: timeout, ReadOnly: true}}, // a writer blocks readers too
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			second, err := Open(db.Path(), tt.opts)
			elapsed := time.Since(start)
			if err == nil {
				second.Close()
				t.Fatal("second Open of a locked file succeeded")
			}
			if !errors.Is(err, ErrLocked) {
				t.Errorf("error %v does not wrap ErrLocked", err)
			}
			want := fmt.Sprintf("database %s is in use by another process (is ticketd running?)", db.Path())
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
			if elapsed < timeout/2 || elapsed > timeout+2*time.Second {
				t.Errorf("Open gave up after %v, want about %v", elapsed, timeout)
			}
		})
	}
}

func TestReadOnly(t *testing.T) {
	db := mustOpenTestDB(t)
	res := db.mustRecord(newIntake("ro@x"))
	path := db.Path()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db.closed = true

	ro1, err := Open(path, Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer ro1.Close()
	ro2, err := Open(path, Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatalf("second read-only Open: %v (shared locks should coexist)", err)
	}
	defer ro2.Close()

	got, err := ro2.Ticket(res.Ticket.Number)
	if err != nil || got.Subject != res.Ticket.Subject {
		t.Errorf("read-only Ticket = %+v, %v", got, err)
	}
	if err := ro1.Check(); err != nil {
		t.Errorf("read-only Check: %v", err)
	}
	if _, err := ro1.Record(newIntake("more@x")); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Record on read-only DB = %v, want ErrReadOnly", err)
	}
	if err := ro1.MarkSent(1, time.Now()); !errors.Is(err, ErrReadOnly) {
		t.Errorf("MarkSent on read-only DB = %v, want ErrReadOnly", err)
	}
	if _, err := Open(path, Options{Timeout: 200 * time.Millisecond}); !errors.Is(err, ErrLocked) {
		t.Errorf("writer Open while read-only openers hold the file = %v, want ErrLocked", err)
	}
}

func TestOpenReadOnlyMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.db")
	if _, err := Open(path, Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("read-only Open of a missing file = %v, want an error naming it", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-only Open created %s", path)
	}
}

func TestCheckAndWriteBackup(t *testing.T) {
	db := mustOpenTestDB(t)
	for i := range 20 {
		in := newIntake(fmt.Sprintf("b%d@x", i))
		in.Raw = []byte(strings.Repeat("x", 64<<10)) // overflow pages
		db.mustRecord(in)
	}
	if err := db.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}

	path := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := db.WriteBackup(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("WriteBackup: %v", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != n || n == 0 {
		t.Fatalf("backup size %v, WriteBackup said %d (%v)", fi, n, err)
	}

	backup := mustOpenTestDBAt(t, path, newTestClock())
	if err := backup.Check(); err != nil {
		t.Errorf("backup Check: %v", err)
	}
	tickets, err := backup.Tickets(TicketFilter{})
	if err != nil || len(tickets) != 20 || tickets[19].Number != "SUP-000020" {
		t.Errorf("backup holds %d tickets (%v), want 20 ending SUP-000020", len(tickets), err)
	}
	if raw, err := backup.Raw("mid:b7@x"); err != nil || len(raw) != 64<<10 {
		t.Errorf("backup raw message: %d bytes, %v", len(raw), err)
	}
	// The backup continues the numbering rather than reusing numbers.
	if res := backup.mustRecord(newIntake("after@x")); res.Ticket.Number != "SUP-000021" {
		t.Errorf("first ticket after restore = %s, want SUP-000021", res.Ticket.Number)
	}
}

func TestCloseTwice(t *testing.T) {
	db := mustOpenTestDB(t)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db.closed = true
	if err := db.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
}

func BenchmarkRecord(b *testing.B) {
	db := mustOpenTestDB(b)
	raw := []byte(strings.Repeat("x", 4<<10))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		in := newIntake(fmt.Sprintf("bench%d@x", i))
		in.Raw = raw
		if _, err := db.Record(in); err != nil {
			b.Fatal(err)
		}
	}
}
