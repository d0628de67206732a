// Package desk is what support staff do with the tickets, from the command
// line today and the web console next: list and show tickets with their
// conversation, export them, mark warranty, close, read the ledger, list
// turned-away mail. The store has one writer: while `ticketd run` holds the
// database, the desk goes through its admin API on admin.listen; when the
// daemon is down it opens the database file itself.
package desk

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/daemon"
	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// Desk is how support staff reach the tickets. The store has one
// writer: while `ticketd run` holds the database, the commands go through
// its admin API on admin.listen; when the daemon is down they open the
// database file themselves.
type Desk struct {
	cfg    *config.Config
	policy *rules.Policy
	prefix string        // tickets.prefix, for numbers typed without it
	limits intake.Limits // the daemon's parsing limits, to read messages as it does
	client *admin.Client // set when the daemon answers
	db     *store.DB     // set otherwise
}

// Open connects to the daemon's admin API at cfg's admin.listen, or, when
// no daemon answers there, opens the store (for writing when write is set).
func Open(ctx context.Context, cfg *config.Config, write bool) (*Desk, error) {
	if err := cfg.ValidateStore(); err != nil {
		return nil, err
	}
	a := &Desk{cfg: cfg, policy: cfg.Policy(), prefix: cfg.Tickets.Prefix, limits: cfg.IntakeLimits()}
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
	var err error
	a.db, err = store.Open(cfg.Store.Path, store.Options{Timeout: cfg.Store.LockTimeout, ReadOnly: !write})
	if err != nil {
		return nil, fmt.Errorf("%w (and no ticketd admin API answers at admin.listen %q)", err, cfg.Admin.Listen)
	}
	return a, nil
}

// Close closes the store when the desk opened it.
func (a *Desk) Close() error {
	if a.db != nil {
		return a.db.Close()
	}
	return nil
}

// Tickets lists the tickets f selects.
func (a *Desk) Tickets(ctx context.Context, f store.TicketFilter) ([]store.Ticket, error) {
	if a.client != nil {
		return a.client.Tickets(ctx, f)
	}
	return a.db.Tickets(f)
}

// Ticket returns the ticket an operator named ("5", "000005" or
// "SUP-000005"); a missing one is "no ticket SUP-000005".
func (a *Desk) Ticket(ctx context.Context, arg string) (*store.Ticket, error) {
	number, err := TicketNumber(a.prefix, arg)
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
func (a *Desk) Raw(ctx context.Context, t *store.Ticket, i int) ([]byte, error) {
	if a.client != nil {
		return a.client.Raw(ctx, t.Number, i)
	}
	if i < 1 || i > len(t.Messages) {
		return nil, fmt.Errorf("ticket %s has no message %d: %w", t.Number, i, store.ErrNotFound)
	}
	return a.db.Raw(t.Messages[i-1].Key)
}

// Ledger returns the plan usage of org (all organizations for "").
func (a *Desk) Ledger(ctx context.Context, org string) ([]store.LedgerEntry, error) {
	if a.client != nil {
		return a.client.Ledger(ctx, org)
	}
	return a.db.Ledger(org)
}

// MarkWarranty marks a warranty ticket: its deduction is refunded.
func (a *Desk) MarkWarranty(ctx context.Context, arg string) (*store.Ticket, error) {
	number, err := TicketNumber(a.prefix, arg)
	if err != nil {
		return nil, err
	}
	var t *store.Ticket
	if a.client != nil {
		t, err = a.client.MarkWarranty(ctx, number)
	} else {
		t, err = a.registrar().MarkWarranty(number, "")
	}
	return t, noTicket(number, err)
}

// CloseTicket closes a ticket.
func (a *Desk) CloseTicket(ctx context.Context, arg string) (*store.Ticket, error) {
	number, err := TicketNumber(a.prefix, arg)
	if err != nil {
		return nil, err
	}
	var t *store.Ticket
	if a.client != nil {
		t, err = a.client.CloseTicket(ctx, number)
	} else {
		// The closing email waits in the outbox for the daemon's next start.
		t, err = a.registrar().CloseTicket(number, "")
	}
	return t, noTicket(number, err)
}

// registrar is registration over the store file, for the changes that
// send email (when the daemon is down).
func (a *Desk) registrar() *registration.Registrar {
	return registration.New(a.db, a.policy, daemon.RegistrationSettings(a.cfg, slog.New(slog.DiscardHandler)))
}

// TurnedAway lists the mail that made no ticket, received since (zero:
// all).
func (a *Desk) TurnedAway(ctx context.Context, since time.Time) ([]store.TurnedAwayRecord, error) {
	if a.client != nil {
		return a.client.TurnedAway(ctx, since)
	}
	return a.db.TurnedAway(since)
}

// Policy is the rules' view of the configuration.
func (a *Desk) Policy() *rules.Policy { return a.policy }

// Limits are the daemon's parsing limits, to read messages as it does.
func (a *Desk) Limits() intake.Limits { return a.limits }

// Config is the configuration the desk was opened with.
func (a *Desk) Config() *config.Config { return a.cfg }

// Client is the running daemon's admin API, nil when the desk works on
// the file.
func (a *Desk) Client() *admin.Client { return a.client }

// DB is the store when the desk works on the file, nil through the daemon.
func (a *Desk) DB() *store.DB { return a.db }

// TurnedAwayFor lists the mail that made no ticket, received since (zero:
// all), only that of reason ("rejected", "ignored", "held") when reason is
// not "".
func (a *Desk) TurnedAwayFor(ctx context.Context, since time.Time, reason string) ([]store.TurnedAwayRecord, error) {
	rs, err := a.TurnedAway(ctx, since)
	if err != nil || reason == "" {
		return rs, err
	}
	var out []store.TurnedAwayRecord
	for _, r := range rs {
		if strings.EqualFold(TurnedAwayReason(r), reason) {
			out = append(out, r)
		}
	}
	return out, nil
}

// TurnedAwayReason is why a message made no ticket: held, rejected or
// ignored.
func TurnedAwayReason(r store.TurnedAwayRecord) string {
	if r.Reason != "" {
		return r.Reason
	}
	return string(r.Outcome)
}
