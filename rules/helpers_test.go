package rules

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/intake"
)

// received is a day outside ACME's warranty and inside Umbrella's.
var received = time.Date(2026, 3, 10, 9, 30, 0, 0, time.UTC)

// day parses a YYYY-MM-DD date at midnight UTC, as the config does.
func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// testPolicy is the policy of config.example.yaml.
func testPolicy() *Policy {
	return &Policy{
		SubjectMinWords:     3,
		DescriptionMinWords: 20,
		DocumentURLPatterns: []*regexp.Regexp{regexp.MustCompile(`^https://docs\.example\.com/document/[0-9a-f-]+`)},
		Keywords:            DefaultKeywords(),
		SupportAddresses:    []string{"support@vendor.example"},
		Organizations: []Organization{
			{
				ID: "acme", Name: "ACME Logistics", TicketsIncluded: 25, PlanPeriod: PeriodMonthly,
				WarrantyUntil:  day("2025-06-30"),
				ContactMethods: []string{"email", "phone"},
				Contacts: []Contact{
					{Email: "alice@acme.example", Name: "Alice Martin"},
					{Email: "bob@acme.example", Name: "Bob Stone"},
				},
			},
			{
				ID: "globex", Name: "Globex Ibérica", TicketsIncluded: 10, PlanPeriod: PeriodYearly,
				PlanStart:      day("2026-01-01"),
				ContactMethods: []string{"email"},
				Contacts: []Contact{
					{Email: "carmen@globex.example", Name: "Carmen Ruiz"},
					{Email: "luis@globex.example"},
				},
			},
			{
				ID: "initech", Name: "Initech", TicketsIncluded: 5, PlanPeriod: PeriodMonthly,
				ContactMethods: []string{"phone", "portal"},
				Contacts:       []Contact{{Email: "peter@initech.example"}},
			},
			{
				ID: "umbrella", Name: "Umbrella Health", TicketsIncluded: 5, PlanPeriod: PeriodMonthly,
				WarrantyUntil:  day("2027-12-31"),
				ContactMethods: []string{"email"},
				Contacts:       []Contact{{Email: "ada@umbrella.example"}},
			},
		},
	}
}

// Complete incident reports: a descriptive subject, enough own words and a
// screenshot. Each is accepted with no finding.
const (
	enSubject  = "Invoice PDF export fails with error 500"
	enIncident = "Since this morning, when I open Billing > Invoices and click Export to PDF, the page shows " +
		"the message \"Unexpected error 500\" and no file is downloaded. It worked fine yesterday afternoon."
	esSubject  = "La exportación de facturas a PDF falla"
	esIncident = "Desde esta mañana, cuando abrimos Facturación > Facturas y pulsamos Exportar a PDF, la pantalla " +
		"muestra el mensaje \"Error inesperado\" y no se descarga ningún fichero. Ayer por la tarde funcionaba bien."
)

// mail builds a message as intake would: the own words, then a quoted
// earlier message in Text.
func mail(from, subject, own string, atts ...intake.Attachment) *intake.Message {
	return &intake.Message{
		From:        intake.Address{Addr: from},
		Subject:     subject,
		OwnText:     own,
		Text:        own + "\n\nOn Mon, someone wrote:\n> the export fails, another problem: error 500\n",
		Attachments: atts,
		MessageID:   "test@example",
	}
}

// enMail and esMail are complete incident reports from Alice (ACME) and
// Carmen (Globex); opts change them.
func enMail(opts ...func(*intake.Message)) *intake.Message {
	return with(mail("alice@acme.example", enSubject, enIncident, png("screenshot.png")), opts)
}

func esMail(opts ...func(*intake.Message)) *intake.Message {
	return with(mail("carmen@globex.example", esSubject, esIncident, png("captura.png")), opts)
}

func with(m *intake.Message, opts []func(*intake.Message)) *intake.Message {
	for _, o := range opts {
		o(m)
	}
	return m
}

func from(addr string) func(*intake.Message) {
	return func(m *intake.Message) { m.From.Addr = addr }
}

func subject(s string) func(*intake.Message) {
	return func(m *intake.Message) { m.Subject = s }
}

func own(s string) func(*intake.Message) {
	return func(m *intake.Message) { m.OwnText = s }
}

func attach(atts ...intake.Attachment) func(*intake.Message) {
	return func(m *intake.Message) { m.Attachments = atts }
}

func loop(f func(*intake.LoopHeaders)) func(*intake.Message) {
	return func(m *intake.Message) { f(&m.Loop) }
}

func png(name string) intake.Attachment {
	return intake.Attachment{Filename: name, MediaType: "image/png", Size: 182_344, SHA256: strings.Repeat("a", 64)}
}

func file(name, mediaType string) intake.Attachment {
	return intake.Attachment{Filename: name, MediaType: mediaType, Size: 48_120, SHA256: strings.Repeat("b", 64)}
}

// textFile is a text attachment holding text, as intake reads it.
func textFile(name, mediaType, text string) intake.Attachment {
	a := file(name, mediaType)
	a.Size, a.Text = int64(len(text)), text
	return a
}

// ruleCase is one message and whether a rule must fire on it.
type ruleCase struct {
	name string
	msg  *intake.Message
	fire bool
}

// runRuleCases evaluates each case with p and checks that rule fires exactly
// when expected, with a message in both languages. A case named "en ..." or
// "es ..." must also be detected as English or Spanish.
func runRuleCases(t *testing.T, rule string, p *Policy, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(tc.msg, p, received)
			if got := v.Has(rule); got != tc.fire {
				t.Fatalf("%s fired = %v, want %v; verdict %s category %s findings %v",
					rule, got, tc.fire, v.Outcome, v.Category, ruleIDs(v))
			}
			if lang, _, _ := strings.Cut(tc.name, " "); (lang == "en" || lang == "es") && v.Lang != Lang(lang) {
				t.Errorf("lang %s, want %s", v.Lang, lang)
			}
			for _, f := range v.Findings {
				if f.Rule == rule && (f.Message.EN == "" || f.Message.ES == "") {
					t.Errorf("%s: message missing a language: %+v", rule, f.Message)
				}
			}
		})
	}
}

// ruleIDs lists the rules that fired.
func ruleIDs(v Verdict) []string {
	ids := make([]string, 0, len(v.Findings))
	for _, f := range v.Findings {
		ids = append(ids, f.Rule)
	}
	return ids
}

// finding returns the finding of rule, failing the test when it is absent.
func finding(t *testing.T, v Verdict, rule string) Finding {
	t.Helper()
	for _, f := range v.Findings {
		if f.Rule == rule {
			return f
		}
	}
	t.Fatalf("%s did not fire; findings %v", rule, ruleIDs(v))
	return Finding{}
}
