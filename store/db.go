package store

import (
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// DefaultTimeout is how long Open waits for the file lock when
// Options.Timeout is not set.
const DefaultTimeout = 3 * time.Second

// Options configure Open.
type Options struct {
	// Timeout is how long Open waits for the file lock; zero or negative
	// means DefaultTimeout (bbolt's own zero would wait forever).
	Timeout time.Duration
	// ReadOnly opens the file with a shared lock for CLI inspection; the
	// file must exist and every writing method fails with ErrReadOnly.
	ReadOnly bool
	// Now is the clock used for outbox times and the per-recipient cap of
	// automatic emails; nil means time.Now. Tests set it.
	Now func() time.Time
}

// DB is an open ticketd database. Its methods are safe for concurrent use.
type DB struct {
	bolt     *bolt.DB
	path     string
	readOnly bool
	now      func() time.Time
}

// Bucket names.
var (
	bucketTickets    = []byte("tickets")
	bucketRaw        = []byte("raw")
	bucketDedupe     = []byte("dedupe")
	bucketMsgIDs     = []byte("msgids")
	bucketLedger     = []byte("ledger")
	bucketTurnedAway = []byte("turnedaway")
	bucketQuarantine = []byte("quarantine")
	bucketOutbox     = []byte("outbox")
	bucketSent       = []byte("sent")
	bucketFailed     = []byte("failed")
	bucketAutoReply  = []byte("autoreply")
	// bucketPayloads holds each outbox item's payload, apart from the
	// item, so that listing and updating items never reads or rewrites the
	// emails themselves.
	bucketPayloads = []byte("outboxpayload")
)

var allBuckets = [][]byte{
	bucketTickets, bucketRaw, bucketDedupe, bucketMsgIDs, bucketLedger,
	bucketTurnedAway, bucketQuarantine, bucketOutbox, bucketSent,
	bucketFailed, bucketAutoReply, bucketPayloads,
}

// Open opens (creating if needed, unless read-only) the database at path
// and makes sure every bucket exists. If another process holds the file,
// initialMmapSize is the virtual size mapped at open (see Open).
const initialMmapSize = 1 << 30

// Open fails after opts.Timeout with an error wrapping ErrLocked.
func Open(path string, opts Options) (*DB, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      timeout,
		ReadOnly:     opts.ReadOnly,
		FreelistType: bolt.FreelistMapType,
		// Map a large window from the start (address space only): when
		// the file outgrows the map during a commit, bbolt copies every
		// value in the transaction to the heap, which doubles the memory a
		// large message costs.
		InitialMmapSize: initialMmapSize,
	})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("database %s is in use by another process (is ticketd running?): %w", path, ErrLocked)
		}
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db := &DB{bolt: bdb, path: path, readOnly: opts.ReadOnly, now: opts.Now}
	if db.now == nil {
		db.now = time.Now
	}
	if opts.ReadOnly {
		return db, nil
	}
	err = bdb.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return db, nil
}

// Close releases the database file. Calling it twice is harmless.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close database %s: %w", db.path, err)
	}
	return nil
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// update runs fn in a write transaction, refusing on a read-only DB.
func (db *DB) update(fn func(tx *bolt.Tx) error) error {
	if db.readOnly {
		return ErrReadOnly
	}
	return db.bolt.Update(fn)
}

// view runs fn in a read transaction.
func (db *DB) view(fn func(tx *bolt.Tx) error) error {
	return db.bolt.View(fn)
}
