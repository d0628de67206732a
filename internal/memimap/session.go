package memimap

import (
	"github.com/emersion/go-imap/v2"
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

// NewSessionFailingMoves is NewSession whose MOVE and COPY answer NO
// while failMove returns true (a test of a failed MOVE).
func NewSessionFailingMoves(user *imapmemserver.User, failMove func() bool) imapserver.Session {
	return &imapSession{user: user, failMove: failMove}
}

type imapSession struct {
	*imapmemserver.UserSession // nil until login
	user                       *imapmemserver.User
	failMove                   func() bool
}

// errMoveRefused is the NO a failing MOVE or COPY answers.
var errMoveRefused = &imap.Error{Type: imap.StatusResponseTypeNo, Text: "move refused (test)"}

func (s *imapSession) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	if s.failMove != nil && s.failMove() {
		return errMoveRefused
	}
	return s.UserSession.Move(w, numSet, dest)
}

func (s *imapSession) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	if s.failMove != nil && s.failMove() {
		return nil, errMoveRefused
	}
	return s.UserSession.Copy(numSet, dest)
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
