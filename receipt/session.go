package receipt

import (
	"errors"
	"fmt"
	"net/textproto"
	"regexp"
	"strings"
)

// stageError is the failure of one envelope command of a transaction:
// MAIL (rcpt "") or RCPT TO rcpt.
type stageError struct {
	verb, rcpt string
	err        error
}

func refusedAt(verb, rcpt string, err error) error {
	return &stageError{verb: verb, rcpt: rcpt, err: err}
}

func (e *stageError) Error() string {
	if e.verb == "RCPT" {
		return "RCPT TO " + e.rcpt + ": " + e.err.Error()
	}
	return "MAIL FROM: " + e.err.Error()
}

func (e *stageError) Unwrap() error { return e.err }

// enhancedCode matches an enhanced status code (RFC 3463) at the start of
// a reply's text.
var enhancedCode = regexp.MustCompile(`^([245])\.(\d{1,3})\.(\d{1,3})\b`)

// enhancedSubject returns the subject of the enhanced status code opening
// the reply's text ("5" for 5.5.2), or "" when there is none.
func enhancedSubject(te *textproto.Error) string {
	m := enhancedCode.FindStringSubmatch(te.Msg)
	if m == nil {
		return ""
	}
	return m[2]
}

// anglePart matches an address or host name in angle brackets, which a
// server repeats in its reply ("<bob@example.com>: Relay access denied").
var anglePart = regexp.MustCompile(`<[^>]*>`)

// sessionLevel reports whether err, one email's refusal, answers the
// session whatever the email: a MAIL refused with a protocol or policy
// status (5.5.x, 5.7.x), or a RCPT refused with a protocol one (504 5.5.2
// for a HELO name is never about a mailbox). Once a session is refused so,
// every further transaction would be refused the same way, and a server
// that counts errors slows its replies with each.
func sessionLevel(err error) bool {
	var se *stageError
	var te *textproto.Error
	if !errors.As(err, &se) || !errors.As(se.err, &te) {
		return false
	}
	subject := enhancedSubject(te)
	return (se.verb == "MAIL" && (subject == "5" || subject == "7")) ||
		(se.verb == "RCPT" && subject == "5")
}

// markSessionRefusals wraps with ErrSessionRefused the errors of one
// session's emails that answer the session rather than the email (see
// ErrSessionRefused), so that they are retried with the destination
// instead of failing for good. A session that took an email has none.
func markSessionRefusals(errs []error) {
	for _, err := range errs {
		if err == nil {
			return // the session took an email: its refusals are the emails'
		}
	}
	mark := func(i int) {
		if !errors.Is(errs[i], ErrSessionRefused) {
			errs[i] = fmt.Errorf("%w: %w", ErrSessionRefused, errs[i])
		}
	}
	// The same 5.7.x refusal of every recipient: collected, then judged.
	var policy []int
	same, rcpts := "", map[string]bool{}
	every := true
	for i, err := range errs {
		var se *stageError
		var te *textproto.Error
		if errors.Is(err, ErrInvalid) {
			continue
		}
		if !errors.As(err, &se) || !errors.As(se.err, &te) {
			every = false
			continue
		}
		subject := enhancedSubject(te)
		switch {
		case sessionLevel(err):
			mark(i)
		case se.verb == "RCPT" && subject == "7":
			key := fmt.Sprintf("%d %s", te.Code, strings.Join(strings.Fields(anglePart.ReplaceAllString(te.Msg, "")), " "))
			if len(policy) > 0 && key != same {
				every = false
			}
			same = key
			rcpts[strings.ToLower(se.rcpt)] = true
			policy = append(policy, i)
		default:
			every = false
		}
	}
	if every && len(rcpts) >= 2 {
		for _, i := range policy {
			mark(i)
		}
	}
}
