package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// This file holds the console's server-side sessions. A session's token
// is 32 random bytes in unpadded base64url, given to the browser once; the
// store keeps only its SHA-256, so a copy of the database logs no one in.

// tokenBytes is the size of a session token before encoding.
const tokenBytes = 32

// tokenLen is the length of an encoded token.
var tokenLen = base64.RawURLEncoding.EncodedLen(tokenBytes)

// sessionRefresh is how stale a session's LastSeen may get before
// SessionUser writes it again: at most one write a minute per session.
const sessionRefresh = time.Minute

// session is what the store keeps of one session.
type session struct {
	User      string    `json:"user"`
	CreatedAt time.Time `json:"created_at"`
	LastSeen  time.Time `json:"last_seen"`
}

// idleSince reports whether s was last seen more than idle before now.
func (s *session) idleSince(now time.Time, idle time.Duration) bool {
	return now.Sub(s.LastSeen) > idle
}

// sessionKey is the key of a token: its SHA-256, or nil for a string
// that cannot be a token.
func sessionKey(token string) []byte {
	if len(token) != tokenLen {
		return nil
	}
	if _, err := base64.RawURLEncoding.Strict().DecodeString(token); err != nil {
		return nil
	}
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// NewSession starts a session for the user named user and returns its
// token, which the store does not keep. An unknown or disabled user is an
// error wrapping ErrNotFound. The caller checks the password first.
func (db *DB) NewSession(user string, now time.Time) (token string, err error) {
	n, err := UserName(user)
	if err != nil {
		return "", fmt.Errorf("new session: %w", err)
	}
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("new session for %s: token: %w", n, err)
	}
	token = base64.RawURLEncoding.EncodeToString(raw)
	err = db.update(func(tx *bolt.Tx) error {
		u, err := getUser(tx, n)
		if err != nil {
			return err
		}
		if u.Disabled {
			return fmt.Errorf("%w: user %s is disabled", ErrNotFound, n)
		}
		s := session{User: n, CreatedAt: now, LastSeen: now}
		return putJSON(tx.Bucket(bucketSessions), sessionKey(token), &s)
	})
	if err != nil {
		return "", fmt.Errorf("new session for %s: %w", n, err)
	}
	return token, nil
}

// SessionUser returns the user of the session token at now. A token that
// is unknown, ended, idle for longer than idle (the session is then
// deleted) or whose user is disabled or gone is an error wrapping
// ErrNotFound. A session last seen a minute or more ago is seen again at
// now (a write); otherwise SessionUser only reads. idle must be positive
// (ErrInvalid).
func (db *DB) SessionUser(token string, now time.Time, idle time.Duration) (*User, error) {
	if idle <= 0 {
		return nil, fmt.Errorf("session: %w: idle timeout %v", ErrInvalid, idle)
	}
	key := sessionKey(token)
	if key == nil {
		return nil, fmt.Errorf("session: %w", ErrNotFound)
	}
	var u *User
	var write bool
	err := db.view(func(tx *bolt.Tx) error {
		var err error
		u, write, err = sessionUser(tx, key, now, idle)
		return err
	})
	if !write || db.readOnly {
		if err != nil {
			return nil, fmt.Errorf("session: %w", err)
		}
		return u, nil
	}
	// Expired (delete it) or stale (see it again): look again in a write
	// transaction, since another request may have done it meanwhile.
	var ended error
	err = db.update(func(tx *bolt.Tx) error {
		var err error
		u, write, err = sessionUser(tx, key, now, idle)
		if !write {
			return err
		}
		b := tx.Bucket(bucketSessions)
		if err != nil {
			ended = err // the deletion commits
			return b.Delete(key)
		}
		var s session
		if _, err := getJSON(b, key, &s); err != nil {
			return err
		}
		s.LastSeen = now
		return putJSON(b, key, &s)
	})
	if err == nil {
		err = ended
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	return u, nil
}

// sessionUser reads the session under key and its user. write says the
// session needs a write: deleting (with an error wrapping ErrNotFound) or
// seeing again (with the user).
func sessionUser(tx *bolt.Tx, key []byte, now time.Time, idle time.Duration) (*User, bool, error) {
	var s session
	found, err := getJSON(tx.Bucket(bucketSessions), key, &s)
	if err != nil {
		return nil, false, err
	}
	if !found {
		return nil, false, ErrNotFound
	}
	if s.idleSince(now, idle) {
		return nil, true, fmt.Errorf("%w: session idle since %s", ErrNotFound, s.LastSeen.Format(time.RFC3339))
	}
	u, err := getUser(tx, s.User)
	if errors.Is(err, ErrNotFound) || err == nil && u.Disabled {
		return nil, true, fmt.Errorf("%w: user %s is disabled or gone", ErrNotFound, s.User)
	}
	if err != nil {
		return nil, false, err
	}
	return u, now.Sub(s.LastSeen) >= sessionRefresh, nil
}

// EndSession ends the session token (logout). Ending a session that does
// not exist, or no longer does, is not an error.
func (db *DB) EndSession(token string) error {
	key := sessionKey(token)
	if key == nil {
		return nil
	}
	err := db.update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Delete(key)
	})
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// PruneSessions deletes the sessions idle for longer than idle at now and
// those whose user is disabled or gone, and returns how many it deleted.
// idle must be positive (ErrInvalid).
func (db *DB) PruneSessions(now time.Time, idle time.Duration) (int, error) {
	if idle <= 0 {
		return 0, fmt.Errorf("prune sessions: %w: idle timeout %v", ErrInvalid, idle)
	}
	var n int
	err := db.update(func(tx *bolt.Tx) error {
		var err error
		n, err = deleteSessions(tx, func(s *session) bool {
			if s.idleSince(now, idle) {
				return true
			}
			u, err := getUser(tx, s.User)
			return err != nil || u.Disabled
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("prune sessions: %w", err)
	}
	return n, nil
}

// deleteSessions deletes the sessions for which drop is true and returns
// how many. A session that does not decode is deleted too: it could never
// be used.
func deleteSessions(tx *bolt.Tx, drop func(s *session) bool) (int, error) {
	b := tx.Bucket(bucketSessions)
	var doomed [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var s session
		if decodeJSON(k, v, &s) != nil || drop(&s) {
			doomed = append(doomed, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range doomed {
		if err := b.Delete(k); err != nil {
			return 0, fmt.Errorf("delete session: %w", err)
		}
	}
	return len(doomed), nil
}
