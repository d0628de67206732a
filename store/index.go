package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// The ticket indexes. Each index bucket holds one empty-valued key per
// ticket: the field's value, 0x00, then the ticket's big-endian seq, so
// that a cursor walks one value's tickets by number and, backwards, newest
// first. bucketIxSearch holds one compact row per ticket (see row), keyed
// by seq. putTicket keeps them all true in the transaction that writes the
// ticket; Open builds them for a store written before they existed.
var (
	bucketIxStatus   = []byte("ix_status")
	bucketIxOrg      = []byte("ix_org")
	bucketIxCategory = []byte("ix_category")
	bucketIxAssignee = []byte("ix_assignee") // "" (unassigned) too
	bucketIxOverPlan = []byte("ix_overplan") // only tickets over plan, value ""
	bucketIxSearch   = []byte("ix_search")
	// bucketIxDay counts each organization's tickets per day received
	// (key: org, 0x00, "2006-01-02" in UTC; value: big-endian uint64),
	// for the console's tickets-per-week plot.
	bucketIxDay = []byte("ix_day")
	// bucketMeta holds facts about the store itself, such as the version
	// of the indexes (metaIndexVersion).
	bucketMeta = []byte("meta")
)

var indexBuckets = [][]byte{
	bucketIxStatus, bucketIxOrg, bucketIxCategory, bucketIxAssignee,
	bucketIxOverPlan, bucketIxSearch, bucketIxDay,
}

// metaIndexVersion records which version of the indexes the store holds;
// a store without it (or with another version) has them rebuilt at Open.
var metaIndexVersion = []byte("index_version")

// indexVersion changes whenever what the indexes hold changes.
const indexVersion = "2" // 2: ix_day

// indexBuildBatch is how many tickets one transaction of an index build
// indexes, so that a build never holds one huge transaction (a variable
// for tests).
var indexBuildBatch = 2000

// searchTextMax bounds the search text of a row, in bytes.
const searchTextMax = 320

// row is a ticket's compact index record: the indexed fields, and the
// lower-cased search text "number sender sender_name subject". It is
// stored as status 0 org 0 category 0 assignee 0 flags 0 text.
type row struct {
	status, org, category, assignee []byte
	overPlan                        bool
	text                            []byte
}

func rowOf(t *Ticket) row {
	return row{
		status:   []byte(t.Status),
		org:      []byte(t.Organization),
		category: []byte(t.Category),
		assignee: []byte(t.Assignee),
		overPlan: t.OverPlan,
		text:     searchText(t),
	}
}

// searchText is the lower-cased "number sender sender_name subject" of t,
// control characters made spaces, at most searchTextMax bytes.
func searchText(t *Ticket) []byte {
	s := strings.ToLower(t.Number + " " + t.Sender + " " + t.SenderName + " " + t.Subject)
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) > searchTextMax {
		s = s[:searchTextMax]
		for len(s) > 0 && !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
	}
	return []byte(s)
}

func (r *row) encode() []byte {
	flags := byte('-')
	if r.overPlan {
		flags = 'o'
	}
	n := len(r.status) + len(r.org) + len(r.category) + len(r.assignee) + len(r.text) + 6
	b := make([]byte, 0, n)
	for _, f := range [][]byte{r.status, r.org, r.category, r.assignee} {
		b = append(b, f...)
		b = append(b, 0)
	}
	b = append(b, flags, 0)
	return append(b, r.text...)
}

// parseRow splits an encoded row; its fields share v's memory.
func parseRow(v []byte) (row, bool) {
	var f [5][]byte
	for i := range f {
		j := bytes.IndexByte(v, 0)
		if j < 0 {
			return row{}, false
		}
		f[i], v = v[:j], v[j+1:]
	}
	return row{status: f[0], org: f[1], category: f[2], assignee: f[3], overPlan: bytes.Equal(f[4], []byte("o")), text: v}, true
}

