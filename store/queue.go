package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// Queue page sizes.
const (
	DefaultQueueLimit = 50
	MaxQueueLimit     = 500
)

// QueueFilter selects the tickets of a console queue; zero fields match
// everything.
type QueueFilter struct {
	Status Status // "" any
	// Org, Category and Assignee match exactly; "" matches any. Assignee
	// "-" matches the unassigned tickets.
	Org, Category, Assignee string
	OverPlan                bool // only tickets over plan
	// Query is words that must all match, case-insensitively, within the
	// ticket's number, sender, sender name or subject. A word that is a
	// ticket number ("SUP-000042", "42") matches that ticket (and any
	// ticket whose sender, name or subject holds the word).
	Query string
	// Before pages: only tickets with Seq < Before (0: from the newest).
	Before uint64
	// Limit is the page size: DefaultQueueLimit when zero or negative, at
	// most MaxQueueLimit.
	Limit int
}

// QueuePage is one page of a queue, newest first.
type QueuePage struct {
	Tickets []Ticket
	// Total is how many tickets match the filter, on every page.
	Total int
	// Next is the Before of the next page; 0 on the last page.
	Next uint64
}

// Queue returns a page of the tickets matching f, newest first. It reads
// the ticket indexes: it walks the index of the most selective field,
// checks the other fields and the words on each ticket's compact index row,
// and decodes only the tickets of the page. A read-only store opened
// before its indexes were built is scanned instead (slower, same answer).
func (db *DB) Queue(f QueueFilter) (*QueuePage, error) {
	m := newQueueMatch(f)
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultQueueLimit
	}
	limit = min(limit, MaxQueueLimit)
	page := &QueuePage{Tickets: []Ticket{}}
	err := db.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketTickets) == nil {
			return nil
		}
		if !indexed(tx) {
			return queueScan(tx, m, f.Before, limit, page)
		}
		seqs, total, next := queueIndexed(tx, m, f.Before, limit)
		page.Total, page.Next = total, next
		b := tx.Bucket(bucketTickets)
		for _, seq := range seqs {
			var t Ticket
			found, err := getJSON(b, itob(seq), &t)
			if err != nil {
				return err
			}
			if !found {
				return fmt.Errorf("ticket %d is indexed but missing: %w", seq, ErrDamaged)
			}
			page.Tickets = append(page.Tickets, t)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("queue %+v: %w", f, err)
	}
	return page, nil
}

// queueIndexed finds the page's seqs, the total and the next page's
// Before from the indexes alone. It walks the smallest of the filter's
// index ranges newest first and joins the others to it by cursor (each
// stepped back or sought, never decoded); the words are checked on the
// rows of the tickets left. When words must be checked on most rows
// anyway, it scans the rows bucket in order instead.
func queueIndexed(tx *bolt.Tx, m *queueMatch, before uint64, limit int) (seqs []uint64, total int, next uint64) {
	rows := tx.Bucket(bucketIxSearch)
	collect := func(seq uint64) bool {
		if before != 0 && seq >= before {
			return true
		}
		if len(seqs) == limit {
			next = seqs[len(seqs)-1]
			return false
		}
		seqs = append(seqs, seq)
		return true
	}
	paging := true
	found := func(seq uint64) {
		total++
		if paging {
			paging = collect(seq)
		}
	}
	if len(m.constraints) == 0 && len(m.words) == 0 {
		walkIndexDesc(rows, nil, before, func(seq uint64, _ []byte) bool { return collect(seq) })
		return seqs, rows.Stats().KeyN, next
	}
	src, n := -1, 0
	for i, c := range m.constraints {
		limit := 0 // the first range is counted whole, the others only while smaller
		if src >= 0 {
			limit = n + 1
		}
		if cn := countIndex(tx.Bucket(c.bucket), c.prefix, limit); src < 0 || cn < n {
			src, n = i, cn
		}
	}
	switch {
	case src >= 0 && n == 0:
		return nil, 0, 0
	case len(m.constraints) == 1 && len(m.words) == 0:
		// One field: its keys are the answer, and their count the total.
		c := m.constraints[0]
		walkIndexDesc(tx.Bucket(c.bucket), c.prefix, before, func(seq uint64, _ []byte) bool { return collect(seq) })
		return seqs, n, next
	case src < 0 || len(m.words) > 0 && n*4 > int(tx.Bucket(bucketTickets).Sequence()):
		// A row read by key costs about four read in order.
		walkIndexDesc(rows, nil, 0, func(seq uint64, v []byte) bool {
			if !m.mayMatch(seq, v) {
				return true
			}
			if r, ok := parseRow(v); ok && m.matchFields(&r) && m.matchWords(seq, &r) {
				found(seq)
			}
			return true
		})
		return seqs, total, next
	}
	var joins []*indexJoin
	for i, c := range m.constraints {
		if i != src {
			joins = append(joins, newIndexJoin(tx.Bucket(c.bucket), c.prefix))
		}
	}
	c := m.constraints[src]
	walkIndexDesc(tx.Bucket(c.bucket), c.prefix, 0, func(seq uint64, _ []byte) bool {
		for _, j := range joins {
			if !j.has(seq) {
				return !j.done // an exhausted range ends every match
			}
		}
		if len(m.words) > 0 {
			v := rows.Get(itob(seq))
			if r, ok := parseRow(v); !ok || !m.mayMatch(seq, v) || !m.matchWords(seq, &r) {
				return true
			}
		}
		found(seq)
		return true
	})
	return seqs, total, next
}

