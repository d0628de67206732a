package mailtest

import (
	"crypto/tls"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"

	"github.com/ticketd/ticketd/internal/memimap"
)

// IMAP credentials of the test user.
const (
	IMAPUser     = "support@ticketd.example"
	IMAPPassword = "test-password"
)

// IMAPServer is an in-memory IMAP server on 127.0.0.1.
type IMAPServer struct {
	Addr string
	User *imapmemserver.User

	t    testing.TB
	caps imap.CapSet
	// user and password are the account's credentials.
	user, password string
	// checkOAuth, when set, makes the server take only AUTHENTICATE
	// XOAUTH2 and OAUTHBEARER (see WithOAuth).
	checkOAuth func(mech, user, token string) bool
	// tls is the server's TLS configuration; implicitTLS speaks it from
	// the first byte, otherwise it is offered with STARTTLS.
	tls         *tls.Config
	implicitTLS bool
	// wire receives what the server sends (see WithWire).
	wire io.Writer

	// failMoves makes MOVE and COPY answer NO (see FailMoves).
	failMoves atomic.Bool

	mu     sync.Mutex
	server *imapserver.Server
	ln     net.Listener
	done   chan struct{}
}

// IMAPOption configures an IMAPServer.
type IMAPOption func(*IMAPServer)

// WithoutMove makes the server an IMAP4rev1-only server: no MOVE, no
// UIDPLUS (but IDLE, as go-imap's server always offers it with rev1).
func WithoutMove() IMAPOption {
	return func(s *IMAPServer) { s.caps = imap.CapSet{imap.CapIMAP4rev1: {}} }
}

// WithXOAuth2 makes the server refuse LOGIN and accept AUTHENTICATE
// XOAUTH2 for the tokens accept approves, as Gmail and Microsoft 365 do.
func WithXOAuth2(accept func(user, token string) bool) IMAPOption {
	return WithOAuth(func(mech, user, token string) bool { return mech == "XOAUTH2" && accept(user, token) })
}

// WithCaps replaces the capabilities (IMAP4rev1 and IMAP4rev2, with MOVE
// and UIDPLUS, by default).
func WithCaps(caps imap.CapSet) IMAPOption {
	return func(s *IMAPServer) { s.caps = caps }
}

// WithCredentials replaces the test user's name and password.
func WithCredentials(user, password string) IMAPOption {
	return func(s *IMAPServer) { s.user, s.password = user, password }
}

// WithOAuth makes the server refuse LOGIN and accept AUTHENTICATE XOAUTH2
// and OAUTHBEARER when check approves the mechanism, user and token.
func WithOAuth(check func(mech, user, token string) bool) IMAPOption {
	return func(s *IMAPServer) { s.checkOAuth = check }
}

// WithImplicitTLS makes the server speak TLS from the first byte, with a
// self-signed certificate for 127.0.0.1 and localhost.
func WithImplicitTLS() IMAPOption {
	return func(s *IMAPServer) {
		s.tls, s.implicitTLS = &tls.Config{Certificates: []tls.Certificate{TestCert(s.t)}}, true
	}
}

// WithSTARTTLS makes the server offer STARTTLS, with a self-signed
// certificate for 127.0.0.1 and localhost.
func WithSTARTTLS() IMAPOption {
	return func(s *IMAPServer) { s.tls = &tls.Config{Certificates: []tls.Certificate{TestCert(s.t)}} }
}

// WithWire copies what the server sends to w.
func WithWire(w io.Writer) IMAPOption {
	return func(s *IMAPServer) { s.wire = w }
}

// StartIMAP starts a server with one user and an INBOX. It stops when the
// test ends.
func StartIMAP(t testing.TB, opts ...IMAPOption) *IMAPServer {
	t.Helper()
	s, err := newIMAP(t, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// NewIMAP starts a server outside a test (a benchmark's mailbox); Stop it
// when done. Use AppendRaw to seed it: the TLS options and Restart need a
// server from StartIMAP.
func NewIMAP(opts ...IMAPOption) (*IMAPServer, error) {
	return newIMAP(nil, opts)
}

func newIMAP(t testing.TB, opts []IMAPOption) (*IMAPServer, error) {
	s := &IMAPServer{
		t:        t,
		caps:     imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		user:     IMAPUser,
		password: IMAPPassword,
	}
	for _, o := range opts {
		o(s)
	}
	s.User = imapmemserver.NewUser(s.user, s.password)
	if err := s.User.Create("INBOX", nil); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.Addr = ln.Addr().String()
	s.serve(ln)
	return s, nil
}

func (s *IMAPServer) serve(ln net.Listener) {
	opts := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			if s.checkOAuth != nil {
				return memimap.NewOAuthSession(s.User, s.checkOAuth), nil, nil
			}
			return memimap.NewSessionFailingMoves(s.User, s.failMoves.Load), nil, nil
		},
		Caps:         s.caps,
		InsecureAuth: true,
		Logger:       discardLogger{},
		DebugWriter:  s.wire,
	}
	if s.implicitTLS {
		ln = tls.NewListener(ln, s.tls)
	} else {
		opts.TLSConfig = s.tls
	}
	srv := imapserver.New(opts)
	done := make(chan struct{})
	s.mu.Lock()
	s.server, s.ln, s.done = srv, ln, done
	s.mu.Unlock()
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
}

// FailMoves makes every MOVE and COPY answer NO while on is true.
func (s *IMAPServer) FailMoves(on bool) { s.failMoves.Store(on) }

// Stop closes the listener and every connection; mailboxes are kept.
func (s *IMAPServer) Stop() {
	s.mu.Lock()
	srv, done := s.server, s.done
	s.server = nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	_ = srv.Close()
	<-done
}

// Restart starts the server again on the same address with the same
// mailboxes, as after a server restart.
func (s *IMAPServer) Restart() {
	s.t.Helper()
	s.Stop()
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		s.t.Fatalf("restart imap on %s: %v", s.Addr, err)
	}
	s.serve(ln)
}

// Append adds a message to a mailbox without a client.
func (s *IMAPServer) Append(mailbox string, raw []byte) {
	s.t.Helper()
	s.AppendAt(mailbox, raw, time.Now())
}

// AppendRaw adds a message received at to a mailbox without a client.
func (s *IMAPServer) AppendRaw(mailbox string, raw []byte, at time.Time) error {
	_, err := s.User.Append(mailbox, memimap.Literal(raw), &imap.AppendOptions{Time: at})
	return err
}

// AppendAt adds a message whose INTERNALDATE (the time the server received
// it) is at.
func (s *IMAPServer) AppendAt(mailbox string, raw []byte, at time.Time) {
	s.t.Helper()
	if _, err := s.User.Append(mailbox, memimap.Literal(raw), &imap.AppendOptions{Time: at}); err != nil {
		s.t.Fatalf("append to %s: %v", mailbox, err)
	}
}

// Count returns the number of messages in a mailbox (-1 if it does not
// exist).
func (s *IMAPServer) Count(mailbox string) int {
	st, err := s.User.Status(mailbox, &imap.StatusOptions{NumMessages: true})
	if err != nil {
		var ierr *imap.Error
		if errors.As(err, &ierr) {
			return -1
		}
		return -1
	}
	return int(*st.NumMessages)
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
