package mailtest

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/ticketd/ticketd/internal/memimap"
)

// Message is one email the SMTP server accepted.
type Message struct {
	From string
	To   []string
	User string // the authenticated user, "" if none
	Data []byte
}

// SMTPOptions configure StartSMTPWith and NewSMTP; the zero value is
// StartSMTP's server: plain text, no AUTH, PIPELINING and CHUNKING
// offered, every email accepted and kept.
type SMTPOptions struct {
	// Security: "tls" serves implicit TLS, "starttls" offers STARTTLS, ""
	// plain text only (a self-signed certificate for 127.0.0.1).
	Security string
	// Username and Password, when set, make AUTH PLAIN offered and
	// required; with Bearer too, AUTH XOAUTH2 with that token instead.
	Username, Password, Bearer string
	// MailErr answers every MAIL FROM; RcptErr answers RCPT TO per
	// recipient; DataErr answers the end of DATA per first recipient.
	MailErr          error
	RcptErr, DataErr map[string]error
	// DropAt drops the connection at RCPT TO of these recipients.
	DropAt map[string]bool
	// NoPipelining and NoChunking hide PIPELINING and CHUNKING from the
	// EHLO reply, for the clients' other paths.
	NoPipelining, NoChunking bool
	// DataStarted, when set, gets a value when DATA begins, and DATA then
	// waits for Release to be closed (the server closes it when stopping).
	DataStarted, Release chan struct{}
	// Wire records what the server reads, read by read (see Reads).
	Wire bool
	// SMTPUTF8 offers SMTPUTF8 (RFC 6531) in the EHLO reply.
	SMTPUTF8 bool
	// Sink, when set, receives each accepted email instead of the list
	// Messages returns (a benchmark's sink keeps nothing).
	Sink func(Message)
}

// SMTPServer is a recording go-smtp server on 127.0.0.1 with failure
// injection.
type SMTPServer struct {
	Addr string

	opts        SMTPOptions
	tls         *tls.Config
	release     sync.Once
	reads       [][]byte // what the server read, when opts.Wire (mu)
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
	return StartSMTPWith(t, SMTPOptions{})
}

// StartSMTPWith starts a server with opts; it stops when the test ends.
func StartSMTPWith(t testing.TB, opts SMTPOptions) *SMTPServer {
	t.Helper()
	if opts.Security != "" {
		cert := TestCert(t)
		opts.Security = strings.ToLower(opts.Security)
		s, err := newSMTP(opts, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		if err != nil {
			t.Fatal(err)
		}
		s.t = t
		t.Cleanup(s.Stop)
		return s
	}
	s, err := NewSMTP(opts)
	if err != nil {
		t.Fatal(err)
	}
	s.t = t
	t.Cleanup(s.Stop)
	return s
}

// NewSMTP starts a plain-text server outside a test (a benchmark's sink);
// Stop it when done. WaitFor and Restart need a server from StartSMTP.
func NewSMTP(opts SMTPOptions) (*SMTPServer, error) {
	opts.Security = ""
	return newSMTP(opts, nil)
}

func newSMTP(opts SMTPOptions, tlsConfig *tls.Config) (*SMTPServer, error) {
	s := &SMTPServer{opts: opts, tls: tlsConfig, changed: make(chan struct{}), failRcpt: map[string]*smtp.SMTPError{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.Addr = ln.Addr().String()
	s.serve(ln)
	return s, nil
}

func (s *SMTPServer) serve(ln net.Listener) {
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		s.connections.Add(1)
		s.mu.Lock()
		s.open++
		s.maxOpen = max(s.maxOpen, s.open)
		s.notifyLocked()
		s.mu.Unlock()
		return &session{s: s, conn: c}, nil
	}))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ErrorLog = log.New(io.Discard, "", 0) // clients that hang up are part of the tests
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 64 << 20
	srv.EnableSMTPUTF8 = s.opts.SMTPUTF8
	ln = wireListener{Listener: ln, s: s}
	switch s.opts.Security {
	case "tls":
		ln = tls.NewListener(ln, s.tls)
	case "starttls":
		srv.TLSConfig = s.tls
	}
	s.mu.Lock()
	s.server, s.ln = srv, ln
	s.mu.Unlock()
	go func() { _ = srv.Serve(ln) }()
}

