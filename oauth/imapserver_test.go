package oauth

import (
	"sync"
	"testing"

	"github.com/ticketd/ticketd/internal/mailtest"
)

// oauthIMAPServer is mailtest's IMAP server taking only AUTHENTICATE
// XOAUTH2 and OAUTHBEARER, for one user and the access tokens it is told
// to accept; it records every attempt.
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
	srv := mailtest.StartIMAP(t, mailtest.WithCredentials(username, ""), mailtest.WithOAuth(s.check))
	s.Addr = srv.Addr
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
