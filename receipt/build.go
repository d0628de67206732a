package receipt

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	netmail "net/mail"
	"strings"

	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/rules"
	"github.com/wneessen/go-mail"
)

// Header values every email carries (RFC 3834 automatic responses).
const (
	headerAutoSubmitted = mail.Header("Auto-Submitted")
	autoSubmitted       = "auto-replied"
	precedence          = "auto_reply"
)

// Build returns the go-mail message for e: text/plain and text/html
// alternatives in UTF-8 (quoted-printable), with Message-ID, Date,
// In-Reply-To and References from e and the headers of an automatic reply
// (Auto-Submitted: auto-replied, X-Auto-Response-Suppress: All, Precedence:
// auto_reply) and Content-Language. The same e always gives the same bytes.
//
// It fails with ErrInvalid when e has an unknown Kind; a From or To that is
// not one bare address; a MessageID that is not id@domain without brackets;
// a zero Date; no TicketNumber (all kinds but rejections and held
// notices); a receipt Status
// other than needs_info or open; or a rejection RejectRule other than
// sender.authorized, channel.included or sender.authentic.
func Build(e *Email) (*mail.Msg, error) {
	from, to, err := validate(e)
	if err != nil {
		return nil, err
	}
	lt := compose(e)
	text := renderText(lt)
	html, err := renderHTML(lt)
	if err != nil {
		return nil, err
	}

	m := mail.NewMsg(
		mail.WithCharset(mail.CharsetUTF8),
		mail.WithEncoding(mail.EncodingQP),
		mail.WithBoundary(boundary(text, html)),
		mail.WithNoDefaultUserAgent(),
	)
	m.SetAddrHeaderFromMailAddress(mail.HeaderFrom, from)
	m.SetAddrHeaderFromMailAddress(mail.HeaderTo, to)
	m.Subject(lt.Subject)
	m.SetMessageIDWithValue(e.MessageID) // adds the angle brackets
	m.SetDateWithValue(e.Date)
	if irt := bareMsgID(e.InReplyTo); validMsgID(irt) {
		m.SetGenHeader(mail.HeaderInReplyTo, "<"+irt+">")
	}
	if refs := references(e.References, e.InReplyTo); len(refs) > 0 {
		m.SetGenHeader(mail.HeaderReferences, "<"+strings.Join(refs, "> <")+">")
	}
	m.SetGenHeader(mail.HeaderContentLang, string(lt.Lang))
	m.SetGenHeader(headerAutoSubmitted, autoSubmitted)
	m.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	m.SetGenHeader(mail.HeaderPrecedence, precedence)
	m.SetBodyString(mail.TypeTextPlain, text)
	m.AddAlternativeString(mail.TypeTextHTML, html)
	return m, nil
}

// Render returns the full RFC 5322 bytes of Build(e), for tests, export and
// debugging.
func Render(e *Email) ([]byte, error) {
	m, err := Build(e)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("receipt: write message %s: %w", e.MessageID, err)
	}
	return buf.Bytes(), nil
}

// boundary derives the MIME boundary from the content, so that building is
// deterministic and the boundary cannot occur in the parts it separates.
func boundary(text, html string) string {
	h := sha256.New()
	h.Write([]byte(text))
	h.Write([]byte{0})
	h.Write([]byte(html))
	return "ticketd-" + hex.EncodeToString(h.Sum(nil))[:32]
}

// validate checks what Build needs and returns the parsed From and To.
// Anything customer-derived that is merely untidy (names, subject, quote,
// the customer's msg-ids) is cleaned, not refused; what would make a wrong
// or unsendable email is refused with ErrInvalid.
func validate(e *Email) (from, to *netmail.Address, err error) {
	if e == nil {
		return nil, nil, fmt.Errorf("%w: nil email", ErrInvalid)
	}
	switch e.Kind {
	case KindReceipt:
		if e.Status != StatusNeedsInfo && e.Status != StatusOpen {
			return nil, nil, fmt.Errorf("%w: receipt %s: status %q is not %q or %q",
				ErrInvalid, e.MessageID, e.Status, StatusNeedsInfo, StatusOpen)
		}
	case KindRejection:
		switch e.RejectRule {
		case rules.RuleSenderAuthorized, rules.RuleChannelIncluded, rules.RuleSenderAuthentic, rules.RulePlanExhausted:
		default:
			return nil, nil, fmt.Errorf("%w: rejection %s: unknown reject rule %q",
				ErrInvalid, e.MessageID, e.RejectRule)
		}
	case KindConfirmation, KindStillMissing, KindAck, KindHeld:
	default:
		return nil, nil, fmt.Errorf("%w: %s: unknown kind %q", ErrInvalid, e.MessageID, e.Kind)
	}
	if e.Kind != KindRejection && e.Kind != KindHeld && oneline.Of(e.TicketNumber) == "" {
		return nil, nil, fmt.Errorf("%w: %s %s: no ticket number", ErrInvalid, e.Kind, e.MessageID)
	}
	if !validMsgID(e.MessageID) || !strings.Contains(e.MessageID, "@") {
		return nil, nil, fmt.Errorf("%w: Message-ID %q is not id@domain without brackets", ErrInvalid, e.MessageID)
	}
	if e.Date.IsZero() {
		return nil, nil, fmt.Errorf("%w: %s: no date", ErrInvalid, e.MessageID)
	}
	if from, err = bareAddress("From", e.From, e.FromName); err != nil {
		return nil, nil, err
	}
	toName := e.ToName
	if !e.Kind.Reflects() {
		toName = ""
	}
	if to, err = bareAddress("To", e.To, toName); err != nil {
		return nil, nil, err
	}
	return from, to, nil
}

// bareAddress parses addr, which must be a single bare address
// ("ana@example.com"), and gives it the cleaned display name.
func bareAddress(field, addr, name string) (*netmail.Address, error) {
	addr = strings.TrimSpace(addr)
	a, err := netmail.ParseAddress(addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %s address %q: %w", ErrInvalid, field, addr, err)
	}
	if a.Name != "" || a.Address != addr {
		return nil, fmt.Errorf("%w: %s address %q is not a bare address", ErrInvalid, field, addr)
	}
	return &netmail.Address{Name: cleanName(name), Address: a.Address}, nil
}
