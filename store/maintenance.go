package store

import (
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"
)

// Check runs bbolt's consistency check in a read transaction and returns
// the first problem found (with how many there were), or nil.
func (db *DB) Check() error {
	var first error
	n := 0
	err := db.view(func(tx *bolt.Tx) error {
		for err := range tx.Check() { // drain: the checker's goroutine sends every error
			if first == nil {
				first = err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check %s: %w", db.path, err)
	}
	if first != nil {
		return fmt.Errorf("check %s: %d problem(s), first: %w", db.path, n, first)
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
