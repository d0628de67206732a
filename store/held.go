package store

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// This file holds what bounds what an outsider can make ticketd do: the
// per-contact rate of new tickets (mail over it is held for support), the
// caps on emails by kind across all recipients, and why a turned-away
// message got no answer. The logs live in bucket "ratelimits", so a restart
// resets none of them.

// Turned-away reasons (TurnedAwayNote.Reason). The values are a public
// contract.
const (
	// ReasonHeld is a contact's new ticket over
	// rules.max_new_tickets_per_contact_per_hour: recorded, neither
	// numbered nor deducted nor answered (beyond one notice an hour),
	// until support releases it.
	ReasonHeld = "held"
)

// Why no answer went out to a turned-away message (TurnedAwayNote.NoReply)
// when the store decided it; registration sets its own reasons in
// Intake.NoReply.
const (
	NoReplyPerSenderCap = "per-sender cap reached (receipt.max_per_sender_per_hour)"
	NoReplyKindCap      = "hourly cap on this kind of email reached (receipt.max_rejections_per_hour)"
	NoReplyHeldNotice   = "held: a notice already went to this contact this hour"
)

// rateWindow is the window of every rate kept here.
const rateWindow = time.Hour

// TurnedAwayNote is what a turned-away record says beyond the verdict: why
// it was turned away when the rules did not decide it (held), why no
// answer went out, and its release.
type TurnedAwayNote struct {
	// Reason is ReasonHeld for held mail, "" when the verdict says why.
	Reason string `json:"reason,omitempty"`
	// Contact is the contact a held message counts as (its base address).
	Contact string `json:"contact,omitempty"`
	// NoReply says why no email answered the message ("" when one was
	// queued, or for ignored mail whose verdict says why).
	NoReply string `json:"no_reply,omitempty"`
	// ReleasedAt is when support released held mail; ReleasedAs is the
	// ticket it became ("" when judged again it made none).
	ReleasedAt time.Time `json:"released_at,omitzero"`
	ReleasedAs string    `json:"released_as,omitempty"`
}

// Hold is the per-contact rate of new tickets an Intake is subject to.
type Hold struct {
	// Contact is the address the sender counts as (rules.Policy.BaseAddress
	// of its contact); "" never holds.
	Contact string
	// MaxPerHour is how many new tickets the contact may open in any hour
	// (by time of receipt); 0 never holds.
	MaxPerHour int
	// Notice composes the one email an hour that tells the contact their
	// mail is held for review (nil: none). Like Intake.Compose it runs
	// inside the transaction and must be pure.
	Notice func() ([]Outgoing, error)
	// Events composes what every held message queues besides the notice
	// (the team's webhook events); nil: nothing.
	Events func() ([]Outgoing, error)
}

// capKey is the key of the per-recipient cap for o: its CapKey (the
// contact's base address) or, without one, its recipient.
func capKey(o Outgoing) string {
	if k := strings.TrimSpace(o.CapKey); k != "" {
		return k
	}
	return o.To
}

// allowOutgoing applies the caps to one email: the per-recipient cap
// (keyed by capKey) first, then its kind's cap across all recipients
// (Outgoing.KindCapPerHour), so that one recipient over its own cap uses
// none of the shared one. It records what it allows.
func allowOutgoing(tx *bolt.Tx, o Outgoing, capPerHour int, now time.Time) (bool, error) {
	if o.Uncapped {
		return true, nil
	}
	ok, err := allowAutoReply(tx, capKey(o), capPerHour, now)
	if err != nil || !ok || o.KindCapPerHour <= 0 {
		return ok, err
	}
	return allowRate(tx, kindRateKey(o.Kind), o.KindCapPerHour, now, now)
}

// wouldSuppress says, without recording anything, why the caps would stop
// o now ("" when they would not).
func wouldSuppress(tx *bolt.Tx, o Outgoing, capPerHour int, now time.Time) string {
	if o.Uncapped {
		return ""
	}
	if capPerHour > 0 && countAutoReplies(tx, capKey(o), now) >= capPerHour {
		return NoReplyPerSenderCap
	}
	if o.KindCapPerHour > 0 && countRate(tx, kindRateKey(o.Kind), now) >= o.KindCapPerHour {
		return NoReplyKindCap
	}
	return ""
}

func kindRateKey(kind string) []byte      { return []byte("kind:" + kind) }
func ticketRateKey(contact string) []byte { return []byte("tickets:" + strings.ToLower(contact)) }
func heldNoticeKey(contact string) []byte { return []byte("heldnotice:" + strings.ToLower(contact)) }
func countAutoReplies(tx *bolt.Tx, addr string, now time.Time) int {
	key := []byte(strings.ToLower(strings.TrimSpace(addr)))
	return countIn(tx.Bucket(bucketAutoReply).Get(key), now)
}

// countRate is how many events the log under key holds in the hour up to at.
func countRate(tx *bolt.Tx, key []byte, at time.Time) int {
	b := tx.Bucket(bucketRateLimits)
	if b == nil {
		return 0
	}
	return countIn(b.Get(key), at)
}

func countIn(log []byte, at time.Time) int {
	cutoff, end := at.Add(-rateWindow).UnixNano(), at.UnixNano()
	n := 0
	for i := 0; i+8 <= len(log); i += 8 {
		if t := int64(binary.BigEndian.Uint64(log[i:])); t > cutoff && t <= end {
			n++
		}
	}
	return n
}

