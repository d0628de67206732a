package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// mustMakeDB writes a closed database of a few tickets with large raw
// messages (overflow pages, branch pages) and returns its path.
func mustMakeDB(t *testing.T) string {
	t.Helper()
	db := mustOpenTestDB(t)
	for i := range 30 {
		in := newIntake(fmt.Sprintf("d%d@x", i))
		in.Raw = bytes.Repeat([]byte{'r'}, 3000+i*500)
		db.mustRecord(in)
	}
	path := db.Path()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db.closed = true
	return path
}

// copyTo writes data to a new file in a temporary directory.
func copyTo(t *testing.T, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "damaged.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantDamaged opens path (both ways, with the full check) and wants
// ErrDamaged with the restore procedure, and the file unchanged.
func wantDamaged(t *testing.T, path string) {
	t.Helper()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, ro := range []bool{false, true} {
		db, err := Open(path, Options{Timeout: 200 * time.Millisecond, ReadOnly: ro, CheckMaxSize: DefaultCheckMaxSize})
		if err == nil {
			db.Close()
			t.Fatalf("Open(read-only %v) of a damaged file succeeded", ro)
		}
		if !errors.Is(err, ErrDamaged) {
			t.Fatalf("Open(read-only %v) = %v, want ErrDamaged", ro, err)
		}
		for _, want := range []string{path, "Backup and restore", "restore the latest backup"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not say %q", err, want)
			}
		}
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("Open modified the damaged file (%d bytes, now %d)", len(before), len(after))
	}
}

