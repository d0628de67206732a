package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// MarkWarranty makes a ticket a warranty ticket, as support staff decide
// after the fact: a deducted ticket is refunded in its period's ledger
// (Used, and OverPlan if it was over plan, go down; Warranty goes up). A
// ticket that is already a warranty ticket is left as it is. It sends
// nothing; registration's MarkWarranty also tells the team's webhooks.
func (db *DB) MarkWarranty(number string, at time.Time) (*Ticket, error) {
	res, err := db.ChangeTicket(&Change{Number: number, At: at, Action: ActionWarranty, Entry: &Entry{Kind: EntryWarranty}})
	if err != nil {
		return nil, err
	}
	return res.Ticket, nil
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
// It sends nothing; registration's CloseTicket also emails the customer.
func (db *DB) CloseTicket(number string, at time.Time) (*Ticket, error) {
	res, err := db.ChangeTicket(&Change{Number: number, At: at, Action: ActionClose, Entry: &Entry{Kind: EntryClose}})
	if err != nil {
		return nil, err
	}
	return res.Ticket, nil
}
