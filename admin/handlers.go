package admin

import (
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/ticketd/ticketd/store"
)

// handlers serve the admin API routes from a Backend.
type handlers struct {
	b   Backend
	now func() time.Time
	log *slog.Logger
}

// pingBody is what GET /api/v1/ping answers; Client.Up checks Service.
type pingBody struct {
	Service string `json:"service"`
}

const serviceName = "ticketd"

func (h *handlers) ping(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, pingBody{Service: serviceName})
}

func (h *handlers) listTickets(w http.ResponseWriter, r *http.Request) {
	f, err := parseTicketFilter(r.URL.Query())
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ts, err := h.b.Tickets(f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if ts == nil {
		ts = []store.Ticket{} // [] rather than null
	}
	writeJSON(w, http.StatusOK, ts)
}

func (h *handlers) showTicket(w http.ResponseWriter, r *http.Request) {
	t, err := h.b.Ticket(r.PathValue("number"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, t)
}

// rawMessage answers the i-th (1-based) customer message of a ticket as
// message/rfc822, for export.
func (h *handlers) rawMessage(w http.ResponseWriter, r *http.Request) {
	i, err := strconv.Atoi(r.PathValue("i"))
	if err != nil || i < 1 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("message index %q is not a number from 1", r.PathValue("i")))
		return
	}
	t, err := h.b.Ticket(r.PathValue("number"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if i > len(t.Messages) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("ticket %s has %d messages, not %d", t.Number, len(t.Messages), i))
		return
	}
	raw, err := h.b.Raw(t.Messages[i-1].Key)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "message/rfc822")
	hd.Set("Content-Length", strconv.Itoa(len(raw)))
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment",
		map[string]string{"filename": fmt.Sprintf("%s-%d.eml", t.Number, i)}))
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(raw)
}

func (h *handlers) markWarranty(w http.ResponseWriter, r *http.Request) {
	h.change(w, r, "warranty", h.b.MarkWarranty)
}

func (h *handlers) closeTicket(w http.ResponseWriter, r *http.Request) {
	h.change(w, r, "close", h.b.CloseTicket)
}

// change applies one staff decision to a ticket and answers the ticket.
func (h *handlers) change(w http.ResponseWriter, r *http.Request, what string, apply func(string, time.Time) (*store.Ticket, error)) {
	number := r.PathValue("number")
	t, err := apply(number, h.now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.log.Info("ticket changed through the admin API", slog.String("change", what),
		slog.String("ticket", t.Number), slog.String("remote", r.RemoteAddr))
	writeJSON(w, http.StatusOK, t)
}

func (h *handlers) ledger(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if err := onlyParams(q, "org"); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	es, err := h.b.Ledger(q.Get("org"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if es == nil {
		es = []store.LedgerEntry{}
	}
	writeJSON(w, http.StatusOK, es)
}

// backup streams a consistent copy of the database (bbolt's Tx.WriteTo in
// one read transaction), so that a backup can be taken while the daemon
// holds the file.
func (h *handlers) backup(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Type", "application/octet-stream")
	hd.Set("Content-Disposition", `attachment; filename="ticketd.db"`)
	hd.Set("Cache-Control", "no-store")
	n, err := h.b.WriteBackup(w)
	if err != nil {
		// The status line is gone; a short body tells the client.
		h.log.Error("admin: backup failed", "bytes", n, "err", err)
		panic(http.ErrAbortHandler)
	}
	h.log.Info("admin: backup written", "bytes", n, "remote", r.RemoteAddr)
}
