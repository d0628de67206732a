package receipt

import (
	"fmt"
	"strings"

	"github.com/wneessen/go-mail"
)

// groupMax is how many transactions go out in one write to a server that
// offers both PIPELINING and CHUNKING.
const groupMax = 16

// grouped reports whether the session sends whole transactions in groups:
// RFC 2920 lets a group hold any command but the few that change the
// session's state (EHLO, DATA, QUIT...), and with BDAT (RFC 3030) a whole
// message is such a group: RSET, MAIL, RCPT, BDAT LAST and its chunk.
// Several messages then cost one round trip, where one message at a time
// waits on the server (and on the scheduler of a busy machine) for each.
func (s *smtpSession) grouped() bool { return s.pipelining && s.chunking }

// envelopeOf returns m's envelope sender and recipients, checked.
func envelopeOf(m *mail.Msg) (from string, rcpts []string, err error) {
	if from, err = m.GetSender(false); err != nil {
		return "", nil, fmt.Errorf("%w: envelope sender: %w", ErrInvalid, err)
	}
	if rcpts, err = m.GetRecipients(); err != nil {
		return "", nil, fmt.Errorf("%w: recipients: %w", ErrInvalid, err)
	}
	for _, a := range append([]string{from}, rcpts...) {
		if strings.ContainsAny(a, "\r\n") {
			return "", nil, fmt.Errorf("%w: address %q holds a line break", ErrInvalid, a)
		}
	}
	return from, rcpts, nil
}

// planned is one transaction of a group, written and awaiting replies.
type planned struct {
	k     int
	rset  bool
	rcpts []string
}

// sendGroup sends ms as consecutive transactions in one write and reads
// the replies in order, calling done(k, err) as soon as the outcome of
// ms[k] is known (err nil: accepted; else the refusal, or ErrInvalid for a
// message that could not be built and was not sent). Every transaction
// but one known to start clean opens with RSET, so that a refusal never
// leaks into the next. A non-nil result means the link broke or is in
// doubt: the messages without a done call may or may not have been
// accepted.
func (s *smtpSession) sendGroup(ms []*mail.Msg, done func(k int, err error)) error {
	w := &s.group
	w.Reset()
	var plan []planned
	for k, m := range ms {
		from, rcpts, err := envelopeOf(m)
		if err != nil {
			done(k, err)
			continue
		}
		s.buf.Reset()
		if _, err := m.WriteTo(&s.buf); err != nil {
			done(k, fmt.Errorf("%w: render message: %w", ErrInvalid, err))
			continue
		}
		msg := crlfLines(s.buf.Bytes())
		rset := s.dirty || len(plan) > 0
		if rset {
			w.WriteString("RSET\r\n")
		}
		s.writeEnvelope(w, from, s.mailParams(from, rcpts, msg), rcpts)
		fmt.Fprintf(w, "BDAT %d LAST\r\n", len(msg))
		w.Write(msg)
		plan = append(plan, planned{k: k, rset: rset, rcpts: rcpts})
	}
	if len(plan) == 0 {
		return nil
	}
	// go-mail sets one deadline at dial time; a long batch moves it on.
	if err := s.sc.UpdateDeadline(s.timeout); err != nil {
		return fmt.Errorf("set deadline: %w", err)
	}
	t := s.sc.Text
	if _, err := t.W.Write(w.Bytes()); err != nil {
		return fmt.Errorf("send %d messages: %w", len(plan), err)
	}
	if err := t.W.Flush(); err != nil {
		return fmt.Errorf("send %d messages: %w", len(plan), err)
	}
	for _, p := range plan {
		// Each transaction's replies get the whole timeout: a server that
		// counts errors may pause before each reply (Postfix's
		// smtpd_error_sleep_time), and that is no dead link.
		if err := s.sc.UpdateDeadline(s.timeout); err != nil {
			return fmt.Errorf("set deadline: %w", err)
		}
		if p.rset {
			if _, _, err := t.ReadResponse(250); err != nil {
				// Not wrapped: a refused RSET's code is no verdict on
				// the email that follows it.
				return fmt.Errorf("RSET: %w: %v", errLinkInDoubt, err)
			}
		}
		refused, err := s.envelopeReplies(p.rcpts)
		if err != nil {
			return err
		}
		_, _, err = t.ReadResponse(250)
		switch {
		case err != nil && !isReply(err):
			return fmt.Errorf("BDAT: %w", err)
		case refused != nil:
			done(p.k, refused)
		case err != nil:
			done(p.k, fmt.Errorf("BDAT: %w", err))
		default:
			done(p.k, nil)
		}
		s.dirty = refused != nil || err != nil
	}
	return nil
}
