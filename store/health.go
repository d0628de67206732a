package store

import (
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// health remembers whether store writes fail.
type health struct {
	mu       sync.Mutex
	err      error     // the last write error; nil once a write succeeds
	since    time.Time // when writes started failing
	failures int       // failed writes since then
}

func (h *health) failed(err error, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.err == nil {
		h.since, h.failures = now, 0
	}
	h.err = err
	h.failures++
}

func (h *health) succeeded() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.err, h.failures = nil, 0
}

// WriteFailure is the error DB.Healthy returns while store writes fail.
// errors.Is matches both ErrWritesFailing and the last write's own error
// (e.g. syscall.ENOSPC).
type WriteFailure struct {
	Err      error     // the last write's error
	Since    time.Time // when writes started failing (the DB clock)
	Failures int       // writes that failed since then
}

func (e *WriteFailure) Error() string {
	return fmt.Sprintf("store writes failing since %s (%d failed): %v", e.Since.UTC().Format(time.RFC3339), e.Failures, e.Err)
}

// Unwrap returns ErrWritesFailing and the last write's error.
func (e *WriteFailure) Unwrap() []error { return []error{ErrWritesFailing, e.Err} }

// Healthy returns nil unless the last write transaction failed to write
// (bbolt failed to begin or commit it, e.g. ENOSPC or EIO, or
// Options.FailWrites refused it); then it returns a *WriteFailure with that
// error and since when writes fail, until a write succeeds. Errors of the
// operation itself (ErrNotFound, ErrInvalid, a Compose error...) do not
// count. The daemon fails readiness, pauses fetching and logs once while
// it is non-nil; a failing write is the only way back, so a daemon that
// paused everything should retry a cheap write (Probe) on its backoff.
func (db *DB) Healthy() error {
	db.health.mu.Lock()
	defer db.health.mu.Unlock()
	if db.health.err == nil {
		return nil
	}
	return &WriteFailure{Err: db.health.err, Since: db.health.since, Failures: db.health.failures}
}

// Probe runs an empty write transaction (bbolt still commits a freelist
// and a meta page, with their fsyncs) and returns its error; it updates
// Healthy like any write. A daemon whose writes failed calls it on its
// backoff to learn that the disk takes writes again before resuming
// fetching. It proves small writes only: a large message that needs the
// file to grow may still fail, which Healthy then reports again.
func (db *DB) Probe() error {
	if err := db.update(probeTx); err != nil {
		return fmt.Errorf("probe write to %s: %w", db.path, err)
	}
	return nil
}

func probeTx(*bolt.Tx) error { return nil }
