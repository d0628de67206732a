package receipt

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// smtpSession is one SMTP connection set up by go-mail (EHLO, STARTTLS, AUTH),
// on which ticketd runs its own mail transactions: go-mail's Send would add
// a RSET round trip after every message and cannot pipeline.
type smtpSession struct {
	sc      *smtp.Client
	timeout time.Duration
	// pipelining is true when the server offers PIPELINING (RFC 2920):
	// the envelope and DATA (or BDAT) then go out in one write.
	pipelining bool
	// chunking is true when the server offers CHUNKING (RFC 3030): the
	// message then goes as one BDAT LAST chunk of its exact size, with no
	// dot-stuffing on either side (and, pipelined, in the same write as
	// its envelope: one round trip a message).
	chunking bool
	buf      bytes.Buffer // the message rendered for BDAT, reused
	group    bytes.Buffer // a group's commands and chunks (sendGroup), reused
	// dirty is true when the last transaction of a group was refused: the
	// next one opens with RSET.
	dirty bool
	// has8BitMIME and hasSMTPUTF8 say what the server offers: MAIL FROM
	// declares BODY=8BITMIME and SMTPUTF8 (see mailParams) only for a
	// message that needs them.
	has8BitMIME, hasSMTPUTF8 bool
}

func newSMTPSession(sc *smtp.Client, timeout time.Duration) *smtpSession {
	s := &smtpSession{sc: sc, timeout: timeout}
	s.pipelining, _ = sc.Extension("PIPELINING")
	s.chunking, _ = sc.Extension("CHUNKING")
	s.has8BitMIME, _ = sc.Extension("8BITMIME")
	s.hasSMTPUTF8, _ = sc.Extension("SMTPUTF8")
	return s
}

