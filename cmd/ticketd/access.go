package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// access is how the support commands reach the tickets. The store has one
// writer: while `ticketd run` holds the database, the commands go through
// its admin API on admin.listen; when the daemon is down they open the
// database file themselves.
type access struct {
	policy *rules.Policy
	prefix string        // tickets.prefix, for numbers typed without it
	limits intake.Limits // the daemon's parsing limits, to read messages as it does
	client *admin.Client // set when the daemon answers
	db     *store.DB     // set otherwise
}

// openAccess loads the configuration and connects to the daemon's admin
// API, or opens the store (for writing when write is set).
func openAccess(ctx context.Context, cfgPath string, write bool) (*access, error) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	if err := cfg.ValidateStore(); err != nil {
		return nil, err
	}
	a := &access{policy: cfg.Policy(), prefix: cfg.Tickets.Prefix, limits: cfg.IntakeLimits()}
	if cfg.Admin.Listen != "" {
		c := admin.NewClient(cfg.Admin.Listen, 10*time.Second)
		up, err := c.Up(ctx)
		if err != nil {
			return nil, err // names the admin API
		}
		if up {
			a.client = c
			return a, nil
		}
	}
	a.db, err = store.Open(cfg.Store.Path, store.Options{Timeout: cfg.Store.LockTimeout, ReadOnly: !write})
	if err != nil {
		return nil, fmt.Errorf("%w (and no ticketd admin API answers at admin.listen %q)", err, cfg.Admin.Listen)
	}
	return a, nil
}

func (a *access) Close() error {
	if a.db != nil {
		return a.db.Close()
	}
	return nil
}

func (a *access) Tickets(ctx context.Context, f store.TicketFilter) ([]store.Ticket, error) {
	if a.client != nil {
		return a.client.Tickets(ctx, f)
	}
	return a.db.Tickets(f)
}

// Ticket returns the ticket an operator named ("5", "000005" or
// "SUP-000005"); a missing one is "no ticket SUP-000005".
func (a *access) Ticket(ctx context.Context, arg string) (*store.Ticket, error) {
	number, err := ticketNumber(a.prefix, arg)
	if err != nil {
		return nil, err
	}
	var t *store.Ticket
	if a.client != nil {
		t, err = a.client.Ticket(ctx, number)
	} else {
		t, err = a.db.Ticket(number)
	}
	return t, noTicket(number, err)
}

// Raw returns the raw bytes of the i-th (1-based) customer message of t.
func (a *access) Raw(ctx context.Context, t *store.Ticket, i int) ([]byte, error) {
	if a.client != nil {
		return a.client.Raw(ctx, t.Number, i)
	}
	if i < 1 || i > len(t.Messages) {
		return nil, fmt.Errorf("ticket %s has no message %d: %w", t.Number, i, store.ErrNotFound)
	}
	return a.db.Raw(t.Messages[i-1].Key)
}

func (a *access) Ledger(ctx context.Context, org string) ([]store.LedgerEntry, error) {
	if a.client != nil {
		return a.client.Ledger(ctx, org)
	}
	return a.db.Ledger(org)
}

func (a *access) MarkWarranty(ctx context.Context, arg string) (*store.Ticket, error) {
	number, err := ticketNumber(a.prefix, arg)
	if err != nil {
		return nil, err
	}
	var t *store.Ticket
	if a.client != nil {
		t, err = a.client.MarkWarranty(ctx, number)
	} else {
		t, err = a.db.MarkWarranty(number, time.Now())
	}
	return t, noTicket(number, err)
}

func (a *access) CloseTicket(ctx context.Context, arg string) (*store.Ticket, error) {
	number, err := ticketNumber(a.prefix, arg)
	if err != nil {
		return nil, err
	}
	var t *store.Ticket
	if a.client != nil {
		t, err = a.client.CloseTicket(ctx, number)
	} else {
		t, err = a.db.CloseTicket(number, time.Now())
	}
	return t, noTicket(number, err)
}

func (a *access) TurnedAway(ctx context.Context, since time.Time) ([]store.TurnedAwayRecord, error) {
	if a.client != nil {
		return a.client.TurnedAway(ctx, since)
	}
	return a.db.TurnedAway(since)
}
