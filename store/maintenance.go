package store

import (
	"context"
	"fmt"
	"io"
	"os"

	bolt "go.etcd.io/bbolt"
)

// Check is CheckContext without a context.
func (db *DB) Check() error { return db.CheckContext(context.Background()) }

// CheckContext checks the whole database and returns nil or an error
// wrapping ErrDamaged with the first problem found (and, from bbolt's
// check, how many there were). It first walks every page of the B+tree
// with plain file reads in a read transaction (writers are not blocked), so
// that a page number pointing past the end of the file is reported rather
// than faulting, then runs bbolt's
// own consistency check (Tx.Check), which on a writable DB holds the write
// lock: writes wait for it. The cost is proportional to the file: about a
// second for DefaultCheckMaxSize. ctx is honoured between pages of
// the walk and before bbolt's check, which once started runs to its end.
// `ticketd check-store` runs it on demand.
func (db *DB) CheckContext(ctx context.Context) error {
	var err error
	for range 3 { // a writer may overwrite the meta page of our transaction
		var retry bool
		err = db.view(func(tx *bolt.Tx) error {
			var werr error
			retry, werr = db.walkTx(ctx, tx)
			return werr
		})
		if !retry {
			break
		}
	}
	if err != nil {
		return fmt.Errorf("check %s: %w", db.path, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("check %s: %w", db.path, err)
	}
	return db.bboltCheck()
}

// walkTx walks the tree of tx's own meta page from the file. It reports
// retry when neither meta page belongs to tx any more. The other meta page
// may be in the middle of a commit's write, so only tx's own is required
// to be valid (Open checked both).
func (db *DB) walkTx(ctx context.Context, tx *bolt.Tx) (retry bool, err error) {
	f, err := os.Open(db.path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	pageSize := int64(db.bolt.Info().PageSize)
	buf := make([]byte, pageHeaderSize+metaChecksumOff+8)
	for i := range int64(2) {
		if _, err := f.ReadAt(buf, i*pageSize); err != nil {
			return false, damaged(db.path, "meta page %d cannot be read: %v", i, err)
		}
		m, err := parseMeta(buf, uint64(i))
		if err != nil || m.txid != uint64(tx.ID()) {
			continue
		}
		if need := int64(m.pgid) * pageSize; fi.Size() < need {
			return false, damaged(db.path, "the file is %d bytes but its meta page says %d", fi.Size(), need)
		}
		fc := &fileCheck{f: f, path: db.path, size: fi.Size(), pageSize: pageSize, hwm: m.pgid, ctx: ctx}
		if err := fc.checkFreelist(m); err != nil {
			return false, err
		}
		return false, fc.walkTree(m)
	}
	return true, fmt.Errorf("the database changed during the check, try again")
}

// bboltCheck runs bbolt's consistency check. bbolt's check reads the
// shared freelist, which is only safe beside other writers when it runs in
// a write transaction: on a writable DB it takes one (and rolls it back),
// so writes wait for the check; on a read-only DB a read transaction does.
func (db *DB) bboltCheck() error {
	var first error
	n := 0
	check := func(tx *bolt.Tx) error {
		for err := range tx.Check() { // drain: the checker's goroutine sends every error
			if first == nil {
				first = err
			}
			n++
		}
		return nil
	}
	var err error
	if db.readOnly {
		err = db.view(check)
	} else {
		var tx *bolt.Tx
		if tx, err = db.bolt.Begin(true); err == nil {
			err = check(tx)
			_ = tx.Rollback()
		}
	}
	if err != nil {
		return fmt.Errorf("check %s: %w", db.path, err)
	}
	if first != nil {
		return damaged(db.path, "bbolt's consistency check found %d problem(s), first: %v", n, first)
	}
	return nil
}

// WriteBackup writes a consistent copy of the whole database to w from a
// read transaction (writers are not blocked) and returns the bytes written.
// The copy is itself a database that Open accepts.
func (db *DB) WriteBackup(w io.Writer) (int64, error) {
	var n int64
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("back up %s: %w", db.path, err)
	}
	return n, nil
}
