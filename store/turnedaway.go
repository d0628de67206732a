package store

import (
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/ticketd/ticketd/rules"
)

// TurnedAwayRecord logs a message that made no ticket (rejected or
// ignored). Its raw message is available from DB.Raw(Key).
type TurnedAwayRecord struct {
	ID           uint64          `json:"id"`
	Key          string          `json:"key"` // dedupe key
	MessageID    string          `json:"message_id,omitempty"`
	From         string          `json:"from"`
	FromName     string          `json:"from_name,omitempty"`
	Subject      string          `json:"subject"`
	Outcome      rules.Outcome   `json:"outcome"`
	Category     rules.Category  `json:"category,omitempty"`
	Lang         rules.Lang      `json:"lang,omitempty"`
	Findings     []rules.Finding `json:"findings,omitempty"`
	Organization string          `json:"organization,omitempty"`
	ReceivedAt   time.Time       `json:"received_at"`
	RecordedAt   time.Time       `json:"recorded_at"`
	// Replies are the Message-IDs of emails queued in answer (e.g. a
	// polite rejection).
	Replies []string `json:"replies,omitempty"`
	// RawPrunedAt is when DB.Prune deleted the raw message (zero while it
	// is kept): DB.Raw(Key) then returns ErrPruned.
	RawPrunedAt time.Time `json:"raw_pruned_at,omitzero"`
	// ErasedAt is when DB.EraseSender removed the sender's personal data
	// from the record (From, FromName, Subject, MessageID, evidence) and
	// its raw message.
	ErasedAt time.Time `json:"erased_at,omitzero"`
	TurnedAwayNote
}

// turnedAwayKey orders records by time of receipt, then ID.
func turnedAwayKey(received time.Time, id uint64) []byte {
	return append(timeKey(received), itob(id)...)
}

// timeKey encodes t as 8 sortable bytes (times before 1970 sort first).
func timeKey(t time.Time) []byte {
	if t.IsZero() || t.Unix() < 0 {
		return itob(0)
	}
	return itob(uint64(t.UnixNano()))
}

func newTurnedAway(tx *bolt.Tx, in *Intake, received, now time.Time) (*TurnedAwayRecord, error) {
	id, err := tx.Bucket(bucketTurnedAway).NextSequence()
	if err != nil {
		return nil, fmt.Errorf("allocate turned-away id: %w", err)
	}
	return &TurnedAwayRecord{
		ID:           id,
		Key:          in.Key,
		MessageID:    trimMsgID(in.MessageID),
		From:         strings.ToLower(strings.TrimSpace(in.From)),
		FromName:     in.FromName,
		Subject:      in.Subject,
		Outcome:      in.Outcome,
		Category:     in.Category,
		Lang:         in.Lang,
		Findings:     slices.Clone(in.Findings),
		Organization: in.Organization,
		ReceivedAt:   received,
		RecordedAt:   now,
	}, nil
}

func putTurnedAway(tx *bolt.Tx, r *TurnedAwayRecord) error {
	return putJSON(tx.Bucket(bucketTurnedAway), turnedAwayKey(r.ReceivedAt, r.ID), r)
}

// TurnedAway returns the turned-away records received at or after since
// (zero: all), oldest first.
func (db *DB) TurnedAway(since time.Time) ([]TurnedAwayRecord, error) {
	var out []TurnedAwayRecord
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTurnedAway)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek(timeKey(since)); k != nil; k, v = c.Next() {
			var r TurnedAwayRecord
			if err := decodeJSON(k, v, &r); err != nil {
				return err
			}
			if !r.ReceivedAt.Before(since) {
				out = append(out, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("turned-away mail since %s: %w", since.Format(time.RFC3339), err)
	}
	return out, nil
}
