package store

import (
	"context"
	"errors"
	"fmt"
	"os"
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

	// CheckMaxSize makes Open run the full consistency check (see
	// DB.CheckContext) when the file is at most this many bytes: a
	// damaged file then fails Open with ErrDamaged instead of failing, or
	// crashing, later. Zero or negative never checks at Open. `ticketd
	// run` sets DefaultCheckMaxSize; CLI commands leave it zero.
	CheckMaxSize int64

	// FailWrites is for tests only: when set, every write transaction
	// first calls it, and a non-nil error fails the write exactly as a
	// failed commit would (nothing is written, DB.Healthy reports it until
	// a write succeeds). Daemon tests return syscall.ENOSPC from it to
	// simulate a full disk. Never set it in production.
	FailWrites func() error
}

// DefaultCheckMaxSize is the file size up to which `ticketd run` should ask
// Open for the full consistency check (Options.CheckMaxSize): about a
// second of work on the disks ticketd runs on.
const DefaultCheckMaxSize = 64 << 20

// DB is an open ticketd database. Its methods are safe for concurrent use.
type DB struct {
	bolt     *bolt.DB
	path     string
	readOnly bool
	now      func() time.Time

	failWrites func() error
	health     health
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
	// bucketPruned remembers the raw messages that retention or erasure
	// deleted, so that Raw can say so (ErrPruned).
	bucketPruned = []byte("pruned")
	// bucketErasures holds one record per erasure (no personal data).
	bucketErasures = []byte("erasures")
	// bucketRateLimits holds the hourly logs of held.go: new tickets per
	// contact, held notices, emails per kind.
	bucketRateLimits = []byte("ratelimits")
	// bucketUsers holds the local users (users.go), by login name.
	bucketUsers = []byte("users")
	// bucketSessions holds the console's sessions (sessions.go), by the
	// SHA-256 of their token.
	bucketSessions = []byte("sessions")
)

var allBuckets = [][]byte{
	bucketTickets, bucketRaw, bucketDedupe, bucketMsgIDs, bucketLedger,
	bucketTurnedAway, bucketQuarantine, bucketOutbox, bucketSent,
	bucketFailed, bucketAutoReply, bucketPayloads, bucketPruned,
	bucketErasures, bucketRateLimits, bucketUsers, bucketSessions,
}

// initialMmapSize is the virtual size mapped at open (see Open).
const initialMmapSize = 1 << 30

// Open opens the database at path and makes sure every bucket exists. A new
// database is created only where no file exists (never with ReadOnly).
//
// Before bbolt maps the file, Open reads it: an existing file that is
// empty, shorter than its meta pages say, or whose meta pages fail their
// magic, version or checksum makes Open fail with an error wrapping
// ErrDamaged that names the file and the restore procedure, and the file is
// left as it is (bbolt would re-initialise an empty file, restarting the
// ticket numbers, and fault on a truncated one). With opts.CheckMaxSize,
// a file up to that size also gets the full check. If another process
// holds the file, Open fails after opts.Timeout with an error wrapping
// ErrLocked.
func Open(path string, opts Options) (*DB, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	full := false
	if opts.CheckMaxSize > 0 {
		if fi, err := os.Stat(path); err == nil && fi.Size() <= opts.CheckMaxSize {
			full = true
		}
	}
	if err := inspectFile(context.Background(), path, timeout, full); err != nil {
		return nil, err
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
			return nil, lockedError(path)
		}
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	db := &DB{bolt: bdb, path: path, readOnly: opts.ReadOnly, now: opts.Now, failWrites: opts.FailWrites}
	if db.now == nil {
		db.now = time.Now
	}
	if full {
		if err := db.bboltCheck(); err != nil {
			_ = bdb.Close()
			return nil, err
		}
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
	if err == nil {
		_, err = db.ensureIndexes()
	}
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

// lockedError is Open's error when another process holds the file.
func lockedError(path string) error {
	return fmt.Errorf("database %s is in use by another process (is ticketd running?): %w", path, ErrLocked)
}

// update runs fn in a write transaction, refusing on a read-only DB. A
// failure to write (Options.FailWrites, or bbolt failing to begin or commit
// while fn succeeded) is recorded for Healthy; fn's own errors are not.
func (db *DB) update(fn func(tx *bolt.Tx) error) error {
	if db.readOnly {
		return ErrReadOnly
	}
	if db.failWrites != nil {
		if err := db.failWrites(); err != nil {
			db.health.failed(err, db.now())
			return err
		}
	}
	var fnErr error
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		fnErr = fn(tx)
		return fnErr
	})
	switch {
	case err == nil:
		db.health.succeeded()
	case fnErr == nil && !errors.Is(err, bolterrors.ErrDatabaseNotOpen):
		db.health.failed(err, db.now())
	}
	return err
}

// view runs fn in a read transaction.
func (db *DB) view(fn func(tx *bolt.Tx) error) error {
	return db.bolt.View(fn)
}