// mailParams returns the MAIL FROM parameters of a message: BODY=8BITMIME
// when it holds 8-bit bytes, SMTPUTF8 when an address is not ASCII (RFC
// 6152, RFC 6531), each only when the server offers it. go-mail's Mail
// declares both for every message.
func (s *smtpSession) mailParams(from string, rcpts []string, msg []byte) string {
	params := ""
	if s.has8BitMIME && !isASCII(msg) {
		params += " BODY=8BITMIME"
	}
	if s.hasSMTPUTF8 && !isASCII([]byte(from+strings.Join(rcpts, ""))) {
		params += " SMTPUTF8"
	}
	return params
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// mail sends MAIL FROM with params and reads its reply.
func (s *smtpSession) mail(from, params string) error {
	t := s.sc.Text
	id, err := t.Cmd("MAIL FROM:%s%s", from, params)
	if err != nil {
		return err
	}
	t.StartResponse(id)
	defer t.EndResponse(id)
	_, _, err = t.ReadResponse(250)
	return err
}

// send runs one mail transaction for m: the envelope, then the message.
// A refused command ends the transaction with RSET, so the next one starts
// clean; its error is the server's reply (a *textproto.Error, which
// smtpCode reads). Any other error means the link is broken.
func (s *smtpSession) send(m *mail.Msg) error {
	from, rcpts, err := envelopeOf(m)
	if err != nil {
		return err
	}
	// go-mail sets one deadline at dial time; a long batch moves it on.
	if err := s.sc.UpdateDeadline(s.timeout); err != nil {
		return fmt.Errorf("set deadline: %w", err)
	}
	s.buf.Reset()
	if _, err := m.WriteTo(&s.buf); err != nil {
		return fmt.Errorf("%w: render message: %w", ErrInvalid, err)
	}
	params := s.mailParams(from, rcpts, s.buf.Bytes())
	if s.chunking {
		return s.sendChunk(from, params, rcpts, crlfLines(s.buf.Bytes()))
	}
	var data io.WriteCloser
	if s.pipelining {
		data, err = s.envelopePipelined(from, params, rcpts)
	} else {
		data, err = s.envelope(from, params, rcpts)
	}
	if err != nil {
		return err
	}
	if _, err := data.Write(s.buf.Bytes()); err != nil {
		return fmt.Errorf("write message: %w", err)
	}
	if err := data.Close(); err != nil {
		return fmt.Errorf("end of data: %w", err)
	}
	return nil
}

// sendChunk sends the envelope one command at a time, then the message as
// one BDAT LAST chunk. (With PIPELINING too, sendGroup does the work.) A
// server reads a chunk even after refusing its BDAT (RFC 3030, 2), so the
// session stays in step.
func (s *smtpSession) sendChunk(from, params string, rcpts []string, msg []byte) error {
	if err := s.mail(from, params); err != nil {
		return s.reset(refusedAt("MAIL", "", err))
	}
	for _, r := range rcpts {
		if err := s.sc.Rcpt(r); err != nil {
			return s.reset(refusedAt("RCPT", r, err))
		}
	}
	t := s.sc.Text
	fmt.Fprintf(t.W, "BDAT %d LAST\r\n", len(msg))
	t.W.Write(msg)
	if err := t.W.Flush(); err != nil {
		return fmt.Errorf("send message: %w", err)
	}
	_, _, err := t.ReadResponse(250)
	switch {
	case err != nil && !isReply(err):
		return fmt.Errorf("BDAT: %w", err)
	case err != nil:
		return s.reset(fmt.Errorf("BDAT: %w", err))
	}
	return nil
}

// writeEnvelope writes the MAIL and RCPT commands of a pipelined
// transaction.
func (s *smtpSession) writeEnvelope(w io.StringWriter, from, params string, rcpts []string) {
	w.WriteString("MAIL FROM:" + from + params + "\r\n")
	for _, r := range rcpts {
		w.WriteString("RCPT TO:" + r + "\r\n")
	}
}

// envelopeReplies reads the replies to a pipelined MAIL and RCPTs. refused
// is the first refusal; err a failure of the link.
func (s *smtpSession) envelopeReplies(rcpts []string) (refused, err error) {
	t := s.sc.Text
	if _, _, err := t.ReadResponse(250); err != nil {
		if !isReply(err) {
			return nil, refusedAt("MAIL", "", err)
		}
		refused = refusedAt("MAIL", "", err)
	}
	for _, r := range rcpts {
		if _, _, err := t.ReadResponse(25); err != nil {
			if !isReply(err) {
				return nil, refusedAt("RCPT", r, err)
			}
			if refused == nil {
				refused = refusedAt("RCPT", r, err)
			}
		}
	}
	return refused, nil
}

// crlfLines returns msg with every bare LF made CRLF, as the wire wants
// (go-mail writes CRLF already: then msg comes back as is).
func crlfLines(msg []byte) []byte {
	if bytes.Count(msg, []byte("\n")) == bytes.Count(msg, []byte("\r\n")) {
		return msg
	}
	out := make([]byte, 0, len(msg)+len(msg)/32)
	for i, c := range msg {
		if c == '\n' && (i == 0 || msg[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

// envelope sends MAIL, RCPT and DATA one at a time.
func (s *smtpSession) envelope(from, params string, rcpts []string) (io.WriteCloser, error) {
	if err := s.mail(from, params); err != nil {
		return nil, s.reset(refusedAt("MAIL", "", err))
	}
	for _, r := range rcpts {
		if err := s.sc.Rcpt(r); err != nil {
			return nil, s.reset(refusedAt("RCPT", r, err))
		}
	}
	w, err := s.sc.Data()
	if err != nil {
		return nil, s.reset(fmt.Errorf("DATA: %w", err))
	}
	return w, nil
}

// envelopePipelined sends MAIL, RCPT and DATA in one write and then reads
// their replies in order (RFC 2920, 3.1). If MAIL or a RCPT was refused but
// the server still answered DATA with 354, an empty message ends the data
// (a server refuses a transaction without valid recipients) before RSET.
func (s *smtpSession) envelopePipelined(from, params string, rcpts []string) (io.WriteCloser, error) {
	t := s.sc.Text
	var b strings.Builder
	s.writeEnvelope(&b, from, params, rcpts)
	b.WriteString("DATA\r\n")
	if _, err := t.W.WriteString(b.String()); err != nil {
		return nil, fmt.Errorf("send envelope: %w", err)
	}
	if err := t.W.Flush(); err != nil {
		return nil, fmt.Errorf("send envelope: %w", err)
	}
	refused, err := s.envelopeReplies(rcpts)
	if err != nil {
		return nil, err
	}
	_, _, err = t.ReadResponse(354)
	if err != nil && !isReply(err) {
		return nil, fmt.Errorf("DATA: %w", err)
	}
	if refused != nil {
		if err == nil {
			// A failure here leaves the session out of step: in doubt,
			// whatever code the refusal carried.
			if err := t.DotWriter().Close(); err != nil {
				return nil, fmt.Errorf("end empty data after %w: %w", refused, errors.Join(errLinkInDoubt, err))
			}
			if _, _, err := t.ReadResponse(250); err != nil && !isReply(err) {
				return nil, fmt.Errorf("end empty data after %w: %w", refused, errors.Join(errLinkInDoubt, err))
			}
		}
		return nil, s.reset(refused)
	}
	if err != nil {
		return nil, s.reset(fmt.Errorf("DATA: %w", err))
	}
	return &dataWriter{WriteCloser: t.DotWriter(), t: t}, nil
}

// reset ends a refused transaction with RSET. refused is returned as is
// when RSET works; when it does not, the link is in doubt and the error
// says so (no longer a plain server reply).
func (s *smtpSession) reset(refused error) error {
	if err := s.sc.Reset(); err != nil {
		return fmt.Errorf("%w; then RSET: %w", refused, errors.Join(errLinkInDoubt, err))
	}
	return refused
}

// errLinkInDoubt marks a refusal after which the session could not be
// reset: the rest of the batch is not attempted on that link.
var errLinkInDoubt = errors.New("SMTP session in an unknown state")

// dataWriter is the message body writer of a pipelined transaction: Close
// ends the data with "." and reads the server's verdict.
type dataWriter struct {
	io.WriteCloser
	t interface {
		ReadResponse(int) (int, string, error)
	}
}

func (w *dataWriter) Close() error {
	if err := w.WriteCloser.Close(); err != nil {
		return err
	}
	_, _, err := w.t.ReadResponse(250)
	return err
}
