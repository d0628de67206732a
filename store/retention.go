package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ticketd/ticketd/rules"
)

// Retention says how long the store keeps the bulky copies it holds. A
// zero or negative duration keeps them forever; DefaultRetention gives the
// documented defaults. Only copies go: tickets, turned-away records, the
// ledger, dedupe records and outbox records all stay.
type Retention struct {
	// TurnedAway is how long the raw message of rejected or ignored mail
	// is kept after it was received. Records of any other outcome (such
	// as mail held for release) are never pruned.
	TurnedAway time.Duration
	// SentEmails is how long the stored copy (payload) of a delivered
	// email is kept after it was sent. Pending and failed emails keep
	// theirs.
	SentEmails time.Duration
	// ClosedTickets is how long the raw messages of a closed ticket are
	// kept after it was closed.
	ClosedTickets time.Duration
}

// DefaultRetention returns the defaults of `store.retention`: turned-away
// raw messages 30 days, sent emails 90 days, closed tickets' raw messages
// forever.
func DefaultRetention() Retention {
	return Retention{TurnedAway: 30 * 24 * time.Hour, SentEmails: 90 * 24 * time.Hour}
}

// PruneStats counts what Prune deleted.
type PruneStats struct {
	TurnedAwayRaw   int   // raw messages of turned-away mail
	SentPayloads    int   // stored copies of sent emails
	ClosedTickets   int   // closed tickets whose raw messages went
	ClosedRaw       int   // raw messages of those tickets
	Bytes           int64 // bytes of values deleted
	Transactions    int   // write transactions committed
	EntriesExamined int   // records looked at
}

func (s *PruneStats) add(d PruneStats) {
	s.TurnedAwayRaw += d.TurnedAwayRaw
	s.SentPayloads += d.SentPayloads
	s.ClosedTickets += d.ClosedTickets
	s.ClosedRaw += d.ClosedRaw
	s.Bytes += d.Bytes
	s.Transactions += d.Transactions
	s.EntriesExamined += d.EntriesExamined
}

// Sweep limits: a write transaction changes at most sweepBatch records and
// looks at most at sweepScan, so that Prune and EraseSender never hold the
// writer lock for long (the daemon's Record waits for it).
const (
	sweepBatch = 500
	sweepScan  = 5000
)

// Why a raw message was deleted (bucket pruned).
const (
	prunedRetention = "retention"
	prunedErasure   = "erasure"
)

// prunedRecord remembers a deleted raw message.
type prunedRecord struct {
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
}

// Prune deletes the copies older than r allows, at now: raw messages of
// turned-away mail (the record stays, with RawPrunedAt set), payloads of
// sent emails (the item stays, PayloadPrunedAt set), and raw messages of
// tickets closed longer than r.ClosedTickets (the ticket stays, RawPrunedAt
// set on it and on each MessageRef). Raw then returns ErrPruned for them.
//
// It works in write transactions of at most 500 deletions, so the daemon
// can run it while recording mail, and is idempotent: running it again, or
// after an interruption (ctx, a failed write), deletes only what is left.
// The stats count what this call deleted, even when it returns an error.
//
// bbolt never shrinks its file: the pages freed are reused for new data,
// but the file keeps its size. Run Compact (offline) to give the space back
// to the disk after a large prune, for instance the first one.
func (db *DB) Prune(ctx context.Context, now time.Time, r Retention) (PruneStats, error) {
	var st PruneStats
	if r.TurnedAway > 0 {
		if err := db.pruneTurnedAway(ctx, now, now.Add(-r.TurnedAway), &st); err != nil {
			return st, fmt.Errorf("prune turned-away mail: %w", err)
		}
	}
	if r.SentEmails > 0 {
		if err := db.pruneSent(ctx, now, now.Add(-r.SentEmails), &st); err != nil {
			return st, fmt.Errorf("prune sent emails: %w", err)
		}
	}
	if r.ClosedTickets > 0 {
		if err := db.pruneClosed(ctx, now, now.Add(-r.ClosedTickets), &st); err != nil {
			return st, fmt.Errorf("prune closed tickets: %w", err)
		}
	}
	return st, nil
}