func TestOpenEmptyFile(t *testing.T) {
	path := copyTo(t, nil)
	wantDamaged(t, path)
	// Without the full check too: an empty file is never initialised.
	if _, err := Open(path, Options{Timeout: 200 * time.Millisecond}); !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "empty") {
		t.Errorf("Open of an empty file = %v, want ErrDamaged saying empty", err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Size() != 0 {
		t.Errorf("empty file now %v, %v", fi, err)
	}
}

func TestOpenTruncatedFile(t *testing.T) {
	good := mustMakeDB(t)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := treePages(t, good)
	used := int(m.pgid) * int(m.pageSize) // bbolt preallocates past this
	for _, size := range []int{used / 2, used - 1, 2*4096 + 100, 4096 + 100, 3000, 100} {
		t.Run(fmt.Sprint(size), func(t *testing.T) {
			path := copyTo(t, data[:size])
			wantDamaged(t, path)
			// The default Open (no full check, as CLI commands use) stops too.
			if _, err := Open(path, Options{Timeout: 200 * time.Millisecond}); !errors.Is(err, ErrDamaged) {
				t.Errorf("Open = %v, want ErrDamaged", err)
			}
		})
	}
	t.Run("preallocated tail cut", func(t *testing.T) {
		if len(data) <= used {
			t.Skip("no preallocated tail")
		}
		db := mustOpenTestDBAt(t, copyTo(t, data[:used]), newTestClock())
		if tickets, err := db.Tickets(TicketFilter{}); err != nil || len(tickets) != 30 {
			t.Errorf("Tickets = %d, %v; want the 30 tickets", len(tickets), err)
		}
	})
}

func TestOpenCorruptMeta(t *testing.T) {
	data, err := os.ReadFile(mustMakeDB(t))
	if err != nil {
		t.Fatal(err)
	}
	for page := range 2 {
		for _, field := range []struct {
			name string
			off  int // within the page
		}{{"magic", 16}, {"page size", 24}, {"high-water mark", 56}, {"checksum", 72}} {
			t.Run(fmt.Sprintf("meta%d %s", page, field.name), func(t *testing.T) {
				bad := bytes.Clone(data)
				bad[page*4096+field.off] ^= 0x40
				path := copyTo(t, bad)
				wantDamaged(t, path)
				if _, err := Open(path, Options{Timeout: 200 * time.Millisecond}); !errors.Is(err, ErrDamaged) {
					t.Errorf("Open = %v, want ErrDamaged", err)
				}
			})
		}
	}
}

// treePages returns the pages reachable from the newest meta of a good
// database file.
func treePages(t *testing.T, path string) (meta, []uint64) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	metas, err := readMetas(f, path, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	m := newest(metas)
	fc := &fileCheck{f: f, path: path, size: fi.Size(), pageSize: int64(m.pageSize), hwm: m.pgid, ctx: context.Background()}
	if err := fc.walkTree(m); err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for id := range fc.seen {
		ids = append(ids, id)
	}
	return m, ids
}

func TestOpenCorruptPages(t *testing.T) {
	good := mustMakeDB(t)
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	m, ids := treePages(t, good)
	ps := int(m.pageSize)
	ne := binary.NativeEndian
	corruptions := map[string]func(p []byte){
		"garbage": func(p []byte) {
			for i := range p {
				p[i] = byte(i*7 + 13)
			}
		},
		"zeroed": func(p []byte) { clear(p) },
		"far child": func(p []byte) { // a child or value far past the end of the file
			if ne.Uint16(p[8:]) == flagBranch {
				ne.PutUint64(p[pageHeaderSize+8:], 1<<40)
			} else {
				ne.PutUint32(p[pageHeaderSize+4:], 1<<30)
			}
		},
		"many elements": func(p []byte) { ne.PutUint16(p[10:], 0xFFF0) },
	}
	checked := 0
	for _, id := range ids {
		for name, corrupt := range corruptions {
			t.Run(fmt.Sprintf("page %d %s", id, name), func(t *testing.T) {
				bad := bytes.Clone(data)
				corrupt(bad[int(id)*ps : int(id+1)*ps])
				path := copyTo(t, bad)
				wantDamaged(t, path)
				// As `ticketd check-store` does on a file too large for the
				// check at open: a read-only Open, then CheckContext.
				db, err := Open(path, Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
				if err != nil {
					if !errors.Is(err, ErrDamaged) {
						t.Fatalf("read-only Open = %v", err)
					}
					return
				}
				defer db.Close()
				if err := db.CheckContext(context.Background()); !errors.Is(err, ErrDamaged) {
					t.Errorf("CheckContext = %v, want ErrDamaged", err)
				}
			})
			checked++
		}
	}
	if len(ids) < 5 {
		t.Errorf("only %d tree pages to corrupt", len(ids))
	}
	t.Logf("%d corruptions of %d pages", checked, len(ids))
}

func TestOpenMissingFileCreates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	db, err := Open(path, Options{Timeout: 200 * time.Millisecond, CheckMaxSize: DefaultCheckMaxSize})
	if err != nil {
		t.Fatalf("Open of a missing file: %v", err)
	}
	defer db.Close()
	if err := db.CheckContext(context.Background()); err != nil {
		t.Errorf("CheckContext of a new database: %v", err)
	}
}

func TestOpenGoodFileWithFullCheck(t *testing.T) {
	path := mustMakeDB(t)
	db, err := Open(path, Options{Timeout: 200 * time.Millisecond, CheckMaxSize: DefaultCheckMaxSize})
	if err != nil {
		t.Fatalf("Open with the full check: %v", err)
	}
	defer db.Close()
	if tickets, err := db.Tickets(TicketFilter{}); err != nil || len(tickets) != 30 {
		t.Errorf("Tickets = %d, %v", len(tickets), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := db.CheckContext(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("CheckContext with a cancelled context = %v", err)
	}
}

func TestCheckContextWhileWriting(t *testing.T) {
	db := mustOpenTestDB(t)
	done := make(chan error)
	go func() {
		for i := range 200 {
			in := newIntake(fmt.Sprintf("w%d@x", i))
			in.Raw = bytes.Repeat([]byte{'w'}, 5000)
			if _, err := db.Record(in); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for checks := 0; ; checks++ {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d checks during the writes", checks)
			return
		default:
		}
		if err := db.CheckContext(context.Background()); err != nil && !strings.Contains(err.Error(), "try again") {
			t.Fatalf("CheckContext during writes: %v", err)
		}
	}
}
