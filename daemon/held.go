package daemon

import (
	"context"
	"errors"
	"time"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

// HeldDesk lists and releases held mail (admin.HeldBackend): the daemon's
// own registrar registers a released message, and Kick, when set, wakes
// the outbox for its receipt. `ticketd held` uses it on the file when the
// daemon is down.
type HeldDesk struct {
	DB   *store.DB
	Reg  *registration.Registrar
	Kick func()
}

var _ admin.HeldBackend = (*HeldDesk)(nil)

// TurnedAway lists the turned-away messages received since (zero: all).
func (h *HeldDesk) TurnedAway(since time.Time) ([]store.TurnedAwayRecord, error) {
	return h.DB.TurnedAway(since)
}

// Held lists the held messages not yet released.
func (h *HeldDesk) Held() ([]store.TurnedAwayRecord, error) { return h.DB.Held() }

// Release registers held message id as arriving now.
func (h *HeldDesk) Release(ctx context.Context, id uint64) (admin.Released, error) {
	out, err := h.Reg.Release(ctx, id)
	if err != nil {
		return admin.Released{ID: id}, err
	}
	h.kick()
	return released(id, out), nil
}

// ReleaseAll releases every held message.
func (h *HeldDesk) ReleaseAll(ctx context.Context) ([]admin.Released, error) {
	held, err := h.DB.Held()
	if err != nil {
		return nil, err
	}
	var rels []admin.Released
	for _, r := range held {
		out, err := h.Reg.Release(ctx, r.ID)
		if errors.Is(err, store.ErrReleased) {
			continue
		}
		if err != nil {
			h.kick()
			return rels, err
		}
		rels = append(rels, released(r.ID, out))
	}
	h.kick()
	return rels, nil
}

func (h *HeldDesk) kick() {
	if h.Kick != nil {
		h.Kick()
	}
}

func released(id uint64, out *registration.Outcome) admin.Released {
	return admin.Released{ID: id, Ticket: out.Ticket, Verdict: out.Verdict, Queued: out.Queued}
}
