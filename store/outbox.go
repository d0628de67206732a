package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Outbox item states. The values are a public contract.
const (
	StatePending = "pending"
	StateSent    = "sent"
	StateFailed  = "failed"
)

// OutboxItem is one email waiting to be sent, or the record of one that
// was sent or failed for good. Pending items live in bucket "outbox", sent
// ones in "sent" and failed ones in "failed".
type OutboxItem struct {
	ID           uint64 `json:"id"`
	Kind         string `json:"kind"`
	To           string `json:"to"`
	MessageID    string `json:"message_id,omitempty"`
	TicketNumber string `json:"ticket_number,omitempty"` // "" for mail that made no ticket
	// Payload is stored apart from the item (bucket outboxpayload): it is
	// set on the items BeginAttempt(s), OutboxItem and Record return, and
	// nil on those DueOutbox and the listings return. Items written before
	// the split carry it inline, which still reads.
	Payload     []byte    `json:"payload,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	NextAttempt time.Time `json:"next_attempt"`
	LastAttempt time.Time `json:"last_attempt"`
	Attempts    int       `json:"attempts"`
	LastError   string    `json:"last_error,omitempty"`
	State       string    `json:"state"`
	SentAt      time.Time `json:"sent_at"`
	// Sending is true between BeginAttempt and the MarkSent or MarkAttempt
	// that ends the attempt. An item still Sending after a crash becomes
	// due again at the NextAttempt BeginAttempt saved: delivery is at least
	// once.
	Sending bool `json:"sending,omitempty"`
	// PayloadPrunedAt is when DB.Prune (or DB.EraseSender) deleted the
	// stored copy of a sent email: Payload stays nil from then on.
	PayloadPrunedAt time.Time `json:"payload_pruned_at,omitzero"`
}

// enqueue appends outs to the outbox for the ticket number, skipping those
// over the per-recipient cap. It returns the queued items and how many were
// suppressed.
func enqueue(tx *bolt.Tx, outs []Outgoing, number string, capPerHour int, now time.Time) ([]OutboxItem, int, error) {
	b := tx.Bucket(bucketOutbox)
	var queued []OutboxItem
	suppressed := 0
	for i, o := range outs {
		to := strings.TrimSpace(o.To)
		if o.Kind == "" || to == "" {
			return nil, 0, fmt.Errorf("outgoing email %d: %w: kind %q, recipient %q", i, ErrInvalid, o.Kind, o.To)
		}
		ok, err := allowOutgoing(tx, o, capPerHour, now)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			suppressed++
			continue
		}
		id, err := b.NextSequence()
		if err != nil {
			return nil, 0, fmt.Errorf("allocate outbox id: %w", err)
		}
		item := OutboxItem{
			ID:           id,
			Kind:         o.Kind,
			To:           to,
			MessageID:    trimMsgID(o.MessageID),
			TicketNumber: number,
			CreatedAt:    now,
			NextAttempt:  now,
			State:        StatePending,
		}
		if err := tx.Bucket(bucketPayloads).Put(itob(id), o.Payload); err != nil {
			return nil, 0, fmt.Errorf("queue outgoing email %d: payload: %w", i, err)
		}
		if err := putItem(b, &item); err != nil {
			return nil, 0, fmt.Errorf("queue outgoing email %d: %w", i, err)
		}
		item.Payload = slices.Clone(o.Payload)
		queued = append(queued, item)
	}
	return queued, suppressed, nil
}

// OutboxFilter selects pending items by Kind, so that several senders
// can share the outbox, each with the kinds it delivers: an item is
// selected when its kind is in Kinds (any kind when Kinds is empty) and
// not in ExceptKinds. The zero filter selects every item.
type OutboxFilter struct {
	Kinds       []string
	ExceptKinds []string
}

// Match reports whether the filter selects items of the kind.
func (f OutboxFilter) Match(kind string) bool {
	if len(f.Kinds) > 0 && !slices.Contains(f.Kinds, kind) {
		return false
	}
	return !slices.Contains(f.ExceptKinds, kind)
}

// DueOutbox returns up to limit (<= 0: all) pending items with an ID above
// after whose NextAttempt is at or before now, oldest (lowest ID) first,
// without their payloads. A sender walks the outbox with after set to the
// last ID it was given, so that one pass never lists an item twice and
// never reads past what it skips.
func (db *DB) DueOutbox(now time.Time, after uint64, limit int) ([]OutboxItem, error) {
	return db.DueOutboxOf(OutboxFilter{}, now, after, limit)
}

// DueOutboxOf is DueOutbox for the items f selects.
func (db *DB) DueOutboxOf(f OutboxFilter, now time.Time, after uint64, limit int) ([]OutboxItem, error) {
	var out []OutboxItem
	err := db.eachPending(after, func(it *OutboxItem) bool {
		if f.Match(it.Kind) && !it.NextAttempt.After(now) {
			out = append(out, *it)
		}
		return limit <= 0 || len(out) < limit
	})
	if err != nil {
		return nil, fmt.Errorf("due outbox items: %w", err)
	}
	return out, nil
}

// OutboxStats returns how many items are pending and the age at now of the
// oldest pending one (0 when none).
func (db *DB) OutboxStats(now time.Time) (pending int, oldest time.Duration, err error) {
	return db.OutboxStatsOf(OutboxFilter{}, now)
}

// OutboxStatsOf is OutboxStats for the items f selects.
func (db *DB) OutboxStatsOf(f OutboxFilter, now time.Time) (pending int, oldest time.Duration, err error) {
	var first time.Time
	err = db.eachPending(0, func(it *OutboxItem) bool {
		if !f.Match(it.Kind) {
			return true
		}
		pending++
		if first.IsZero() || it.CreatedAt.Before(first) {
			first = it.CreatedAt
		}
		return true
	})
	if err != nil {
		return 0, 0, fmt.Errorf("outbox stats: %w", err)
	}
	if pending > 0 && now.After(first) {
		oldest = now.Sub(first)
	}
	return pending, oldest, nil
}

// KindStats is what waits in the outbox of one kind: how many items and
// the oldest's age.
type KindStats struct {
	Pending int
	Oldest  time.Duration
}

// OutboxStatsByKind is OutboxStats for every kind pending, in one pass.
func (db *DB) OutboxStatsByKind(now time.Time) (map[string]KindStats, error) {
	first := map[string]time.Time{}
	out := map[string]KindStats{}
	err := db.eachPending(0, func(it *OutboxItem) bool {
		ks := out[it.Kind]
		ks.Pending++
		out[it.Kind] = ks
		if f, ok := first[it.Kind]; !ok || it.CreatedAt.Before(f) {
			first[it.Kind] = it.CreatedAt
		}
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("outbox stats: %w", err)
	}
	for kind, f := range first {
		if now.After(f) {
			ks := out[kind]
			ks.Oldest = now.Sub(f)
			out[kind] = ks
		}
	}
	return out, nil
}

// NextDue returns the earliest NextAttempt of the pending items; false when
// nothing is pending. A sender sleeps until then (or until kicked).
func (db *DB) NextDue() (time.Time, bool, error) {
	return db.NextDueOf(OutboxFilter{})
}

// NextDueOf is NextDue for the items f selects.
func (db *DB) NextDueOf(f OutboxFilter) (time.Time, bool, error) {
	var next time.Time
	found := false
	err := db.eachPending(0, func(it *OutboxItem) bool {
		if f.Match(it.Kind) && (!found || it.NextAttempt.Before(next)) {
			next, found = it.NextAttempt, true
		}
		return true
	})
	if err != nil {
		return time.Time{}, false, fmt.Errorf("next due outbox item: %w", err)
	}
	return next, found, nil
}

// eachPending calls fn for each pending item with an ID above after, in ID
// order, until it returns false. Items come without their payloads (old
// ones with it inline keep it).
func (db *DB) eachPending(after uint64, fn func(*OutboxItem) bool) error {
	return db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(itob(after + 1)); k != nil; k, v = c.Next() {
			var it OutboxItem
			if err := decodeJSON(k, v, &it); err != nil {
				return err
			}
			if !fn(&it) {
				return nil
			}
		}
		return nil
	})
}

// OutboxItem returns the item with the given ID, whatever its state, or an
// error wrapping ErrNotFound.
func (db *DB) OutboxItem(id uint64) (*OutboxItem, error) {
	var it OutboxItem
	err := db.view(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{bucketOutbox, bucketSent, bucketFailed} {
			found, err := getJSON(tx.Bucket(name), itob(id), &it)
			if err != nil {
				return err
			}
			if found {
				loadPayload(tx, &it)
				return nil
			}
		}
		return ErrNotFound
	})
	if err != nil {
		return nil, fmt.Errorf("outbox item %d: %w", id, err)
	}
	return &it, nil
}

// BeginAttempt is called just before trying to send a pending item (as mox
// does): it saves Attempts+1, LastAttempt = at and NextAttempt = retryAt,
// so that if the process dies while sending, the item is retried at retryAt
// rather than at once. End the attempt with MarkSent or MarkAttempt (which
// then do not count it again). It returns the updated item, or an error
// wrapping ErrNotPending if the item was sent or failed meanwhile.
func (db *DB) BeginAttempt(id uint64, at, retryAt time.Time) (*OutboxItem, error) {
	var it *OutboxItem
	err := db.update(func(tx *bolt.Tx) error {
		var err error
		if it, err = pendingItem(tx, id); err != nil {
			return err
		}
		it.Attempts++
		it.Sending = true
		it.LastAttempt = at
		it.NextAttempt = retryAt
		if err := putItem(tx.Bucket(bucketOutbox), it); err != nil {
			return err
		}
		loadPayload(tx, it)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("begin attempt of outbox item %d: %w", id, err)
	}
	return it, nil
}

// BeginAttempts is BeginAttempt for a batch of items in one transaction
// (one fsync for a whole SMTP batch). Items no longer pending are skipped;
// the pending ones are returned, updated, in the order of ids.
func (db *DB) BeginAttempts(ids []uint64, at, retryAt time.Time) ([]OutboxItem, error) {
	var out []OutboxItem
	err := db.update(func(tx *bolt.Tx) error {
		out = out[:0]
		for _, id := range ids {
			it, err := pendingItem(tx, id)
			if errors.Is(err, ErrNotPending) || errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			it.Attempts++
			it.Sending = true
			it.LastAttempt = at
			it.NextAttempt = retryAt
			if err := putItem(tx.Bucket(bucketOutbox), it); err != nil {
				return err
			}
			loadPayload(tx, it)
			out = append(out, *it)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("begin attempts of %d outbox items: %w", len(ids), err)
	}
	return out, nil
}

// MarkSent records that the item was delivered at at and moves it to the
// sent records, so it is never due again. Marking a sent item again is a
// no-op; a failed one gives ErrNotPending.
func (db *DB) MarkSent(id uint64, at time.Time) error {
	return db.MarkSentMany([]uint64{id}, at)
}

// MarkSentMany is MarkSent for a batch in one transaction: after an SMTP
// batch, one commit (and its fsync) records every accepted email, which
// keeps the window in which a crash makes a receipt go out twice short.
func (db *DB) MarkSentMany(ids []uint64, at time.Time) error {
	err := db.update(func(tx *bolt.Tx) error {
		for _, id := range ids {
			if tx.Bucket(bucketSent).Get(itob(id)) != nil {
				continue
			}
			it, err := pendingItem(tx, id)
			if err != nil {
				return err
			}
			it.endAttempt(at)
			it.State = StateSent
			it.SentAt = at
			it.LastError = ""
			if err := moveItem(tx, it, bucketSent); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark %d outbox items sent: %w", len(ids), err)
	}
	return nil
}

// MarkAttempt records a failed attempt at at: Attempts+1 (unless
// BeginAttempt counted it), LastError. If permanent or next is zero the
// item fails for good (state failed, never due again); otherwise it is
// due again at next.
func (db *DB) MarkAttempt(id uint64, at time.Time, sendErr error, permanent bool, next time.Time) error {
	err := db.update(func(tx *bolt.Tx) error {
		it, err := pendingItem(tx, id)
		if err != nil {
			return err
		}
		it.endAttempt(at)
		it.LastError = "unknown error"
		if sendErr != nil {
			it.LastError = sendErr.Error()
		}
		if permanent || next.IsZero() {
			it.State = StateFailed
			return moveItem(tx, it, bucketFailed)
		}
		it.NextAttempt = next
		return putItem(tx.Bucket(bucketOutbox), it)
	})
	if err != nil {
		return fmt.Errorf("mark attempt of outbox item %d: %w", id, err)
	}
	return nil
}

// endAttempt counts the attempt ending at at, unless BeginAttempt did.
func (it *OutboxItem) endAttempt(at time.Time) {
	if !it.Sending {
		it.Attempts++
	}
	it.Sending = false
	it.LastAttempt = at
}

// pendingItem loads a pending item, or fails with ErrNotPending (sent or
// failed) or ErrNotFound.
func pendingItem(tx *bolt.Tx, id uint64) (*OutboxItem, error) {
	var it OutboxItem
	found, err := getJSON(tx.Bucket(bucketOutbox), itob(id), &it)
	if err != nil {
		return nil, err
	}
	if found {
		return &it, nil
	}
	if tx.Bucket(bucketSent).Get(itob(id)) != nil || tx.Bucket(bucketFailed).Get(itob(id)) != nil {
		return nil, ErrNotPending
	}
	return nil, ErrNotFound
}

// putItem stores it under its ID in b. A payload still inline (an item
// written before payloads were kept apart) stays inline; items written
// since carry none.
func putItem(b *bolt.Bucket, it *OutboxItem) error {
	return putJSON(b, itob(it.ID), it)
}

// loadPayload sets it.Payload from the payload bucket, unless the item
// carries it inline. It copies: the item outlives the transaction.
func loadPayload(tx *bolt.Tx, it *OutboxItem) {
	if it.Payload != nil {
		return
	}
	if b := tx.Bucket(bucketPayloads); b != nil {
		if p := b.Get(itob(it.ID)); p != nil {
			it.Payload = slices.Clone(p)
		}
	}
}

// moveItem stores it in bucket dst and removes it from the pending set.
func moveItem(tx *bolt.Tx, it *OutboxItem, dst []byte) error {
	if err := putItem(tx.Bucket(dst), it); err != nil {
		return err
	}
	if err := tx.Bucket(bucketOutbox).Delete(itob(it.ID)); err != nil {
		return fmt.Errorf("remove from pending: %w", err)
	}
	return nil
}

// SentCount returns how many items were sent for the ticket number ("" for
// items that belonged to no ticket). It scans every sent record: meant for
// tests and the CLI, not for a hot path.
func (db *DB) SentCount(ticketNumber string) (int, error) {
	n := 0
	err := db.eachItem(bucketSent, func(it *OutboxItem) {
		if it.TicketNumber == ticketNumber {
			n++
		}
	})
	if err != nil {
		return 0, fmt.Errorf("count sent items of %q: %w", ticketNumber, err)
	}
	return n, nil
}

// FailedOutbox returns the items that failed for good, oldest first.
func (db *DB) FailedOutbox() ([]OutboxItem, error) {
	var out []OutboxItem
	if err := db.eachItem(bucketFailed, func(it *OutboxItem) { out = append(out, *it) }); err != nil {
		return nil, fmt.Errorf("list failed outbox items: %w", err)
	}
	return out, nil
}

// eachItem calls fn with every outbox item of bucket, in ID order.
func (db *DB) eachItem(bucket []byte, fn func(*OutboxItem)) error {
	return db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucket)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var it OutboxItem
			if err := decodeJSON(k, v, &it); err != nil {
				return err
			}
			fn(&it)
			return nil
		})
	})
}
