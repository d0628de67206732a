package admin

import (
	"log/slog"
	"net/http"
	"time"
)

// PathPrefix is where the admin API lives on a mux; nothing else of
// ticketd's should be mounted under it.
const PathPrefix = "/api/v1/"

// AdminHeader is the header the POST routes require, with the value "1".
const AdminHeader = "X-Ticketd-Admin"

// route is one API endpoint.
type route struct {
	method   string // http.MethodGet also answers HEAD
	path     string
	handle   http.HandlerFunc
	mutating bool // needs AdminHeader
}

// NewHandler returns a handler serving the admin API and nothing else
// (other paths get the mux's plain 404). now stamps warranty and close
// changes (nil means time.Now); log may be nil.
func NewHandler(b Backend, now func() time.Time, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	Register(mux, b, now, log)
	return mux
}

// Register mounts the admin API on mux under [PathPrefix], so that the
// daemon can serve /metrics, /healthz and the like from the same mux. Any
// other path under the prefix answers a JSON 404, and a known path asked
// with the wrong method a JSON 405. b must not be nil; now nil means
// time.Now; log nil discards.
func Register(mux *http.ServeMux, b Backend, now func() time.Time, log *slog.Logger) {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	h := &handlers{b: b, now: now, log: log}
	routes := []route{
		{http.MethodGet, PathPrefix + "ping", h.ping, false},
		{http.MethodGet, PathPrefix + "tickets", h.listTickets, false},
		{http.MethodGet, PathPrefix + "tickets/{number}", h.showTicket, false},
		{http.MethodGet, PathPrefix + "tickets/{number}/messages/{i}/raw", h.rawMessage, false},
		{http.MethodPost, PathPrefix + "tickets/{number}/warranty", h.markWarranty, true},
		{http.MethodPost, PathPrefix + "tickets/{number}/close", h.closeTicket, true},
		{http.MethodGet, PathPrefix + "ledger", h.ledger, false},
		// The backup holds every message: like a change, it needs the
		// header a foreign web page cannot send.
		{http.MethodGet, PathPrefix + "backup", h.backup, true},
		{http.MethodGet, PathPrefix + "turned-away", h.turnedAway, false},
		{http.MethodPost, PathPrefix + "erase", h.erase, true},
	}
	for _, rt := range routes {
		var next http.Handler = rt.handle
		if rt.mutating {
			next = requireAdminHeader(next)
		}
		mux.Handle(rt.method+" "+rt.path, RequireIPHost(next))
		// The method-less pattern is less specific: it only gets the
		// other methods, and answers them in JSON rather than the mux's
		// plain-text 405.
		mux.Handle(rt.path, RequireIPHost(methodNotAllowed(allowed(rt.method))))
	}
	mux.Handle(PathPrefix, RequireIPHost(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such admin API route: "+r.URL.Path)
	})))
}

func allowed(method string) string {
	if method == http.MethodGet {
		return "GET, HEAD"
	}
	return method
}

func methodNotAllowed(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, "method "+r.Method+" not allowed; use "+allow)
	})
}
