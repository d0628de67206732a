package memimap

import (
	"bytes"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-sasl"
)

// ErrAuthFailed is the IMAP answer to a refused login.
var ErrAuthFailed = &imap.Error{
	Type: imap.StatusResponseTypeNo,
	Code: imap.ResponseCodeAuthenticationFailed,
	Text: "Invalid credentials",
}

// NewXOAuth2Server returns the server side of SASL XOAUTH2, as Gmail
// behaves: login decides; a refused token gets a JSON challenge, and the
// client's empty answer to it gets NO [AUTHENTICATIONFAILED].
func NewXOAuth2Server(login func(user, token string) bool) sasl.Server {
	return &xoauth2Server{login: login}
}

type xoauth2Server struct {
	login  func(user, token string) bool
	failed bool
}

func (s *xoauth2Server) Next(resp []byte) ([]byte, bool, error) {
	switch {
	case s.failed:
		if len(resp) != 0 {
			return nil, true, &imap.Error{Type: imap.StatusResponseTypeBad, Text: "Expected an empty response"}
		}
		return nil, true, ErrAuthFailed
	case resp == nil: // no SASL-IR: ask for the initial response
		return nil, false, nil
	}
	user, token, ok := ParseXOAuth2(resp)
	if !ok {
		return nil, true, &imap.Error{Type: imap.StatusResponseTypeBad, Text: "Malformed XOAUTH2 response"}
	}
	if !s.login(user, token) {
		s.failed = true
		return []byte(`{"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}`), false, nil
	}
	return nil, true, nil
}

// ParseXOAuth2 splits an XOAUTH2 initial response,
// "user=U\x01auth=Bearer T\x01\x01".
func ParseXOAuth2(resp []byte) (user, token string, ok bool) {
	rest, found := bytes.CutSuffix(resp, []byte("\x01\x01"))
	if !found {
		return "", "", false
	}
	u, a, found := bytes.Cut(rest, []byte{0x01})
	if !found || !bytes.HasPrefix(u, []byte("user=")) || !bytes.HasPrefix(a, []byte("auth=Bearer ")) {
		return "", "", false
	}
	return string(u[len("user="):]), string(a[len("auth=Bearer "):]), true
}
