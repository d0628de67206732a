package admin

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/ticketd/ticketd/store"
)

// Released is what releasing one held message did.
type Released struct {
	ID      uint64 `json:"id"`
	Ticket  string `json:"ticket,omitempty"` // the ticket it became ("" when judged again it made none)
	Verdict string `json:"verdict"`
	Queued  int    `json:"emails_queued"`
}

// HeldBackend lists the turned-away mail, and lists and releases the mail
// held over a contact's hourly rate of new tickets. Releasing registers
// through the daemon's registrar, which *store.DB alone cannot do.
type HeldBackend interface {
	TurnedAway(since time.Time) ([]store.TurnedAwayRecord, error)
	Held() ([]store.TurnedAwayRecord, error)
	Release(ctx context.Context, id uint64) (Released, error)
	ReleaseAll(ctx context.Context) ([]Released, error)
}

// RegisterHeld mounts the turned-away and held-mail routes under
// [PathPrefix]: GET turned-away (since=), GET held, POST held/{id}/release
// and POST held/release (all). log nil discards.
func RegisterHeld(mux *http.ServeMux, hb HeldBackend, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &handlers{log: log}
	list := func(w http.ResponseWriter, r *http.Request) {
		rs, err := hb.Held()
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if rs == nil {
			rs = []store.TurnedAwayRecord{}
		}
		writeJSON(w, http.StatusOK, rs)
	}
	one := func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("held message id %q is not a number", r.PathValue("id")))
			return
		}
		rel, err := hb.Release(r.Context(), id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, rel)
	}
	all := func(w http.ResponseWriter, r *http.Request) {
		rels, err := hb.ReleaseAll(r.Context())
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if rels == nil {
			rels = []Released{}
		}
		writeJSON(w, http.StatusOK, rels)
	}
	for _, rt := range []route{
		{http.MethodGet, PathPrefix + "held", list, false},
		{http.MethodPost, PathPrefix + "held/{id}/release", one, true},
		{http.MethodPost, PathPrefix + "held/release", all, true},
	} {
		var next http.Handler = rt.handle
		if rt.mutating {
			next = requireAdminHeader(next)
		}
		mux.Handle(rt.method+" "+rt.path, RequireIPHost(next))
		mux.Handle(rt.path, RequireIPHost(methodNotAllowed(allowed(rt.method))))
	}
}

// Held lists the held messages not yet released, oldest first.
func (c *Client) Held(ctx context.Context) ([]store.TurnedAwayRecord, error) {
	var rs []store.TurnedAwayRecord
	if err := c.getJSON(ctx, PathPrefix+"held", nil, &rs); err != nil {
		return nil, fmt.Errorf("list held mail: %w", err)
	}
	return rs, nil
}

// ReleaseHeld releases one held message: the daemon registers it as
// arriving now.
func (c *Client) ReleaseHeld(ctx context.Context, id uint64) (Released, error) {
	var rel Released
	err := c.postJSON(ctx, PathPrefix+"held/"+strconv.FormatUint(id, 10)+"/release", nil, &rel)
	if err != nil {
		return rel, fmt.Errorf("release held message %d: %w", id, err)
	}
	return rel, nil
}

// ReleaseAllHeld releases every held message.
func (c *Client) ReleaseAllHeld(ctx context.Context) ([]Released, error) {
	var rels []Released
	if err := c.postJSON(ctx, PathPrefix+"held/release", nil, &rels); err != nil {
		return nil, fmt.Errorf("release held mail: %w", err)
	}
	return rels, nil
}
