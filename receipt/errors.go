package receipt

import (
	"errors"
	"net/textproto"

	"github.com/wneessen/go-mail"
)

// ErrInvalid is returned (wrapped) by Build, Render and Send when an Email
// cannot be built: unknown kind, bad address or Message-ID, missing ticket
// number... Building is deterministic, so retrying never helps: Permanent
// reports true.
var ErrInvalid = errors.New("receipt: invalid email")

// ErrConnect is returned (wrapped) by Send for every email of a batch when
// the SMTP server could not be reached or the session could not be set up
// (dial, TLS, greeting, EHLO, STARTTLS, AUTH), and for the emails left when
// the connection broke during the batch. Permanent reports false for it,
// even when the server answered 5xx (e.g. 535 bad credentials): the fault is
// the link or the configuration, not the email.
var ErrConnect = errors.New("receipt: SMTP connection failed")

// ErrSessionRefused is returned (wrapped) by Send for the emails of a
// session that took none of them, refused with an answer about the
// session rather than about them: a 5.5.x or 5.7.x (or 4.5.x, 4.7.x)
// refusal of MAIL FROM, a 5.5.x refusal of RCPT TO (a protocol fault:
// Postfix's reject_non_fqdn_helo_hostname answers "504 5.5.2" at RCPT),
// or the same 5.7.x refusal (addresses aside) of every recipient.
// Permanent reports false for it: the fault is the session's (EHLO name,
// login, sender), not the email's.
var ErrSessionRefused = errors.New("receipt: SMTP server refused the session")

// Refused reports whether err is the server refusing the session for good
// (a 5xx answer while setting it up, or an ErrSessionRefused with a 5xx
// code) rather than an outage: a fault of the configuration, which does
// not pass by itself.
func Refused(err error) bool {
	return (errors.Is(err, ErrSessionRefused) || errors.Is(err, ErrConnect)) && permanentCode(smtpCode(err))
}

// Permanent reports whether err is a permanent failure that must not be
// retried: the server refused the email with a 5xx reply (MAIL, RCPT or
// DATA), or the email cannot be built (ErrInvalid). 4xx replies, connection
// failures (ErrConnect) and cancellations are temporary. Permanent(nil) is
// false.
func Permanent(err error) bool {
	if err == nil || errors.Is(err, ErrConnect) || errors.Is(err, ErrSessionRefused) {
		return false
	}
	if errors.Is(err, ErrInvalid) {
		return true
	}
	return permanentCode(smtpCode(err))
}

// smtpCode returns the SMTP reply code carried by err, or 0 when err is not
// a server reply (a network failure, a local error).
func smtpCode(err error) int {
	// go-mail's SendError does not unwrap to the server's reply, but keeps
	// its code.
	var se *mail.SendError
	if errors.As(err, &se) {
		return se.ErrorCode()
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

// isReply reports whether err is an SMTP server reply (as opposed to a
// network or local failure).
func isReply(err error) bool {
	var te *textproto.Error
	return errors.As(err, &te)
}

// permanentCode reports whether an SMTP reply code is a permanent failure.
func permanentCode(code int) bool { return code >= 500 && code <= 599 }
