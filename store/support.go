package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// MarkWarranty makes a ticket a warranty ticket, as support staff decide
// after the fact: a deducted ticket is refunded in its period's ledger
// (Used, and OverPlan if it was over plan, go down; Warranty goes up). A
// ticket that is already a warranty ticket is left as it is.
func (db *DB) MarkWarranty(number string, at time.Time) (*Ticket, error) {
	var out *Ticket
	err := db.update(func(tx *bolt.Tx) error {
		t, err := getTicket(tx, number)
		if err != nil {
			return err
		}
		if !t.Warranty {
			if err := refund(tx, t); err != nil {
				return err
			}
			t.Warranty, t.DeductsQuota, t.OverPlan = true, false, false
			t.UpdatedAt = at
			if err := putTicket(tx, t); err != nil {
				return err
			}
		}
		out = t
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mark %s warranty: %w", number, err)
	}
	return out, nil
}

// refund moves a ticket's deduction to the warranty counter.
func refund(tx *bolt.Tx, t *Ticket) error {
	if t.Period == "" {
		return nil // never charged (no organization period)
	}
	b := tx.Bucket(bucketLedger)
	key := ledgerKey(t.Organization, t.Period)
	e := LedgerEntry{Org: t.Organization, Period: t.Period}
	if _, err := getJSON(b, key, &e); err != nil {
		return err
	}
	if t.DeductsQuota && e.Used > 0 {
		e.Used--
	}
	if t.OverPlan && e.OverPlan > 0 {
		e.OverPlan--
	}
	e.Warranty++
	return putJSON(b, key, &e)
}

// CloseTicket closes a ticket. Closing a closed ticket changes nothing.
func (db *DB) CloseTicket(number string, at time.Time) (*Ticket, error) {
	var out *Ticket
	err := db.update(func(tx *bolt.Tx) error {
		t, err := getTicket(tx, number)
		if err != nil {
			return err
		}
		if t.Status != StatusClosed {
			t.Status, t.ClosedAt, t.UpdatedAt = StatusClosed, at, at
			if err := putTicket(tx, t); err != nil {
				return err
			}
		}
		out = t
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("close %s: %w", number, err)
	}
	return out, nil
}