// ixKey is an index key: value, 0x00, big-endian seq.
func ixKey(value []byte, seq uint64) []byte {
	k := make([]byte, 0, len(value)+9)
	k = append(k, value...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// indexField is one index: its bucket and the field of a row it holds
// (ok false: the ticket has no key in it).
type indexField struct {
	bucket []byte
	value  func(r *row) (v []byte, ok bool)
}

var indexFields = []indexField{
	{bucketIxStatus, func(r *row) ([]byte, bool) { return r.status, true }},
	{bucketIxOrg, func(r *row) ([]byte, bool) { return r.org, true }},
	{bucketIxCategory, func(r *row) ([]byte, bool) { return r.category, true }},
	{bucketIxAssignee, func(r *row) ([]byte, bool) { return r.assignee, true }},
	{bucketIxOverPlan, func(r *row) ([]byte, bool) { return nil, r.overPlan }},
}

// indexTicket brings the indexes up to date with t, from the ticket's row
// as last indexed (so that writers need not keep the old ticket).
func indexTicket(tx *bolt.Tx, t *Ticket) error {
	seq := itob(t.Seq)
	sb := tx.Bucket(bucketIxSearch)
	if sb == nil {
		return fmt.Errorf("index ticket %s: %w: no index buckets", t.Number, ErrReadOnly)
	}
	nr := rowOf(t)
	nv := nr.encode()
	var or row
	hasOld := false
	if old := sb.Get(seq); old != nil {
		if bytes.Equal(old, nv) {
			return nil
		}
		if or, hasOld = parseRow(bytes.Clone(old)); !hasOld {
			return fmt.Errorf("index ticket %s: the indexed row is unreadable: %w", t.Number, ErrDamaged)
		}
	}
	for _, f := range indexFields {
		newV, newOK := f.value(&nr)
		oldV, oldOK := []byte(nil), false
		if hasOld {
			oldV, oldOK = f.value(&or)
		}
		if oldOK == newOK && bytes.Equal(oldV, newV) {
			continue
		}
		b := tx.Bucket(f.bucket)
		if oldOK {
			if err := b.Delete(ixKey(oldV, t.Seq)); err != nil {
				return fmt.Errorf("index ticket %s: %s: %w", t.Number, f.bucket, err)
			}
		}
		if newOK {
			if err := b.Put(ixKey(newV, t.Seq), nil); err != nil {
				return fmt.Errorf("index ticket %s: %s: %w", t.Number, f.bucket, err)
			}
		}
	}
	if err := sb.Put(seq, nv); err != nil {
		return fmt.Errorf("index ticket %s: %s: %w", t.Number, bucketIxSearch, err)
	}
	if !hasOld {
		// First indexed: count it on its day (its organization and
		// received time never change).
		if err := countDay(tx, t); err != nil {
			return fmt.Errorf("index ticket %s: %s: %w", t.Number, bucketIxDay, err)
		}
	}
	return nil
}

// dayKey is the ix_day key of org's tickets received on day (UTC).
func dayKey(org string, day time.Time) []byte {
	return append(append([]byte(org), 0), day.UTC().Format(time.DateOnly)...)
}

// countDay adds t to its organization's count of its day.
func countDay(tx *bolt.Tx, t *Ticket) error {
	b := tx.Bucket(bucketIxDay)
	k := dayKey(t.Organization, t.ReceivedAt)
	n := uint64(0)
	if v := b.Get(k); len(v) == 8 {
		n = binary.BigEndian.Uint64(v)
	}
	return b.Put(k, binary.BigEndian.AppendUint64(nil, n+1))
}

// TicketsPerDay returns how many tickets org received on each day (UTC,
// "2006-01-02") from from to to inclusive; days without any are absent.
func (db *DB) TicketsPerDay(org string, from, to time.Time) (map[string]int, error) {
	out := map[string]int{}
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIxDay)
		if b == nil || !indexed(tx) {
			return db.ticketsPerDaySlow(tx, org, from, to, out)
		}
		last := dayKey(org, to)
		c := b.Cursor()
		for k, v := c.Seek(dayKey(org, from)); k != nil && bytes.Compare(k, last) <= 0; k, v = c.Next() {
			if len(v) == 8 {
				out[string(k[len(org)+1:])] = int(binary.BigEndian.Uint64(v))
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("tickets per day of %s: %w", org, err)
	}
	return out, nil
}

// ticketsPerDaySlow counts by decoding every ticket (a read-only store
// without current indexes).
func (db *DB) ticketsPerDaySlow(tx *bolt.Tx, org string, from, to time.Time, out map[string]int) error {
	first, last := from.UTC().Format(time.DateOnly), to.UTC().Format(time.DateOnly)
	return tx.Bucket(bucketTickets).ForEach(func(k, v []byte) error {
		var t Ticket
		if err := decodeJSON(k, v, &t); err != nil {
			return err
		}
		if day := t.ReceivedAt.UTC().Format(time.DateOnly); t.Organization == org && day >= first && day <= last {
			out[day]++
		}
		return nil
	})
}

// indexed reports whether tx's store holds current indexes (a read-only
// store opened after an upgrade may not).
func indexed(tx *bolt.Tx) bool {
	b := tx.Bucket(bucketMeta)
	return b != nil && string(b.Get(metaIndexVersion)) == indexVersion
}

// ensureIndexes creates the index buckets and, when the store does not
// record the current index version, empties them and indexes every ticket
// in transactions of indexBuildBatch tickets, then records the version. An
// interrupted build starts over at the next Open. It returns how many
// tickets it indexed. It writes through bbolt directly, before the DB is
// handed out, so Options.FailWrites does not apply.
func (db *DB) ensureIndexes() (int, error) {
	current := false
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		current = string(meta.Get(metaIndexVersion)) == indexVersion
		for _, name := range indexBuckets {
			if !current && tx.Bucket(name) != nil {
				if err := tx.DeleteBucket(name); err != nil {
					return fmt.Errorf("empty %s: %w", name, err)
				}
			}
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("create %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil || current {
		return 0, wrapIndexErr(err)
	}
	total := 0
	var resume []byte
	for done := false; !done; {
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			c := tx.Bucket(bucketTickets).Cursor()
			k, v := c.First()
			if resume != nil {
				if k, v = c.Seek(resume); k != nil && bytes.Equal(k, resume) {
					k, v = c.Next()
				}
			}
			done = true
			for n := 0; k != nil; k, v = c.Next() {
				if n == indexBuildBatch {
					done = false
					break
				}
				var t Ticket
				if err := decodeJSON(k, v, &t); err != nil {
					return err
				}
				if err := indexTicket(tx, &t); err != nil {
					return err
				}
				resume = bytes.Clone(k)
				n++
				total++
			}
			if done {
				return tx.Bucket(bucketMeta).Put(metaIndexVersion, []byte(indexVersion))
			}
			return nil
		})
		if err != nil {
			return total, wrapIndexErr(err)
		}
	}
	return total, nil
}

func wrapIndexErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("build the ticket indexes: %w", err)
}

// walkIndexDesc calls fn with the seq and value of each key of b that is
// prefix followed by 8 bytes, from the highest seq below before (0: no
// bound) down, until fn returns false.
func walkIndexDesc(b *bolt.Bucket, prefix []byte, before uint64, fn func(seq uint64, v []byte) bool) {
	if before == 0 {
		before = math.MaxUint64
	}
	c := b.Cursor()
	seek := binary.BigEndian.AppendUint64(bytes.Clone(prefix), before)
	var k, v []byte
	if k, _ = c.Seek(seek); k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Prev() {
		if len(k) != len(prefix)+8 {
			continue // a longer value that begins with this one and 0x00
		}
		if !fn(binary.BigEndian.Uint64(k[len(prefix):]), v) {
			return
		}
	}
}

// countIndex counts the keys of b that are prefix followed by 8 bytes,
// stopping at limit (0: no limit).
func countIndex(b *bolt.Bucket, prefix []byte, limit int) int {
	n := 0
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		if len(k) == len(prefix)+8 {
			if n++; n == limit {
				break
			}
		}
	}
	return n
}
