package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// quarantineRecord says why a message was set aside.
type quarantineRecord struct {
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// SetQuarantineReason records (or replaces) why the message with the dedupe
// key was quarantined.
func (db *DB) SetQuarantineReason(key, reason string, at time.Time) error {
	if key == "" || len(key) > bolt.MaxKeySize {
		return fmt.Errorf("set quarantine reason: %w: key of %d bytes", ErrInvalid, len(key))
	}
	err := db.update(func(tx *bolt.Tx) error {
		return putJSON(tx.Bucket(bucketQuarantine), []byte(key), &quarantineRecord{Reason: reason, At: at})
	})
	if err != nil {
		return fmt.Errorf("set quarantine reason %q: %w", key, err)
	}
	return nil
}

// QuarantineReason returns why and when the message with the dedupe key was
// quarantined, or an error wrapping ErrNotFound.
func (db *DB) QuarantineReason(key string) (string, time.Time, error) {
	var r quarantineRecord
	err := db.view(func(tx *bolt.Tx) error {
		found, err := getJSON(tx.Bucket(bucketQuarantine), []byte(key), &r)
		if err == nil && !found {
			err = ErrNotFound
		}
		return err
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("quarantine reason %q: %w", key, err)
	}
	return r.Reason, r.At, nil
}
