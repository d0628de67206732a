package mailtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is one email the SMTP server accepted.
type Message struct {
	From string
	To   []string
	Data []byte
}

// SMTPServer is a recording go-smtp server on 127.0.0.1 with failure
// injection.
type SMTPServer struct {
	Addr string

	t           testing.TB
	mu          sync.Mutex
	msgs        []Message
	changed     chan struct{}
	server      *smtp.Server
	ln          net.Listener
	failRcpt    map[string]*smtp.SMTPError
	failAll     *smtp.SMTPError
	connections atomic.Int64
	// open and maxOpen count the sessions open now and at most at once;
	// holdFor makes DATA wait until that many are open (mu guards them).
	open, maxOpen, holdFor int
}

// StartSMTP starts the server; it stops when the test ends.
func StartSMTP(t testing.TB) *SMTPServer {
	t.Helper()
	s := &SMTPServer{t: t, changed: make(chan struct{}), failRcpt: map[string]*smtp.SMTPError{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.Stop)
	return s
}

func (s *SMTPServer) serve(ln net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		s.connections.Add(1)
		s.mu.Lock()
		s.open++
		s.maxOpen = max(s.maxOpen, s.open)
		s.notifyLocked()
		s.mu.Unlock()
		return &session{s: s}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0) // clients that hang up are part of the tests
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	s.mu.Lock()
	s.server, s.ln = srv, ln
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// Stop closes the server: connections are refused until Restart.
func (s *SMTPServer) Stop() {
	s.mu.Lock()
	srv, ln := s.server, s.ln
	s.server, s.ln = nil, nil
	s.mu.Unlock()
	if srv != nil {
		// Close the listener too: the server only learns of it once Serve
		// has started, which may not have happened yet.
		_ = ln.Close()
		// Let sessions whose client went away end on their own first:
		// go-smtp's Close races with a BDAT chunk still being read.
		s.waitSessionsEnd(2 * time.Second)
		_ = srv.Close()
	}
}

// waitSessionsEnd waits until no session is open, at most timeout.
func (s *SMTPServer) waitSessionsEnd(timeout time.Duration) {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		open, changed := s.open, s.changed
		s.mu.Unlock()
		if open == 0 {
			return
		}
		select {
		case <-changed:
		case <-deadline.C:
			return
		}
	}
}

// Restart listens again on the same address.
func (s *SMTPServer) Restart() {
	s.t.Helper()
	s.Stop()
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		s.t.Fatalf("restart smtp on %s: %v", s.Addr, err)
	}
	s.serve(ln)
}

// FailRecipient makes RCPT TO for addr fail with code (4xx or 5xx); code 0
// clears it.
func (s *SMTPServer) FailRecipient(addr string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		delete(s.failRcpt, strings.ToLower(addr))
		return
	}
	s.failRcpt[strings.ToLower(addr)] = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: fmt.Sprintf("injected failure %d", code)}
}

// FailAll makes every MAIL FROM fail with code; 0 clears it.
func (s *SMTPServer) FailAll(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failAll = nil
	if code != 0 {
		s.failAll = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0}, Message: fmt.Sprintf("injected failure %d", code)}
	}
}

// Messages returns a copy of the accepted messages.
func (s *SMTPServer) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Connections returns how many SMTP connections were opened.
func (s *SMTPServer) Connections() int64 { return s.connections.Load() }

// MaxSessions returns the most sessions that were open at once.
func (s *SMTPServer) MaxSessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxOpen
}

// HoldDataUntilSessions makes DATA wait until n sessions have been open at
// once (at most 10 seconds, then it goes on): a client that should use n
// connections then cannot finish on fewer before they overlap. 0 clears it.
func (s *SMTPServer) HoldDataUntilSessions(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdFor = n
}

// waitForSessions waits as HoldDataUntilSessions asks.
func (s *SMTPServer) waitForSessions() {
	timeout := time.NewTimer(10 * time.Second)
	defer timeout.Stop()
	for {
		s.mu.Lock()
		enough, changed := s.maxOpen >= s.holdFor, s.changed
		s.mu.Unlock()
		if enough {
			return
		}
		select {
		case <-changed:
		case <-timeout.C:
			return
		}
	}
}

// WaitFor waits until at least n messages were accepted, or fails the test
// after timeout.
func (s *SMTPServer) WaitFor(n int, timeout time.Duration) []Message {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		s.mu.Lock()
		msgs, changed := append([]Message(nil), s.msgs...), s.changed
		s.mu.Unlock()
		if len(msgs) >= n {
			return msgs
		}
		select {
		case <-changed:
		case <-ctx.Done():
			s.t.Fatalf("smtp: %d messages after %s, want %d", len(msgs), timeout, n)
			return nil
		}
	}
}

func (s *SMTPServer) add(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
	s.notifyLocked()
}

// notifyLocked wakes whoever waits on a change (s.mu held).
func (s *SMTPServer) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

type session struct {
	s    *SMTPServer
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.failAll != nil {
		return ss.s.failAll
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if err := ss.s.failRcpt[strings.ToLower(to)]; err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	ss.s.waitForSessions() // with the data read: the server's read timeout does not run

	ss.s.add(Message{From: ss.from, To: ss.to, Data: buf.Bytes()})
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	ss.s.open--
	ss.s.notifyLocked()
	return nil
}