func (db *DB) pruneTurnedAway(ctx context.Context, now, cutoff time.Time, st *PruneStats) error {
	end := timeKey(cutoff)
	var d PruneStats
	return db.sweep(ctx, bucketTurnedAway, sweeper{
		pick: func(k, v []byte) (bool, bool, error) {
			if bytes.Compare(k[:min(8, len(k))], end) >= 0 {
				return false, true, nil // keys are ordered by time of receipt
			}
			d.EntriesExamined++
			var r TurnedAwayRecord
			if err := decodeJSON(k, v, &r); err != nil {
				return false, false, err
			}
			prunable := r.Outcome == rules.Rejected || r.Outcome == rules.Ignored
			return prunable && r.RawPrunedAt.IsZero() && r.ReceivedAt.Before(cutoff), false, nil
		},
		apply: func(tx *bolt.Tx, k, v []byte) error {
			var r TurnedAwayRecord
			if err := decodeJSON(k, v, &r); err != nil {
				return err
			}
			n, err := deleteRaw(tx, r.Key, now, prunedRetention)
			if err != nil {
				return err
			}
			r.RawPrunedAt = now
			if err := putJSON(tx.Bucket(bucketTurnedAway), k, &r); err != nil {
				return err
			}
			d.TurnedAwayRaw++
			d.Transactions = 1
			d.Bytes += n
			return nil
		},
		begin:  func() { d = PruneStats{} },
		commit: func() { st.add(d) },
	})
}

func (db *DB) pruneSent(ctx context.Context, now, cutoff time.Time, st *PruneStats) error {
	var d PruneStats
	return db.sweep(ctx, bucketSent, sweeper{
		pick: func(k, v []byte) (bool, bool, error) {
			d.EntriesExamined++
			var it OutboxItem
			if err := decodeJSON(k, v, &it); err != nil {
				return false, false, err
			}
			return it.PayloadPrunedAt.IsZero() && it.SentAt.Before(cutoff), false, nil
		},
		apply: func(tx *bolt.Tx, k, v []byte) error {
			var it OutboxItem
			if err := decodeJSON(k, v, &it); err != nil {
				return err
			}
			n, err := deletePayload(tx, &it, now)
			if err != nil {
				return err
			}
			if err := putItem(tx.Bucket(bucketSent), &it); err != nil {
				return err
			}
			d.SentPayloads++
			d.Transactions = 1
			d.Bytes += n
			return nil
		},
		begin:  func() { d = PruneStats{} },
		commit: func() { st.add(d) },
	})
}

func (db *DB) pruneClosed(ctx context.Context, now, cutoff time.Time, st *PruneStats) error {
	var d PruneStats
	return db.sweep(ctx, bucketTickets, sweeper{
		pick: func(k, v []byte) (bool, bool, error) {
			d.EntriesExamined++
			var t Ticket
			if err := decodeJSON(k, v, &t); err != nil {
				return false, false, err
			}
			return t.Status == StatusClosed && !t.ClosedAt.IsZero() && t.ClosedAt.Before(cutoff) && t.RawPrunedAt.IsZero(), false, nil
		},
		apply: func(tx *bolt.Tx, k, v []byte) error {
			var t Ticket
			if err := decodeJSON(k, v, &t); err != nil {
				return err
			}
			for i := range t.Messages {
				m := &t.Messages[i]
				if !m.RawPrunedAt.IsZero() {
					continue
				}
				n, err := deleteRaw(tx, m.Key, now, prunedRetention)
				if err != nil {
					return err
				}
				m.RawPrunedAt = now
				d.ClosedRaw++
				d.Bytes += n
			}
			t.RawPrunedAt = now
			if err := putTicket(tx, &t); err != nil {
				return err
			}
			d.ClosedTickets++
			d.Transactions = 1
			return nil
		},
		begin:  func() { d = PruneStats{} },
		commit: func() { st.add(d) },
	})
}

