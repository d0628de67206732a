package store

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"

	bolt "go.etcd.io/bbolt"
)

// compactTxMaxSize bounds the size of each write transaction of a
// compaction, so that a large database is not copied in one transaction's
// memory.
const compactTxMaxSize = 64 << 20

// Compact writes a compacted copy of the database file src to the new file
// dst (which must not exist), then checks the copy. The caller then stops
// ticketd, renames dst over src and starts it again (`ticketd compact`
// does that); src is never modified.
//
// bbolt never shrinks its file: pages freed by Prune, EraseSender or a
// deleted outbox payload are reused for new data, but the file keeps its
// size. Compact rewrites only the live data, with full pages, so the copy
// is as small as the data. Run it after the first Prune on an old
// database, after a large erasure, or when the file is much larger than
// `ticketd backup` (a copy of the same pages) suggests; there is no need to
// run it routinely, since freed pages are reused.
//
// src is opened read-only, so Compact fails with an error wrapping
// ErrLocked while ticketd runs (use DB.CompactTo through the daemon), and
// with ErrDamaged when src fails the full check: a damaged database is
// restored from a backup, not compacted. Bucket sequences (ticket numbers,
// outbox IDs) are kept.
func Compact(src, dst string) error {
	db, err := Open(src, Options{ReadOnly: true, CheckMaxSize: math.MaxInt64})
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	defer db.Close()
	return db.CompactTo(dst)
}

// CompactTo writes a compacted copy of the database, as it is at the start
// of the call (one read transaction: writers are not blocked, and what
// they write meanwhile is not in the copy), to the new file dst, which must
// not exist, then checks the copy. A daemon that wants to switch to the
// copy must stop writing first (or compact again after stopping), close
// the DB, rename dst over Path() and open it again. See Compact for when.
// On error dst is removed.
func (db *DB) CompactTo(dst string) (err error) {
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("compact %s to %s: %w", db.path, dst, fs.ErrExist)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("compact %s to %s: %w", db.path, dst, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(dst)
		}
	}()
	out, err := bolt.Open(dst, 0o600, &bolt.Options{Timeout: DefaultTimeout, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return fmt.Errorf("compact %s: create %s: %w", db.path, dst, err)
	}
	if err := bolt.Compact(out, db.bolt, compactTxMaxSize); err != nil {
		_ = out.Close()
		return fmt.Errorf("compact %s to %s: %w", db.path, dst, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("compact %s to %s: %w", db.path, dst, err)
	}
	check, err := Open(dst, Options{ReadOnly: true, CheckMaxSize: math.MaxInt64})
	if err != nil {
		return fmt.Errorf("compact %s: the copy fails its check: %w", db.path, err)
	}
	return check.Close()
}
