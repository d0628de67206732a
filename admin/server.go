package admin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/ticketd/ticketd/internal/loopback"
)

// ErrNonLoopback is returned by Server.Start for an address that is not
// loopback while AllowNonLoopback is false.
var ErrNonLoopback = errors.New("admin API address is not a loopback address")

// ErrStarted is returned by Server.Start on a server already started (or
// shut down: a Server serves once).
var ErrStarted = errors.New("admin API server already started")

// Server runs an http.Handler (usually the admin API mux) for the daemon.
type Server struct {
	// AllowNonLoopback lets Start listen on an address other than
	// loopback. The admin API has NO authentication: anyone who can reach
	// the address can read every ticket and raw message and change
	// tickets. It is meant for 127.0.0.1 or a Unix socket; set this only
	// behind a firewall or an authenticating proxy. Set it before Start.
	AllowNonLoopback bool

	addr string
	log  *slog.Logger
	srv  *http.Server

	mu      sync.Mutex
	started bool
	ln      net.Listener
	done    chan struct{} // closed when the serving goroutine returns
}

// NewServer returns a server for h on addr (host:port; port 0 picks one).
// log nil discards.
func NewServer(addr string, h http.Handler, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Server{
		addr: addr,
		log:  log,
		srv: &http.Server{
			Handler:           h,
			ReadHeaderTimeout: 5 * time.Second,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      2 * time.Minute, // raw messages can be tens of MB
			IdleTimeout:       time.Minute,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
	}
}

// Start listens on the address, returning any bind error, and serves in a
// goroutine of its own until Shutdown. It refuses a non-loopback address
// (ErrNonLoopback) unless AllowNonLoopback is set.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return fmt.Errorf("admin API on %s: %w", s.addr, ErrStarted)
	}
	host, _, err := net.SplitHostPort(s.addr)
	if err != nil {
		return fmt.Errorf("admin API address %q: %w", s.addr, err)
	}
	if !s.AllowNonLoopback && !loopback.Host(host) {
		return fmt.Errorf("admin API address %q: %w (the API has no authentication)", s.addr, ErrNonLoopback)
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return fmt.Errorf("admin API: %w", err)
	}
	// "localhost" could resolve to anything: check what was bound.
	if tcp, ok := ln.Addr().(*net.TCPAddr); !s.AllowNonLoopback && (!ok || !tcp.IP.IsLoopback()) {
		_ = ln.Close()
		return fmt.Errorf("admin API address %q bound %s: %w", s.addr, ln.Addr(), ErrNonLoopback)
	}
	s.started, s.ln, s.done = true, ln, make(chan struct{})
	go s.serve(ln, s.done)
	s.log.Info("admin API listening", slog.String("addr", ln.Addr().String()))
	return nil
}

func (s *Server) serve(ln net.Listener, done chan<- struct{}) {
	defer close(done)
	if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.log.Error("admin API stopped serving", slog.Any("err", err))
	}
}

// Addr returns the address listened on once started (the real port when
// the address asked for port 0), else the configured address.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return s.ln.Addr().String()
	}
	return s.addr
}

// Shutdown stops accepting connections, lets requests in progress finish
// and waits for the serving goroutine. When ctx ends first it closes the
// remaining connections and returns ctx's error. A server never started
// just becomes unusable.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.started = true // a Server serves once
	done := s.done
	s.mu.Unlock()
	err := s.srv.Shutdown(ctx)
	if err != nil {
		_ = s.srv.Close()
	}
	if done != nil {
		<-done
	}
	if err != nil {
		return fmt.Errorf("admin API shutdown: %w", err)
	}
	return nil
}
