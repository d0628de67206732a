package memimap

import (
	"errors"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-sasl"
)

// NewOAuthSession returns a session for user that refuses LOGIN and takes
// AUTHENTICATE XOAUTH2 and OAUTHBEARER when check approves the mechanism,
// the user and the access token, as Gmail and Microsoft 365 do.
func NewOAuthSession(user *imapmemserver.User, check func(mech, user, token string) bool) imapserver.Session {
	return &bearerSession{imapSession: &imapSession{user: user}, check: check}
}

type bearerSession struct {
	*imapSession
	check func(mech, user, token string) bool
}

var _ imapserver.SessionSASL = (*bearerSession)(nil)

func (s *bearerSession) Login(string, string) error {
	return &imap.Error{Type: imap.StatusResponseTypeNo, Text: "Use AUTHENTICATE"}
}

func (s *bearerSession) AuthenticateMechanisms() []string {
	return []string{"XOAUTH2", sasl.OAuthBearer}
}

func (s *bearerSession) Authenticate(mech string) (sasl.Server, error) {
	login := func(user, token string) bool {
		if !s.check(mech, user, token) {
			return false
		}
		s.UserSession = imapmemserver.NewUserSession(s.user)
		return true
	}
	switch mech {
	case "XOAUTH2":
		return NewXOAuth2Server(login), nil
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
		return nil, true, ErrAuthFailed
	}
	challenge, done, err := s.inner.Next(resp)
	var imapErr *imap.Error
	if err != nil && !errors.As(err, &imapErr) {
		return nil, true, ErrAuthFailed
	}
	s.challenged = !done && len(challenge) > 0
	return challenge, done, err
}