// Stop closes the server: connections are refused until Restart. It
// releases DATA held by SMTPOptions.Release first.
func (s *SMTPServer) Stop() {
	if s.opts.Release != nil {
		s.release.Do(func() { close(s.opts.Release) })
	}
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

// Reads returns what the server read from the wire, read by read
// (SMTPOptions.Wire).
func (s *SMTPServer) Reads() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([][]byte(nil), s.reads...)
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

// MessagesTo returns the accepted messages with addr among their
// recipients (compared without regard to case), in the order accepted.
func (s *SMTPServer) MessagesTo(addr string) []Message {
	var out []Message
	for _, m := range s.Messages() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
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
	conn *smtp.Conn
	user string
	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (ss *session) AuthMechanisms() []string {
	switch o := ss.s.opts; {
	case o.Username == "":
		return nil
	case o.Bearer != "":
		return []string{"XOAUTH2"}
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	o := ss.s.opts
	if mech == "XOAUTH2" {
		return memimap.NewXOAuth2Server(func(user, token string) bool {
			if user != o.Username || token != o.Bearer {
				return false
			}
			ss.user = user
			return true
		}), nil
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != o.Username || password != o.Password {
			return smtp.ErrAuthFailed
		}
		ss.user = username
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	if ss.s.opts.MailErr != nil {
		return ss.s.opts.MailErr
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.failAll != nil {
		return ss.s.failAll
	}
	ss.from, ss.to = from, nil
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if ss.s.opts.DropAt[to] {
		_ = ss.conn.Conn().Close()
		return &smtp.SMTPError{Code: 421, EnhancedCode: smtp.EnhancedCodeNotSet, Message: "gone"}
	}
	if err := ss.s.opts.RcptErr[to]; err != nil {
		return err
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if err := ss.s.failRcpt[strings.ToLower(to)]; err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	if o := ss.s.opts; o.DataStarted != nil {
		select {
		case o.DataStarted <- struct{}{}:
		default: // a later message of a pipelined group: the test saw the first
		}
		<-o.Release
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	ss.s.waitForSessions() // with the data read: the server's read timeout does not run
	if len(ss.to) > 0 {
		if err := ss.s.opts.DataErr[ss.to[0]]; err != nil {
			return err
		}
	}
	m := Message{From: ss.from, To: ss.to, User: ss.user, Data: buf.Bytes()}
	if ss.s.opts.Sink != nil {
		ss.s.opts.Sink(m)
		return nil
	}
	ss.s.add(m)
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

// wireListener hands the server connections that record what they read
// (SMTPOptions.Wire) and hide capabilities from the EHLO reply.
type wireListener struct {
	net.Listener
	s *SMTPServer
}

func (l wireListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil || (!l.s.opts.Wire && !l.s.opts.NoPipelining && !l.s.opts.NoChunking) {
		return c, err
	}
	return &wireConn{Conn: c, s: l.s}, nil
}

type wireConn struct {
	net.Conn
	s *SMTPServer
}

func (c *wireConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && c.s.opts.Wire {
		c.s.mu.Lock()
		c.s.reads = append(c.s.reads, bytes.Clone(p[:n]))
		c.s.mu.Unlock()
	}
	return n, err
}

func (c *wireConn) Write(p []byte) (int, error) {
	// go-smtp writes its EHLO reply in one piece.
	out := p
	if c.s.opts.NoPipelining {
		out = bytes.ReplaceAll(out, []byte("250-PIPELINING\r\n"), nil)
	}
	if c.s.opts.NoChunking {
		out = bytes.ReplaceAll(out, []byte("250-CHUNKING\r\n"), nil)
	}
	if _, err := c.Conn.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