// indexJoin answers, for decreasing seqs, whether an index range holds
// each: its cursor steps back a few keys, or seeks when the range is far
// ahead.
type indexJoin struct {
	c      *bolt.Cursor
	prefix []byte
	seq    uint64 // the cursor's key; every key above it was passed
	done   bool   // no key left at or below seq
}

func newIndexJoin(b *bolt.Bucket, prefix []byte) *indexJoin {
	j := &indexJoin{c: b.Cursor(), prefix: prefix}
	j.seek(math.MaxUint64)
	return j
}

// settle takes k, or the first key of the range before it, as the position.
func (j *indexJoin) settle(k []byte) {
	for ; k != nil && bytes.HasPrefix(k, j.prefix); k, _ = j.c.Prev() {
		if len(k) == len(j.prefix)+8 {
			j.seq = binary.BigEndian.Uint64(k[len(j.prefix):])
			return
		}
	}
	j.done = true
}

// seek positions the cursor at the highest key at or below seq.
func (j *indexJoin) seek(seq uint64) {
	k, _ := j.c.Seek(binary.BigEndian.AppendUint64(bytes.Clone(j.prefix), seq))
	switch {
	case k == nil:
		k, _ = j.c.Last()
	case bytes.HasPrefix(k, j.prefix) && len(k) == len(j.prefix)+8 && binary.BigEndian.Uint64(k[len(j.prefix):]) == seq:
	default:
		k, _ = j.c.Prev()
	}
	j.settle(k)
}

// has reports whether the range holds seq; seqs must come in decreasing
// order.
func (j *indexJoin) has(seq uint64) bool {
	for steps := 0; !j.done && j.seq > seq; steps++ {
		if steps == 8 {
			j.seek(seq)
			break
		}
		k, _ := j.c.Prev()
		j.settle(k)
	}
	return !j.done && j.seq == seq
}

// queueScan answers a queue by decoding every ticket: for a read-only
// store without indexes.
func queueScan(tx *bolt.Tx, m *queueMatch, before uint64, limit int, page *QueuePage) error {
	c := tx.Bucket(bucketTickets).Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		var t Ticket
		if err := decodeJSON(k, v, &t); err != nil {
			return err
		}
		r := rowOf(&t)
		if !m.matchFields(&r) || !m.matchWords(t.Seq, &r) {
			continue
		}
		page.Total++
		if (before != 0 && t.Seq >= before) || page.Next != 0 {
			continue
		}
		if len(page.Tickets) == limit {
			page.Next = page.Tickets[len(page.Tickets)-1].Seq
			continue
		}
		page.Tickets = append(page.Tickets, t)
	}
	return nil
}

// QueueCounts counts the tickets of each status and those over plan, from
// the indexes (no ticket is decoded), for the console's queue tabs.
func (db *DB) QueueCounts() (counts map[Status]int, overPlan int, err error) {
	counts = map[Status]int{}
	err = db.view(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketTickets) == nil {
			return nil
		}
		if !indexed(tx) {
			return tx.Bucket(bucketTickets).ForEach(func(k, v []byte) error {
				var t Ticket
				if err := decodeJSON(k, v, &t); err != nil {
					return err
				}
				counts[t.Status]++
				if t.OverPlan {
					overPlan++
				}
				return nil
			})
		}
		// Keys are sorted by status: count runs of one status.
		var cur []byte
		n := 0
		c := tx.Bucket(bucketIxStatus).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if len(k) < 9 {
				continue
			}
			if s := k[:len(k)-9]; !bytes.Equal(s, cur) {
				if n > 0 {
					counts[Status(cur)] += n
				}
				cur, n = bytes.Clone(s), 0
			}
			n++
		}
		if n > 0 {
			counts[Status(cur)] += n
		}
		overPlan = countIndex(tx.Bucket(bucketIxOverPlan), []byte{0}, 0) // value ""
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("queue counts: %w", err)
	}
	return counts, overPlan, nil
}

