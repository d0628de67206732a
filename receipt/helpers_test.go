package receipt

import (
	"bytes"
	"errors"
	"html"
	"io"
	"mime"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/ticketd/ticketd/rules"
)

var testDate = time.Date(2026, 11, 3, 9, 30, 0, 0, time.FixedZone("CET", 3600))

// Findings used across tests.
var (
	findEvidence = rules.Finding{
		Rule: rules.RuleEvidenceAttached, Outcome: rules.NeedsInfo,
		Message: rules.Text{EN: "There is no screenshot of the error.", ES: "No hay ninguna captura de pantalla del error."},
		Request: rules.Text{EN: "a screenshot showing the whole error message", ES: "una captura de pantalla con el mensaje de error completo"},
	}
	findSubject = rules.Finding{
		Rule: rules.RuleSubjectDescriptive, Outcome: rules.NeedsInfo,
		Message: rules.Text{EN: "The subject does not say what the problem is.", ES: "El asunto no indica cuál es el problema."},
	}
	findSelfService = rules.Finding{
		Rule: rules.RuleSelfService, Outcome: rules.Accepted,
		Message: rules.Text{EN: "You can create users yourself in Settings > Users.", ES: "Puede crear usuarios usted mismo en Ajustes > Usuarios."},
	}
)

// newEmail returns a valid email of kind k in language l; change the
// fields a test cares about.
func newEmail(k Kind, l rules.Lang) *Email {
	e := &Email{
		Kind: k, Lang: l,
		From: "support@vendor.test", FromName: "Vendor Support",
		To: "ana@customer.test", ToName: "Ana Pérez",
		MessageID:       "r-1@vendor.test",
		InReplyTo:       "c-2@customer.test",
		References:      []string{"c-1@customer.test", "c-2@customer.test"},
		Date:            testDate,
		OriginalSubject: "Invoices fail to generate",
		TicketNumber:    "SUP-000042",
		Status:          StatusOpen,
		Category:        rules.Incident,
		Organization:    "Customer Corp",
		Quota:           Quota{Deducts: true, Used: 3, Included: 25, Period: "2026-11"},
		Quote:           "The invoice run fails since this morning.",
	}
	switch k {
	case KindRejection:
		e.TicketNumber, e.Status, e.Quota = "", "", Quota{}
		e.RejectRule = rules.RuleSenderAuthorized
		e.HowToReach = rules.Text{EN: "Ask your administrator to add you as a contact.", ES: "Pida a su administrador que le dé de alta como contacto."}
	case KindStillMissing:
		e.Status = StatusNeedsInfo
		e.Findings = []rules.Finding{findEvidence}
	}
	return e
}

// parsed is an email read back with go-message.
type parsed struct {
	Header    mail.Header
	RawHeader string // the header section as sent
	Text      string // decoded text/plain part
	HTML      string // decoded text/html part
	Types     []string
}

// parse reads raw back as a recipient would.
func parse(t *testing.T, raw []byte) *parsed {
	t.Helper()
	p := &parsed{}
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		p.RawHeader = string(raw[:i+2])
	} else {
		t.Fatal("no end of header")
	}
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	p.Header = r.Header
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		h, ok := part.Header.(*mail.InlineHeader)
		if !ok {
			t.Fatalf("unexpected attachment part")
		}
		ct, params, err := h.ContentType()
		if err != nil {
			t.Fatal(err)
		}
		if cs := strings.ToLower(params["charset"]); cs != "utf-8" {
			t.Errorf("%s part charset %q, want utf-8", ct, cs)
		}
		body, err := io.ReadAll(part.Body)
		if err != nil {
			t.Fatal(err)
		}
		p.Types = append(p.Types, ct)
		switch ct {
		case "text/plain":
			p.Text = string(body)
		case "text/html":
			p.HTML = string(body)
		}
	}
	return p
}

// render builds e and parses it back.
func render(t *testing.T, e *Email) *parsed {
	t.Helper()
	raw, err := Render(e)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return parse(t, raw)
}

// flat collapses white space so wrapped text can be searched for phrases.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// htmlText is the HTML part with its entities undone, for phrase searches
// ("plan's" is escaped as "plan&#39;s").
func htmlText(s string) string { return flat(html.UnescapeString(s)) }

// decodeWord decodes RFC 2047 words in a header value.
func decodeWord(t *testing.T, s string) string {
	t.Helper()
	d, err := new(mime.WordDecoder).DecodeHeader(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
