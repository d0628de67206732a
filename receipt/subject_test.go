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

// TestSubjectReplyMarkersAndGatewayTags: the reply and forward markers of
// the clients in use and the tags mail gateways add never leak into the
// subject, wherever they stand around the ticket tag, so a ticket's
// receipt and every later email carry one subject.
func TestSubjectReplyMarkersAndGatewayTags(t *testing.T) {
	const want = "[SUP-000008] Printer broken"
	for _, tc := range []struct{ name, subject, want string }{
		// English.
		{"Re", "Re: Printer broken", want},
		{"RE upper", "RE: Printer broken", want},
		{"RE no space", "RE:Printer broken", want},
		{"Re space before colon", "Re : Printer broken", want},
		{"Re counter brackets", "Re[2]: Printer broken", want},
		{"Re counter caret", "Re^2: Printer broken", want},
		{"Re counter parens", "RE(3): Printer broken", want},
		{"Fw", "Fw: Printer broken", want},
		{"FW", "FW: Printer broken", want},
		{"Fwd", "Fwd: Printer broken", want},
		{"stacked", "Re: Re: Fwd: RE: Printer broken", want},
		// Spanish and Portuguese.
		{"RV", "RV: Printer broken", want},
		{"Res", "Res: Printer broken", want},
		{"Enc", "ENC: Printer broken", want},
		// Scandinavian.
		{"SV", "SV: Printer broken", want},
		{"Sv", "Sv: Printer broken", want},
		{"VS", "VS: Printer broken", want},
		{"Vs", "Vs: Printer broken", want},
		// French.
		{"TR", "TR: Printer broken", want},
		{"Tr", "Tr : Printer broken", want},
		// Italian.
		{"R", "R: Printer broken", want},
		{"RIF", "RIF: Printer broken", want},
		{"I", "I: Printer broken", want},
		{"R I stacked", "R: I: R: Printer broken", want},
		// German and Dutch.
		{"AW", "AW: Printer broken", want},
		{"WG", "WG: Printer broken", want},
		{"Antwort", "Antwort: Printer broken", want},
		{"Antw", "Antw: Printer broken", want},
		// Polish.
		{"Odp", "Odp: Printer broken", want},
		// Turkish.
		{"YNT", "YNT: Printer broken", want},
		{"Ynt", "Ynt: Printer broken", want},
		// Greek.
		{"ΑΠ", "ΑΠ: Printer broken", want},
		{"Απ", "Απ: Printer broken", want},
		{"ΣΧΕΤ", "ΣΧΕΤ: Printer broken", want},
		{"ΠΡΘ", "ΠΡΘ: Printer broken", want},
		// Chinese, with ASCII and full-width colons.
		{"回复 ascii colon", "回复: Printer broken", want},
		{"回复 full-width colon", "回复：Printer broken", want},
		{"答复", "答复：Printer broken", want},
		{"转发", "转发: Printer broken", want},
		{"回覆 traditional", "回覆：Printer broken", want},
		{"轉寄 traditional", "轉寄: Printer broken", want},
		{"Chinese subject kept", "回复：打印机坏了", "[SUP-000008] 打印机坏了"},
		// Mixed languages, as a thread crossing clients writes them.
		{"mixed", "SV: AW: Re: TR: Odp: Printer broken", want},
		// Gateway tags at the start.
		{"[EXTERNAL]", "[EXTERNAL] Printer broken", want},
		{"[External]", "[External] Re: Printer broken", want},
		{"[EXT]", "[EXT] Re: Printer broken", want},
		{"[CAUTION]", "[CAUTION] RE: Printer broken", want},
		{"[SPAM]", "[SPAM] Printer broken", want},
		{"*EXTERNAL*", "*EXTERNAL* Re: Printer broken", want},
		{"EXTERNAL:", "EXTERNAL: Re: Printer broken", want},
		{"[External Email]", "[External Email] Printer broken", want},
		{"[EXTERNAL] no space", "[EXTERNAL]Re: Printer broken", want},
		// Gateway tags and markers around the ticket tag.
		{"gateway before tag", "[EXTERNAL] [SUP-000008] Printer broken", want},
		{"gateway before marker and tag", "[EXTERNAL] Re: [SUP-000008] Printer broken", want},
		{"marker gateway marker tag", "SV: [EXTERNAL] Re: [SUP-000008] Printer broken", want},
		{"tag then markers and gateway", "[SUP-000008] SV: [EXTERNAL] Re: Printer broken", want},
		{"tag then gateway", "[SUP-000008] [EXT] Printer broken", want},
		{"lower-case tag among markers", "Re: [sup-000008] *EXTERNAL* AW: Printer broken", want},
		{"only markers", "[EXTERNAL] Re: [SUP-000008] SV:", "[SUP-000008] (no subject)"},
		// What belongs to the real subject stays.
		{"bracket in the middle", "Re: Invoice [draft] not saving", "[SUP-000008] Invoice [draft] not saving"},
		{"gateway word in the middle", "Re: Invoice [EXTERNAL] not saving", "[SUP-000008] Invoice [EXTERNAL] not saving"},
		{"other bracket at the start", "[URGENT] Printer broken", "[SUP-000008] [URGENT] Printer broken"},
		{"other bracket after markers", "Re: [draft] invoice lost", "[SUP-000008] [draft] invoice lost"},
		{"Reports colon", "Reports: totals wrong", "[SUP-000008] Reports: totals wrong"},
		{"Invoice colon", "Invoice: wrong total", "[SUP-000008] Invoice: wrong total"},
		{"Re word", "Reset password fails", "[SUP-000008] Reset password fails"},
		{"Trouble colon", "Re: Trouble: login", "[SUP-000008] Trouble: login"},
		{"marker in the middle", "Printer broken, re: yesterday", "[SUP-000008] Printer broken, re: yesterday"},
		{"external word", "External monitor flickers", "[SUP-000008] External monitor flickers"},
		{"spam word", "Re: Spam filter drops invoices", "[SUP-000008] Spam filter drops invoices"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, kind := range []Kind{KindReceipt, KindConfirmation, KindStillMissing, KindAck} {
				e := &Email{Kind: kind, Lang: rules.English, TicketNumber: "SUP-000008", OriginalSubject: tc.subject}
				if got := Subject(e); got != tc.want {
					t.Errorf("%s: Subject(%q) = %q, want %q", kind, tc.subject, got, tc.want)
				}
			}
		})
	}
}
