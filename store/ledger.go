package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// LedgerEntry counts one organization's tickets in one plan period.
type LedgerEntry struct {
	Org      string `json:"org"`
	Period   string `json:"period"`
	Used     int    `json:"used"`      // tickets that deducted from the plan
	Warranty int    `json:"warranty"`  // warranty tickets (never deducted)
	OverPlan int    `json:"over_plan"` // deducted tickets beyond the included ones
}

func ledgerKey(org, period string) []byte {
	return []byte(org + "\x00" + period)
}

// charge counts one ticket for (org, period): a warranty ticket in the
// warranty counter, any other in Used. It reports whether a deducted ticket
// is over plan: the plan included tickets (included > 0) and they were all
// used before this one, and how many tickets the period has used with it.
func charge(tx *bolt.Tx, org, period string, warranty bool, included int) (overPlan bool, used int, err error) {
	b := tx.Bucket(bucketLedger)
	key := ledgerKey(org, period)
	e := LedgerEntry{Org: org, Period: period}
	if _, err := getJSON(b, key, &e); err != nil {
		return false, 0, fmt.Errorf("ledger %s %s: %w", org, period, err)
	}
	if warranty {
		e.Warranty++
	} else {
		overPlan = included > 0 && e.Used >= included
		e.Used++
		if overPlan {
			e.OverPlan++
		}
	}
	if err := putJSON(b, key, &e); err != nil {
		return false, 0, fmt.Errorf("ledger %s %s: %w", org, period, err)
	}
	return overPlan, e.Used, nil
}

// Ledger returns the ledger entries of org ("" for every organization),
// ordered by organization and period key.
func (db *DB) Ledger(org string) ([]LedgerEntry, error) {
	var out []LedgerEntry
	err := db.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketLedger)
		if b == nil {
			return nil
		}
		var prefix []byte
		if org != "" {
			prefix = ledgerKey(org, "")
		}
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var e LedgerEntry
			if err := decodeJSON(k, v, &e); err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ledger %q: %w", org, err)
	}
	return out, nil
}
