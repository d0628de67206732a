package mailtest

import (
	"errors"
	"net"
	"sync"
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
	// acceptToken, when set, makes the server take only AUTHENTICATE
	// XOAUTH2 with tokens it accepts (see WithXOAuth2).
	acceptToken func(user, token string) bool

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
	return func(s *IMAPServer) { s.acceptToken = accept }
}

// StartIMAP starts a server with one user and an INBOX. It stops when the
// test ends.
func StartIMAP(t testing.TB, opts ...IMAPOption) *IMAPServer {
	t.Helper()
	s := &IMAPServer{
		t:    t,
		caps: imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		User: imapmemserver.NewUser(IMAPUser, IMAPPassword),
	}
	for _, o := range opts {
		o(s)
	}
	if err := s.User.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.Stop)
	return s
}

func (s *IMAPServer) serve(ln net.Listener) {
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			if s.acceptToken != nil {
				return memimap.NewXOAuth2Session(s.User, s.acceptToken), nil, nil
			}
			return memimap.NewSession(s.User), nil, nil
		},
		Caps:         s.caps,
		InsecureAuth: true,
		Logger:       discardLogger{},
	})
	done := make(chan struct{})
	s.mu.Lock()
	s.server, s.ln, s.done = srv, ln, done
	s.mu.Unlock()
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
}

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
