package receipt

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ticketd/ticketd/rules"
)

func TestSubject(t *testing.T) {
	long := strings.Repeat("word ", 100)
	for _, tc := range []struct {
		name    string
		kind    Kind
		lang    rules.Lang
		ticket  string
		subject string
		want    string
	}{
		{"receipt", KindReceipt, rules.English, "SUP-000042", "Printer broken", "[SUP-000042] Printer broken"},
		{"reply markers dropped", KindConfirmation, rules.English, "SUP-000042", "RE: Fwd: Re[2]: Printer broken", "[SUP-000042] Printer broken"},
		{"existing tag not repeated", KindStillMissing, rules.Spanish, "SUP-000042", "RV: [sup-000042] Impresora rota", "[SUP-000042] Impresora rota"},
		{"tag in the middle", KindAck, rules.English, "SUP-000042", "Re: Printer [SUP-000042] broken", "[SUP-000042] Printer broken"},
		{"control characters", KindReceipt, rules.English, "SUP-000042", "Printer\r\n\tbroken\x00 \u2028again", "[SUP-000042] Printer broken again"},
		{"empty english", KindReceipt, rules.English, "SUP-000042", " \r\n ", "[SUP-000042] (no subject)"},
		{"empty spanish", KindAck, rules.Spanish, "SUP-000042", "", "[SUP-000042] (sin asunto)"},
		{"rejection never quotes", KindRejection, rules.English, "", "Printer broken", "Your message to support could not be registered"},
		{"rejection ignores ticket number", KindRejection, rules.English, "SUP-000042", "Printer broken", "Your message to support could not be registered"},
		{"rejection in Spanish", KindRejection, rules.Spanish, "", "", "No hemos podido registrar su mensaje al soporte"},
		{"held notice", KindHeld, rules.English, "", "Printer broken", "Your message to support is held for review"},
		{"invalid utf-8", KindReceipt, rules.English, "SUP-1", "caf\xe9", "[SUP-1] caf\uFFFD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &Email{Kind: tc.kind, Lang: tc.lang, TicketNumber: tc.ticket, OriginalSubject: tc.subject}
			if got := Subject(e); got != tc.want {
				t.Errorf("Subject = %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("capped", func(t *testing.T) {
		e := &Email{Kind: KindReceipt, TicketNumber: "SUP-1", OriginalSubject: long}
		got := Subject(e)
		rest := strings.TrimPrefix(got, "[SUP-1] ")
		if n := utf8.RuneCountInString(rest); n > SubjectMaxRunes {
			t.Errorf("original subject kept %d runes, cap %d", n, SubjectMaxRunes)
		}
		if !strings.HasSuffix(got, "…") || !strings.HasPrefix(got, "[SUP-1] word word") {
			t.Errorf("Subject = %q", got)
		}
	})
}

func TestSubjectEncodedInHeader(t *testing.T) {
	e := newEmail(KindReceipt, rules.Spanish)
	e.OriginalSubject = "La facturación no funciona — urgente"
	p := render(t, e)
	raw := p.Header.Get("Subject")
	if !strings.Contains(raw, "=?") {
		t.Errorf("non-ASCII subject not RFC 2047 encoded: %q", raw)
	}
	if got := decodeWord(t, raw); got != "[SUP-000042] La facturación no funciona — urgente" {
		t.Errorf("decoded subject = %q", got)
	}
}
