package console

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/ticketd/ticketd/inbox"
	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/store"
)

// Actions are what support does on tickets. Registration implements
// them, so that each one's emails and webhook events commit with it.
type Actions interface {
	Answer(number string, by Author, words string) (*store.Ticket, error)
	Note(number string, by Author, words string) (*store.Ticket, error)
	Assign(number string, by Author, assignee string) (*store.Ticket, error)
	Close(number string, by Author) (*store.Ticket, error)
	Reopen(number string, by Author) (*store.Ticket, error)
	Warranty(number string, by Author) (*store.Ticket, error)
}

// Author is who takes an action: the user's address (or name) and name.
type Author struct{ Address, Name string }

// Held releases held mail (leads).
type Held interface {
	Release(ctx context.Context, id uint64) error
}

// Quarantine lists and retries the quarantine folder (leads); nil: the
// page says it is not available.
type Quarantine interface {
	List(ctx context.Context) ([]inbox.Quarantined, error)
	Retry(ctx context.Context, uid uint32) error
}

// Options configure the console.
type Options struct {
	Listen string
	// TLS serves HTTPS itself when set.
	TLS *tls.Config
	// TrustedHeader names the header an authenticating proxy sets to the
	// user's name or email; believed only from loopback and
	// TrustedProxies.
	TrustedHeader  string
	TrustedProxies []netip.Prefix
	SessionIdle    time.Duration
	// Prefix is tickets.prefix, for numbers typed without it.
	Prefix string
	// Organizations name the organizations and their plans.
	Organizations []Organization

	Store      *store.DB
	Actions    Actions
	Held       Held
	Quarantine Quarantine
	// Limits bound the parsing of stored messages for the ticket page.
	Limits intake.Limits
	Log    *slog.Logger
	Now    func() time.Time
}

// Organization is what the console shows of one.
type Organization struct {
	ID, Name        string
	TicketsIncluded int
	// SLAFirstResponse and SLAResolution are the organization's targets
	// (0: none), measured on the ticket's SLA clock.
	SLAFirstResponse, SLAResolution time.Duration
}

// Server is the console.
type Server struct {
	o        Options
	hub      *hub
	throttle *throttle
	pages    map[string]*template.Template
	handler  http.Handler
	srv      *http.Server
	addr     string
	done     chan struct{}
}

// New builds the console; it serves nothing until Start.
func New(o Options) (*Server, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.SessionIdle <= 0 {
		o.SessionIdle = 12 * time.Hour
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s := &Server{o: o, hub: newHub(), throttle: newThrottle(), pages: pages, done: make(chan struct{})}
	s.handler = s.routes()
	return s, nil
}

// Handler is the console's HTTP handler (tests serve it with httptest).
func (s *Server) Handler() http.Handler { return s.handler }

// Notify tells the open pages that tickets changed (the daemon calls it
// after every commit).
func (s *Server) Notify() { s.hub.Notify() }

// Start listens on Options.Listen and serves in the background; the
// error is about the listener.
func (s *Server) Start() error {
	ln, err := net.Listen("tcp", s.o.Listen)
	if err != nil {
		return fmt.Errorf("console listen %s: %w", s.o.Listen, err)
	}
	s.srv = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.o.Log.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if s.o.TLS != nil {
		s.srv.TLSConfig = s.o.TLS
		ln = tls.NewListener(ln, s.o.TLS)
		scheme = "https"
	}
	s.addr = ln.Addr().String()
	s.o.Log.Info("console listening", "addr", s.addr, "scheme", scheme)
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.o.Log.Error("console stopped", "err", err)
		}
	}()
	return nil
}

// Addr is the address Start bound (for tests that listen on port 0).
func (s *Server) Addr() string { return s.addr }

// Shutdown ends the event streams, then the server, within ctx.
func (s *Server) Shutdown(ctx context.Context) error {
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	if s.srv == nil {
		return nil
	}
	return s.srv.Shutdown(ctx)
}