// allowRate reports whether one more event at at fits limit events in the
// hour up to at under key, and records it if so; entries older than an
// hour before now are pruned.
func allowRate(tx *bolt.Tx, key []byte, limit int, at, now time.Time) (bool, error) {
	b := tx.Bucket(bucketRateLimits)
	old := b.Get(key)
	cutoff := now.Add(-rateWindow)
	if at.Before(cutoff) {
		cutoff = at.Add(-rateWindow)
	}
	kept := make([]byte, 0, len(old)+8)
	for i := 0; i+8 <= len(old); i += 8 {
		if int64(binary.BigEndian.Uint64(old[i:])) > cutoff.UnixNano() {
			kept = append(kept, old[i:i+8]...)
		}
	}
	allowed := limit <= 0 || countIn(kept, at) < limit
	if allowed {
		kept = binary.BigEndian.AppendUint64(kept, uint64(at.UnixNano()))
	}
	var err error
	if len(kept) == 0 {
		err = b.Delete(key)
	} else {
		err = b.Put(key, kept)
	}
	if err != nil {
		return false, fmt.Errorf("rate log %s: %w", key, err)
	}
	return allowed, nil
}

// holds reports whether in, a new ticket, is over its contact's hourly
// rate and must be held; a ticket under it is counted.
func holds(tx *bolt.Tx, in *Intake, received, now time.Time) (bool, error) {
	h := in.Hold
	if h.Contact == "" || h.MaxPerHour <= 0 {
		return false, nil
	}
	ok, err := allowRate(tx, ticketRateKey(h.Contact), h.MaxPerHour, received, now)
	return !ok, err
}

// heldNotice returns the notice for held mail when none went to its
// contact in the last hour, and records it.
func heldNotice(tx *bolt.Tx, in *Intake, now time.Time) ([]Outgoing, string, error) {
	var events []Outgoing
	if in.Hold.Events != nil {
		var err error
		if events, err = in.Hold.Events(); err != nil {
			return nil, "", err
		}
	}
	if in.Hold.Notice == nil {
		return events, "", nil
	}
	ok, err := allowRate(tx, heldNoticeKey(in.Hold.Contact), 1, now, now)
	if err != nil || !ok {
		return events, NoReplyHeldNotice, err
	}
	outs, err := in.Hold.Notice()
	return append(outs, events...), "", err
}

// Held returns the held messages not yet released, oldest first.
func (db *DB) Held() ([]TurnedAwayRecord, error) {
	all, err := db.TurnedAway(time.Time{})
	if err != nil {
		return nil, err
	}
	var out []TurnedAwayRecord
	for _, r := range all {
		if r.Reason == ReasonHeld && r.ReleasedAt.IsZero() {
			out = append(out, r)
		}
	}
	return out, nil
}

// HeldRecord returns the held record with the given ID, released or not,
// or an error wrapping ErrNotFound.
func (db *DB) HeldRecord(id uint64) (*TurnedAwayRecord, error) {
	var out *TurnedAwayRecord
	err := db.view(func(tx *bolt.Tx) error {
		r, _, err := findHeld(tx, id)
		out = r
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("held message %d: %w", id, err)
	}
	return out, nil
}

func findHeld(tx *bolt.Tx, id uint64) (*TurnedAwayRecord, []byte, error) {
	b := tx.Bucket(bucketTurnedAway)
	if b == nil {
		return nil, nil, ErrNotFound
	}
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != 16 || binary.BigEndian.Uint64(k[8:]) != id {
			continue
		}
		var r TurnedAwayRecord
		if err := decodeJSON(k, v, &r); err != nil {
			return nil, nil, err
		}
		if r.Reason != ReasonHeld {
			return nil, nil, fmt.Errorf("%w: turned-away message %d is not held (%s)", ErrInvalid, id, r.Outcome)
		}
		return &r, append([]byte(nil), k...), nil
	}
	return nil, nil, ErrNotFound
}

// ErrReleased is returned by ReleaseHeld for a held message released
// before.
var ErrReleased = fmt.Errorf("%w: held message already released", ErrInvalid)

// ReleaseHeld registers held message id as in (judged again, received at
// release time, with no Hold) in one write transaction: its dedupe record
// is replaced by what in makes (a ticket with its deduction and receipt, or
// a turned-away record), and the held record is marked released. in.Key
// must be the held record's key.
func (db *DB) ReleaseHeld(id uint64, in *Intake) (*Result, error) {
	if err := in.validate(); err != nil {
		return nil, fmt.Errorf("release held message %d: %w", id, err)
	}
	in.Hold = Hold{}
	var res *Result
	err := db.update(func(tx *bolt.Tx) error {
		r, k, err := findHeld(tx, id)
		if err != nil {
			return err
		}
		if !r.ReleasedAt.IsZero() {
			return ErrReleased
		}
		if r.Key != in.Key {
			return fmt.Errorf("%w: key %q is not the held message's", ErrInvalid, in.Key)
		}
		if err := tx.Bucket(bucketDedupe).Delete([]byte(r.Key)); err != nil {
			return err
		}
		now := db.now()
		if res, err = record(tx, in, now); err != nil {
			return err
		}
		r.ReleasedAt = now
		if res.Ticket != nil {
			r.ReleasedAs = res.Ticket.Number
		}
		return putJSON(tx.Bucket(bucketTurnedAway), k, r)
	})
	if err != nil {
		return nil, fmt.Errorf("release held message %d: %w", id, err)
	}
	return res, nil
}
