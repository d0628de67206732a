package oauth

import (
	"errors"
	"io"
	"log"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"

	"github.com/ticketd/ticketd/internal/memimap"
)

// oauthIMAPServer is an in-memory IMAP server on 127.0.0.1 that accepts
// only AUTHENTICATE XOAUTH2 and OAUTHBEARER, for one user and the access
// tokens it is told to accept. (Generally useful: it could move to
// internal/mailtest.)
type oauthIMAPServer struct {
	Addr     string
	Username string

	mu       sync.Mutex
	accept   map[string]bool // access tokens that log in
	attempts []authAttempt
}

type authAttempt struct {
	Mechanism, User, Token string
	OK                     bool
}

func startOAuthIMAP(t *testing.T, username string) *oauthIMAPServer {
	t.Helper()
	s := &oauthIMAPServer{Username: username, accept: map[string]bool{}}
	user := imapmemserver.NewUser(username, "") // no password login
	if err := user.Create("INBOX", nil); err != nil {
		t.Fatalf("create INBOX: %v", err)
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &oauthSession{server: s, user: user}, nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		_ = srv.Close()
		<-done
	})
	return s
}

// Accept makes token log in (and keeps the tokens accepted before).
func (s *oauthIMAPServer) Accept(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accept[token] = true
}

// Attempts returns the authentication attempts so far.
func (s *oauthIMAPServer) Attempts() []authAttempt {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]authAttempt(nil), s.attempts...)
}

func (s *oauthIMAPServer) check(mech, user, token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ok := user == s.Username && s.accept[token]
	s.attempts = append(s.attempts, authAttempt{Mechanism: mech, User: user, Token: token, OK: ok})
	return ok
}

var errAuthFailed = memimap.ErrAuthFailed

// oauthSession is an imapmemserver session that authenticates with SASL
// (imapserver.SessionSASL). UserSession is nil until login.
type oauthSession struct {
	*imapmemserver.UserSession
	server *oauthIMAPServer
	user   *imapmemserver.User
}

var _ imapserver.SessionSASL = (*oauthSession)(nil)

func (s *oauthSession) Login(string, string) error {
	return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "Use AUTHENTICATE"}
}

func (s *oauthSession) Close() error {
	if s.UserSession == nil {
		return nil
	}
	return s.UserSession.Close()
}

func (s *oauthSession) AuthenticateMechanisms() []string {
	return []string{XOAuth2, sasl.OAuthBearer}
}

func (s *oauthSession) Authenticate(mech string) (sasl.Server, error) {
	login := func(user, token string) bool {
		if !s.server.check(mech, user, token) {
			return false
		}
		s.UserSession = imapmemserver.NewUserSession(s.user)
		return true
	}
	switch mech {
	case XOAuth2:
		return memimap.NewXOAuth2Server(login), nil
	case sasl.OAuthBearer:
		return &imapErrorServer{inner: sasl.NewOAuthBearerServer(func(o sasl.OAuthBearerOptions) *sasl.OAuthBearerError {
			if !login(o.Username, o.Token) {
				return &sasl.OAuthBearerError{Status: "invalid_token", Schemes: "bearer", Scope: "https://mail.google.com/"}
			}
			return nil
		})}, nil
	}
	return nil, &imap.Error{Type: imap.StatusResponseTypeNo, Text: "Unsupported mechanism"}
}

// imapErrorServer turns go-sasl's errors into NO [AUTHENTICATIONFAILED]
// (imapserver answers other errors with "NO [SERVERBUG]"), and guards
// go-sasl's OAUTHBEARER server, which indexes an empty response.
type imapErrorServer struct {
	inner      sasl.Server
	challenged bool
}

func (s *imapErrorServer) Next(resp []byte) ([]byte, bool, error) {
	if s.challenged && len(resp) == 0 {
		return nil, true, errAuthFailed
	}
	challenge, done, err := s.inner.Next(resp)
	var imapErr *imap.Error
	if err != nil && !errors.As(err, &imapErr) {
		return nil, true, errAuthFailed
	}
	s.challenged = !done && len(challenge) > 0
	return challenge, done, err
}