// deleteRaw deletes the raw message under key and remembers why, and
// returns its size (0 when it was already gone).
func deleteRaw(tx *bolt.Tx, key string, now time.Time, reason string) (int64, error) {
	if key == "" {
		return 0, nil
	}
	k := []byte(key)
	b := tx.Bucket(bucketRaw)
	n := int64(len(b.Get(k)))
	if err := b.Delete(k); err != nil {
		return 0, fmt.Errorf("delete raw message %q: %w", key, err)
	}
	if err := putJSON(tx.Bucket(bucketPruned), k, &prunedRecord{At: now, Reason: reason}); err != nil {
		return 0, err
	}
	return n, nil
}

// deletePayload deletes the stored copy of it's email (kept apart or
// inline) and marks it pruned; the caller stores it. It returns the bytes
// deleted.
func deletePayload(tx *bolt.Tx, it *OutboxItem, now time.Time) (int64, error) {
	b := tx.Bucket(bucketPayloads)
	n := int64(len(b.Get(itob(it.ID))) + len(it.Payload))
	if err := b.Delete(itob(it.ID)); err != nil {
		return 0, fmt.Errorf("delete payload of outbox item %d: %w", it.ID, err)
	}
	it.Payload = nil
	it.PayloadPrunedAt = now
	return n, nil
}

// prunedOrNotFound is Raw's error for a key without a raw message.
func prunedOrNotFound(tx *bolt.Tx, key string) error {
	var p prunedRecord
	found, err := getJSON(tx.Bucket(bucketPruned), []byte(key), &p)
	if err != nil {
		return err
	}
	if !found {
		return ErrNotFound
	}
	return fmt.Errorf("deleted by %s at %s: %w", p.Reason, p.At.UTC().Format(time.RFC3339), ErrPruned)
}

// errNoChange rolls back a sweep transaction that changed nothing.
var errNoChange = errors.New("no change")

// sweeper is what sweep does with each entry of a bucket.
type sweeper struct {
	// pick reports whether the entry is to be changed, or that the sweep
	// can stop here. Its k and v are only valid during the call.
	pick func(k, v []byte) (want, stop bool, err error)
	// apply changes a picked entry, given copies of its key and value.
	apply func(tx *bolt.Tx, k, v []byte) error
	// begin runs before each transaction, commit after each one that
	// committed: callers count in a per-transaction delta.
	begin, commit func()
}

// sweep walks bucket in key order in write transactions of at most
// sweepBatch changes and sweepScan entries looked at, until the end of the
// bucket or pick says stop. Entries are collected before any is changed,
// since bbolt cursors do not survive changes to their bucket. Between
// transactions it gives up when ctx is done.
func (db *DB) sweep(ctx context.Context, bucket []byte, s sweeper) error {
	var resume []byte // last key looked at; nil before the first
	for done := false; !done; {
		if err := ctx.Err(); err != nil {
			return err
		}
		s.begin()
		var last []byte
		err := db.update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucket)
			if b == nil {
				done = true
				return nil
			}
			type entry struct{ k, v []byte }
			var picked []entry
			c := b.Cursor()
			k, v := c.First()
			if resume != nil {
				if k, v = c.Seek(resume); k != nil && bytes.Equal(k, resume) {
					k, v = c.Next()
				}
			}
			scanned := 0
			done = true
			for ; k != nil; k, v = c.Next() {
				want, stop, err := s.pick(k, v)
				if err != nil {
					return err
				}
				if stop {
					break
				}
				last = slices.Clone(k)
				if want {
					picked = append(picked, entry{last, slices.Clone(v)})
				}
				if scanned++; len(picked) >= sweepBatch || scanned >= sweepScan {
					done = false
					break
				}
			}
			if len(picked) == 0 {
				return errNoChange // roll back: no commit, no fsync
			}
			for _, e := range picked {
				if err := s.apply(tx, e.k, e.v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil && !errors.Is(err, errNoChange) {
			return err
		}
		s.commit()
		if last != nil {
			resume = last
		}
	}
	return nil
}
