package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ticketd/ticketd/rules"
)

// EraseStats counts what EraseSender removed.
type EraseStats struct {
	Tickets     int   `json:"tickets"`      // tickets of the sender whose personal fields were erased
	Messages    int   `json:"messages"`     // the sender's messages in tickets (follow-ups included)
	TurnedAway  int   `json:"turned_away"`  // turned-away records of the sender
	RawMessages int   `json:"raw_messages"` // raw messages deleted
	Emails      int   `json:"emails"`       // emails to the sender whose stored copy and recipient were erased
	Bytes       int64 `json:"bytes"`        // bytes of raw messages and payloads deleted
	// Keys are the dedupe keys of the sender's messages ("mid:<Message-ID>"
	// or "sha256:<hex>"): the daemon uses them to remove the messages from
	// the processed and quarantine folders. They are not kept in the
	// erasure record.
	Keys []string `json:"-"`
}

func (s *EraseStats) add(d EraseStats) {
	s.Tickets += d.Tickets
	s.Messages += d.Messages
	s.TurnedAway += d.TurnedAway
	s.RawMessages += d.RawMessages
	s.Emails += d.Emails
	s.Bytes += d.Bytes
	s.Keys = append(s.Keys, d.Keys...)
}

// ErasureRecord is kept for every EraseSender call: when, who asked and
// what was removed, never whose data it was.
type ErasureRecord struct {
	ID          uint64     `json:"id"`
	At          time.Time  `json:"at"`
	RequestedBy string     `json:"requested_by,omitempty"` // the operator, as the caller names them
	Stats       EraseStats `json:"stats"`
}

// erasedReason is the LastError of a pending email cancelled by erasure.
const erasedReason = "recipient erased"

// EraseSender removes a person's data for an erasure request (GDPR
// article 17): for the address addr (compared case-insensitively; a
// sub-address such as ana+x@ is another address), it deletes the raw
// messages they sent and every raw message of their own tickets (a
// colleague's follow-up quotes them; Raw then returns ErrPruned), clears
// the personal
// fields of their tickets (sender, name, subject, the evidence quoted in
// findings, attachment names and hashes) and of the messages they added to
// other tickets, clears their turned-away records the same way, deletes
// the stored copies of emails to them and clears the recipient (pending
// ones fail for good with "recipient erased": nothing more is sent), and
// forgets their per-recipient cap. Ticket numbers, organizations,
// categories, statuses, dates, Message-IDs (needed to recognise a message
// seen before) and the ledger counts stay; erased records carry ErasedAt.
// Finally it appends an ErasureRecord (requestedBy, when, counts; no
// address) and returns the counts with the keys of the sender's messages,
// so that the caller can remove them from the mail folders.
//
// It runs in transactions of at most 500 changes and is idempotent: after
// an interruption, call it again with the same address. Backups taken
// before still hold the data until they are rotated; a compaction (see
// Compact) also clears the freed pages, which otherwise keep the old bytes
// until they are reused.
func (db *DB) EraseSender(ctx context.Context, addr, requestedBy string) (EraseStats, error) {
	addr = strings.ToLower(strings.TrimSpace(addr))
	var st EraseStats
	if addr == "" || len(addr) > bolt.MaxKeySize {
		return st, fmt.Errorf("erase sender: %w: address of %d bytes", ErrInvalid, len(addr))
	}
	now := db.now()
	steps := []struct {
		what string
		fn   func(context.Context, string, time.Time, *EraseStats) error
	}{
		{"tickets", db.eraseTickets},
		{"turned-away mail", db.eraseTurnedAway},
		{"emails", db.eraseEmails},
	}
	for _, s := range steps {
		if err := s.fn(ctx, addr, now, &st); err != nil {
			return st, fmt.Errorf("erase sender: %s: %w", s.what, err)
		}
	}
	err := db.update(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketAutoReply).Delete([]byte(addr)); err != nil {
			return err
		}
		b := tx.Bucket(bucketErasures)
		id, err := b.NextSequence()
		if err != nil {
			return err
		}
		rec := ErasureRecord{ID: id, At: now, RequestedBy: requestedBy, Stats: st}
		rec.Stats.Keys = nil
		return putJSON(b, itob(id), &rec)
	})
	if err != nil {
		return st, fmt.Errorf("erase sender: record the erasure: %w", err)
	}
	return st, nil
}

// Erasures returns the erasure records, oldest first.
func (db *DB) Erasures() ([]ErasureRecord, error) {
	var out []ErasureRecord
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketErasures)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r ErasureRecord
			if err := decodeJSON(k, v, &r); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list erasures: %w", err)
	}
	return out, nil
}