// queueMatch is a QueueFilter ready to test index rows.
type queueMatch struct {
	constraints []constraint
	status, org []byte
	category    []byte
	assignee    []byte // nil: any; empty: unassigned
	overPlan    bool
	words       []queryWord
}

// constraint is one field of the filter as an index range.
type constraint struct {
	bucket, prefix []byte
}

// queryWord is one lower-cased word of QueueFilter.Query; seq is set when
// the word is a ticket number, prefix when it names the number's prefix.
type queryWord struct {
	text   []byte
	seq    uint64
	prefix []byte
}

func newQueueMatch(f QueueFilter) *queueMatch {
	m := &queueMatch{overPlan: f.OverPlan}
	add := func(bucket []byte, value string) []byte {
		v := []byte(value)
		m.constraints = append(m.constraints, constraint{bucket, append(bytes.Clone(v), 0)})
		return v
	}
	if f.Status != "" {
		m.status = add(bucketIxStatus, string(f.Status))
	}
	if f.Org != "" {
		m.org = add(bucketIxOrg, f.Org)
	}
	if f.Category != "" {
		m.category = add(bucketIxCategory, f.Category)
	}
	switch f.Assignee {
	case "":
	case "-":
		m.assignee = add(bucketIxAssignee, "")
	default:
		m.assignee = add(bucketIxAssignee, f.Assignee)
	}
	if f.OverPlan {
		add(bucketIxOverPlan, "")
	}
	for _, w := range strings.Fields(strings.ToLower(f.Query)) {
		qw := queryWord{text: []byte(w)}
		if seq, err := strconv.ParseUint(w, 10, 64); err == nil && seq > 0 {
			qw.seq = seq
		} else if i := strings.LastIndexByte(w, '-'); i > 0 {
			if seq, ok := parseSeq(w); ok {
				qw.seq, qw.prefix = seq, []byte(w[:i])
			}
		}
		m.words = append(m.words, qw)
	}
	return m
}

// mayMatch is a quick test of the encoded row v of ticket seq: false when
// the first word is nowhere in it (and, for a number, seq is another).
func (m *queueMatch) mayMatch(seq uint64, v []byte) bool {
	if len(m.words) == 0 {
		return true
	}
	w := m.words[0]
	return w.seq != 0 && w.seq == seq || containsWord(v, w.text)
}

// containsWord is bytes.Contains for a short word in a row: it searches
// windows of at most 64 bytes, which the standard library searches with
// vector instructions, instead of stepping from one first byte of the word
// to the next, which is slow for a common first letter.
func containsWord(s, w []byte) bool {
	const window = 64
	if len(w) == 0 || len(w) > window/2 {
		return bytes.Contains(s, w)
	}
	for i := 0; ; i += window - len(w) + 1 {
		end := min(i+window, len(s))
		if bytes.Contains(s[i:end], w) {
			return true
		}
		if end == len(s) {
			return false
		}
	}
}

// matchFields reports whether the index row r has the filter's fields.
func (m *queueMatch) matchFields(r *row) bool {
	return !(m.status != nil && !bytes.Equal(r.status, m.status) ||
		m.org != nil && !bytes.Equal(r.org, m.org) ||
		m.category != nil && !bytes.Equal(r.category, m.category) ||
		m.assignee != nil && !bytes.Equal(r.assignee, m.assignee) ||
		m.overPlan && !r.overPlan)
}

// matchWords reports whether the ticket seq with index row r has every
// word of the query.
func (m *queueMatch) matchWords(seq uint64, r *row) bool {
	number, rest := r.text, []byte(nil)
	if i := bytes.IndexByte(r.text, ' '); i >= 0 {
		number, rest = r.text[:i], r.text[i:]
	}
	for _, w := range m.words {
		if w.seq == 0 {
			if !containsWord(r.text, w.text) {
				return false
			}
			continue
		}
		isTicket := w.seq == seq
		if isTicket && w.prefix != nil {
			j := bytes.LastIndexByte(number, '-')
			isTicket = j >= 0 && bytes.Equal(number[:j], w.prefix)
		}
		if !isTicket && !containsWord(rest, w.text) {
			return false
		}
	}
	return true
}
