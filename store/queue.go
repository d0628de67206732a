package store

import (
	"bytes"
	"fmt"
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
// Before from the indexes alone.
func queueIndexed(tx *bolt.Tx, m *queueMatch, before uint64, limit int) (seqs []uint64, total int, next uint64) {
	rows := tx.Bucket(bucketIxSearch)
	// The source: the index range with the fewest keys, or every row.
	var src *bolt.Bucket
	var prefix []byte
	n := -1
	for _, c := range m.constraints {
		b := tx.Bucket(c.bucket)
		if cn := countIndex(b, c.prefix, n+1); n < 0 || cn < n {
			src, prefix, n = b, c.prefix, cn
		}
	}
	if n == 0 {
		return nil, 0, 0
	}
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
	if src != nil && len(m.constraints) == 1 && len(m.words) == 0 {
		// One field: its keys are the answer, and the count is the total.
		walkIndexDesc(src, prefix, before, func(seq uint64, _ []byte) bool { return collect(seq) })
		return seqs, n, next
	}
	paging := true
	check := func(seq uint64, v []byte) bool {
		r, ok := parseRow(v)
		if !ok || !m.match(seq, &r) {
			return true
		}
		total++
		if paging {
			paging = collect(seq)
		}
		return true
	}
	if src == nil {
		walkIndexDesc(rows, nil, 0, check)
	} else {
		walkIndexDesc(src, prefix, 0, func(seq uint64, _ []byte) bool { return check(seq, rows.Get(itob(seq))) })
	}
	return seqs, total, next
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
		if !m.match(t.Seq, &r) {
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

// match reports whether the ticket seq with index row r passes the filter.
func (m *queueMatch) match(seq uint64, r *row) bool {
	if m.status != nil && !bytes.Equal(r.status, m.status) ||
		m.org != nil && !bytes.Equal(r.org, m.org) ||
		m.category != nil && !bytes.Equal(r.category, m.category) ||
		m.assignee != nil && !bytes.Equal(r.assignee, m.assignee) ||
		m.overPlan && !r.overPlan {
		return false
	}
	if len(m.words) == 0 {
		return true
	}
	number, rest := r.text, []byte(nil)
	if i := bytes.IndexByte(r.text, ' '); i >= 0 {
		number, rest = r.text[:i], r.text[i:]
	}
	for _, w := range m.words {
		if w.seq == 0 {
			if !bytes.Contains(r.text, w.text) {
				return false
			}
			continue
		}
		isTicket := w.seq == seq
		if isTicket && w.prefix != nil {
			j := bytes.LastIndexByte(number, '-')
			isTicket = j >= 0 && bytes.Equal(number[:j], w.prefix)
		}
		if !isTicket && !bytes.Contains(rest, w.text) {
			return false
		}
	}
	return true
}