// jsonString returns s as it appears inside a JSON string.
func jsonString(s string) []byte {
	b, _ := json.Marshal(s) // a string always encodes
	return b[1 : len(b)-1]
}

// eraseFindings drops the customer's words quoted as evidence.
func eraseFindings(fs []rules.Finding) {
	for i := range fs {
		fs[i].Evidence = nil
	}
}

func (db *DB) eraseTickets(ctx context.Context, addr string, now time.Time, st *EraseStats) error {
	var d EraseStats
	needle := jsonString(addr)
	concerns := func(t *Ticket) bool {
		return t.Sender == addr || slices.ContainsFunc(t.Messages, func(m MessageRef) bool { return m.From == addr })
	}
	return db.sweep(ctx, bucketTickets, sweeper{
		pick: func(k, v []byte) (bool, bool, error) {
			if !bytes.Contains(v, needle) { // cheap filter before decoding
				return false, false, nil
			}
			var t Ticket
			if err := decodeJSON(k, v, &t); err != nil {
				return false, false, err
			}
			return concerns(&t), false, nil
		},
		apply: func(tx *bolt.Tx, k, v []byte) error {
			var t Ticket
			if err := decodeJSON(k, v, &t); err != nil {
				return err
			}
			own := t.Sender == addr
			for i := range t.Messages {
				m := &t.Messages[i]
				if m.From != addr && !own {
					continue
				}
				n, err := deleteRaw(tx, m.Key, now, prunedErasure)
				if err != nil {
					return err
				}
				if n > 0 {
					d.RawMessages++
				}
				d.Bytes += n
				d.Messages++
				d.Keys = append(d.Keys, m.Key)
				if m.RawPrunedAt.IsZero() {
					m.RawPrunedAt = now
				}
				if m.From == addr {
					m.From = ""
				}
				m.Attachments = nil
			}
			if own {
				t.Sender, t.SenderName, t.Subject = "", "", ""
				t.Attachments = nil
				eraseFindings(t.Findings)
				for i := range t.Conversation {
					t.Conversation[i].Text, t.Conversation[i].Attachments = "", nil
				}
				d.Tickets++
			}
			t.ErasedAt, t.UpdatedAt = now, now
			return putTicket(tx, &t)
		},
		begin:  func() { d = EraseStats{} },
		commit: func() { st.add(d) },
	})
}

func (db *DB) eraseTurnedAway(ctx context.Context, addr string, now time.Time, st *EraseStats) error {
	var d EraseStats
	needle := jsonString(addr)
	return db.sweep(ctx, bucketTurnedAway, sweeper{
		pick: func(k, v []byte) (bool, bool, error) {
			if !bytes.Contains(v, needle) {
				return false, false, nil
			}
			var r TurnedAwayRecord
			if err := decodeJSON(k, v, &r); err != nil {
				return false, false, err
			}
			return r.From == addr, false, nil
		},
		apply: func(tx *bolt.Tx, k, v []byte) error {
			var r TurnedAwayRecord
			if err := decodeJSON(k, v, &r); err != nil {
				return err
			}
			n, err := deleteRaw(tx, r.Key, now, prunedErasure)
			if err != nil {
				return err
			}
			if n > 0 {
				d.RawMessages++
			}
			d.Bytes += n
			d.TurnedAway++
			d.Keys = append(d.Keys, r.Key)
			r.From, r.FromName, r.Subject = "", "", ""
			eraseFindings(r.Findings)
			if r.RawPrunedAt.IsZero() {
				r.RawPrunedAt = now
			}
			r.ErasedAt = now
			return putJSON(tx.Bucket(bucketTurnedAway), k, &r)
		},
		begin:  func() { d = EraseStats{} },
		commit: func() { st.add(d) },
	})
}

// eraseEmails erases the emails to addr: pending ones fail for good, and
// every one loses its stored copy and recipient.
func (db *DB) eraseEmails(ctx context.Context, addr string, now time.Time, st *EraseStats) error {
	for _, bucket := range [][]byte{bucketOutbox, bucketSent, bucketFailed} {
		var d EraseStats
		err := db.sweep(ctx, bucket, sweeper{
			pick: func(k, v []byte) (bool, bool, error) {
				var it OutboxItem
				if err := decodeJSON(k, v, &it); err != nil {
					return false, false, err
				}
				return strings.EqualFold(it.To, addr), false, nil
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
				d.Bytes += n
				d.Emails++
				it.To = ""
				if it.State == StatePending {
					it.State, it.LastError, it.Sending = StateFailed, erasedReason, false
					return moveItem(tx, &it, bucketFailed)
				}
				return putItem(tx.Bucket(bucket), &it)
			},
			begin:  func() { d = EraseStats{} },
			commit: func() { st.add(d) },
		})
		if err != nil {
			return err
		}
	}
	return nil
}
