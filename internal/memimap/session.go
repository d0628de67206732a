package memimap

import (
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// NewSession returns an in-memory IMAP session for one user that, unlike
// imapmemserver's own, sends the updates queued before IDLE when IDLE
// starts, as Dovecot and other real servers do. imapmemserver writes the
// IDLE continuation before it listens for updates and does not flush the
// queue, so a message appended in that gap would go unannounced and tests
// of IDLE would be flaky.
func NewSession(user *imapmemserver.User) imapserver.Session {
	return &imapSession{user: user}
}

type imapSession struct {
	*imapmemserver.UserSession // nil until login
	user                       *imapmemserver.User
}

func (s *imapSession) Login(username, password string) error {
	if err := s.user.Login(username, password); err != nil {
		return err
	}
	s.UserSession = imapmemserver.NewUserSession(s.user)
	return nil
}

func (s *imapSession) Close() error {
	if s.UserSession == nil {
		return nil
	}
	return s.UserSession.Close()
}

func (s *imapSession) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	if err := s.UserSession.Poll(w, true); err != nil {
		return err
	}
	return s.UserSession.Idle(w, stop)
}
