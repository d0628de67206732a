package admin

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/ticketd/ticketd/store"
)

// TurnedAwayLister is implemented by a Backend that lists turned-away mail
// (*store.DB does); without it GET /api/v1/turned-away answers 404.
type TurnedAwayLister interface {
	TurnedAway(since time.Time) ([]store.TurnedAwayRecord, error)
}

// SenderEraser is implemented by a Backend that erases a person's data
// from the store (*store.DB does).
type SenderEraser interface {
	EraseSender(ctx context.Context, addr, requestedBy string) (store.EraseStats, error)
}

// Eraser is implemented by a Backend that does the whole erasure: the
// store, and the person's messages in the mail folders (the daemon's
// backend). It is preferred to SenderEraser.
type Eraser interface {
	Erase(ctx context.Context, addr, requestedBy string) (*EraseResult, error)
}

// EraseResult is what POST /api/v1/erase answers.
type EraseResult struct {
	Stats store.EraseStats `json:"stats"`
	// Folders counts the messages removed from each IMAP folder.
	Folders map[string]int `json:"folders,omitempty"`
	// Unsearchable counts the person's messages without a Message-ID:
	// they cannot be found in the folders and must be removed by hand.
	Unsearchable int `json:"unsearchable,omitempty"`
	// MailboxError says why the folders were not (all) cleaned.
	MailboxError string `json:"mailbox_error,omitempty"`
}

func (h *handlers) turnedAway(w http.ResponseWriter, r *http.Request) {
	l, ok := h.b.(TurnedAwayLister)
	if !ok {
		writeError(w, http.StatusNotFound, "this backend keeps no turned-away mail")
		return
	}
	q := r.URL.Query()
	if err := onlyParams(q, "since"); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	var since time.Time
	if s := q.Get("since"); s != "" {
		var err error
		if since, err = parseSince(s); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	}
	rs, err := l.TurnedAway(since)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if rs == nil {
		rs = []store.TurnedAwayRecord{}
	}
	writeJSON(w, http.StatusOK, rs)
}

func (h *handlers) erase(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := onlyParams(q, "sender", "requested_by"); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	addr, by := q.Get("sender"), q.Get("requested_by")
	var res *EraseResult
	var err error
	switch b := h.b.(type) {
	case Eraser:
		res, err = b.Erase(r.Context(), addr, by)
	case SenderEraser:
		var st store.EraseStats
		st, err = b.EraseSender(r.Context(), addr, by)
		res = &EraseResult{Stats: st}
	default:
		writeError(w, http.StatusNotFound, "this backend cannot erase")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The log names who asked and the counts, never whose data it was.
	h.log.Info("sender erased through the admin API", slog.String("requested_by", by),
		slog.Int("tickets", res.Stats.Tickets), slog.Int("turned_away", res.Stats.TurnedAway),
		slog.Int("raw_messages", res.Stats.RawMessages), slog.String("remote", r.RemoteAddr))
	writeJSON(w, http.StatusOK, res)
}

// TurnedAway lists the turned-away (and held) mail received at or after
// since (zero: all), oldest first.
func (c *Client) TurnedAway(ctx context.Context, since time.Time) ([]store.TurnedAwayRecord, error) {
	q := url.Values{}
	if !since.IsZero() {
		q.Set("since", formatSince(since))
	}
	var rs []store.TurnedAwayRecord
	if err := c.getJSON(ctx, PathPrefix+"turned-away", q, &rs); err != nil {
		return nil, fmt.Errorf("turned-away mail: %w", err)
	}
	return rs, nil
}

// Erase asks the daemon to erase the data of the sender addr (see
// store.DB.EraseSender) and their messages in the mail folders.
func (c *Client) Erase(ctx context.Context, addr, requestedBy string) (*EraseResult, error) {
	if addr == "" {
		return nil, fmt.Errorf("erase: %w: empty address", store.ErrInvalid)
	}
	q := url.Values{"sender": {addr}}
	if requestedBy != "" {
		q.Set("requested_by", requestedBy)
	}
	var res EraseResult
	if err := c.postJSON(ctx, PathPrefix+"erase", q, &res); err != nil {
		return nil, fmt.Errorf("erase: %w", err)
	}
	return &res, nil
}
