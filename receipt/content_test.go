package receipt

import (
	"strings"
	"testing"

	"github.com/ticketd/ticketd/rules"
)

// checkPhrases asserts that both alternatives contain every phrase of want
// and none of absent.
func checkPhrases(t *testing.T, p *parsed, want, absent []string) {
	t.Helper()
	text, html := flat(p.Text), htmlText(p.HTML)
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("text part lacks %q:\n%s", w, p.Text)
		}
		if !strings.Contains(html, w) {
			t.Errorf("HTML part lacks %q", w)
		}
	}
	for _, a := range absent {
		if strings.Contains(text, a) || strings.Contains(html, a) {
			t.Errorf("email contains %q", a)
		}
	}
}

func TestContentByKindAndLanguage(t *testing.T) {
	for _, tc := range []struct {
		kind   Kind
		lang   rules.Lang
		want   []string
		absent []string
	}{
		{KindReceipt, rules.English,
			[]string{"Hello Ana Pérez,", "We have registered your request as ticket SUP-000042.", "Status", "Open", "Category", "Incident", "Your message:", "The invoice run fails since this morning.", "Kind regards,", "Vendor Support"},
			[]string{"Estimado", "SLA"}},
		{KindReceipt, rules.Spanish,
			[]string{"Estimado/a Ana Pérez:", "Hemos registrado su solicitud con el número de ticket SUP-000042.", "Estado", "Abierto", "Categoría", "Incidencia", "Su mensaje:", "Atentamente,"},
			[]string{"Hello", "We have", "Status"}},
		{KindConfirmation, rules.English,
			[]string{"Ticket SUP-000042 now has all the information we need", "its status is now open", "service-level time (SLA) has started"},
			[]string{"Estimado"}},
		{KindConfirmation, rules.Spanish,
			[]string{"El ticket SUP-000042 ya tiene toda la información que necesitamos", "su estado ha pasado a abierto", "plazo de servicio (SLA) ha empezado a contar"},
			[]string{"Hello"}},
		{KindStillMissing, rules.English,
			[]string{"We have added it to ticket SUP-000042, but some information is still missing.", "What is missing:", "There is no screenshot of the error.", "What to send: a screenshot showing the whole error message", "No service-level time (SLA) runs while information is missing"},
			[]string{"uses 1 of the"}},
		{KindStillMissing, rules.Spanish,
			[]string{"La hemos añadido al ticket SUP-000042, pero todavía falta información.", "Información que falta:", "No hay ninguna captura de pantalla del error.", "Qué debe enviarnos: una captura de pantalla con el mensaje de error completo", "no corre ningún plazo de servicio (SLA)"},
			[]string{"What is missing"}},
		{KindAck, rules.English,
			[]string{"We have added your message to ticket SUP-000042."},
			[]string{"SLA", "missing", "uses 1 of the"}},
		{KindAck, rules.Spanish,
			[]string{"Hemos añadido su mensaje al ticket SUP-000042."},
			[]string{"SLA", "We have"}},
	} {
		t.Run(string(tc.kind)+"/"+string(tc.lang), func(t *testing.T) {
			p := render(t, newEmail(tc.kind, tc.lang))
			checkPhrases(t, p, tc.want, tc.absent)
			if got := p.Header.Get("Content-Language"); got != string(tc.lang) {
				t.Errorf("Content-Language = %q, want %q", got, tc.lang)
			}
		})
	}
}

func TestContentUnknownLanguageIsEnglish(t *testing.T) {
	e := newEmail(KindAck, "fr")
	p := render(t, e)
	checkPhrases(t, p, []string{"We have added your message to ticket SUP-000042."}, nil)
	if got := p.Header.Get("Content-Language"); got != "en" {
		t.Errorf("Content-Language = %q, want en", got)
	}
}

func TestContentNeedsInfo(t *testing.T) {
	for _, tc := range []struct {
		lang   rules.Lang
		want   []string
		absent []string
	}{
		{rules.English, []string{
			"We have registered your request as ticket SUP-000042, but we need more information",
			"Waiting for information from you",
			"What is missing:",
			"There is no screenshot of the error.",
			"What to send: a screenshot showing the whole error message",
			"The subject does not say what the problem is.",
			"Please reply to this email with the missing information",
			"No service-level time (SLA) runs while information is missing: it starts when the ticket is complete.",
			"Please note:",
			"You can create users yourself in Settings > Users.",
		}, []string{"It is complete"}},
		{rules.Spanish, []string{
			"pero necesitamos más información antes de poder empezar a trabajar en ella.",
			"Pendiente de información por su parte",
			"Información que falta:",
			"No hay ninguna captura de pantalla del error.",
			"Qué debe enviarnos: una captura de pantalla con el mensaje de error completo",
			"El asunto no indica cuál es el problema.",
			"Mientras falte información no corre ningún plazo de servicio (SLA): empezará a contar cuando el ticket esté completo.",
			"Tenga en cuenta:",
			"Puede crear usuarios usted mismo en Ajustes > Usuarios.",
		}, []string{"Está completa"}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			e := newEmail(KindReceipt, tc.lang)
			e.Status = StatusNeedsInfo
			e.Findings = []rules.Finding{findEvidence, findSubject, findSelfService}
			p := render(t, e)
			checkPhrases(t, p, tc.want, tc.absent)
			// The informational finding is a note, not something missing.
			text := flat(p.Text)
			missingAt := strings.Index(text, tc.want[2])
			noteAt := strings.Index(text, tc.want[len(tc.want)-2])
			selfAt := strings.Index(text, tc.want[len(tc.want)-1])
			if !(missingAt < noteAt && noteAt < selfAt) {
				t.Errorf("self-service finding is not listed under the notes:\n%s", p.Text)
			}
			if strings.Count(text, "- ") != 3 {
				t.Errorf("want 3 list items (2 missing, 1 note):\n%s", p.Text)
			}
		})
	}
}

func TestContentOpenReceiptHasNoSLAWarning(t *testing.T) {
	e := newEmail(KindReceipt, rules.English)
	e.Findings = []rules.Finding{findSelfService}
	p := render(t, e)
	checkPhrases(t, p, []string{"It is complete", "You can create users yourself"}, []string{"SLA", "What is missing"})
}

func TestContentQuota(t *testing.T) {
	const (
		usageEN = "You have now used 5 of the 10 tickets included in your plan for December 2026."
		usageES = "Ha utilizado 5 de las 10 incidencias incluidas en su plan de diciembre de 2026."
		warrEN  = "This is a warranty ticket: it does not count among the tickets included in your plan."
		warrES  = "Esta es una incidencia en garantía: no cuenta entre las incidencias incluidas en su plan."
		overEN  = "You have now used 11 tickets, more than the 10 included in your plan for December 2026: this ticket is registered and billed beyond the plan."
		overES  = "Ha utilizado 11 incidencias, más de las 10 incluidas en su plan de diciembre de 2026: esta incidencia queda registrada y se facturará aparte del plan."
		selfEN  = "This is a request you can do yourself in the application; it is deducted from your plan like any other ticket."
		selfES  = "Esta es una gestión que puede realizar usted mismo en la aplicación; se descuenta de su plan como cualquier otro ticket."
	)
	allEN := []string{usageEN, warrEN, overEN, selfEN}
	allES := []string{usageES, warrES, overES, selfES}
	except := func(all []string, keep ...string) []string {
		var out []string
		for _, s := range all {
			if !strings.Contains(strings.Join(keep, "|"), s) {
				out = append(out, s)
			}
		}
		return out
	}
	december := Quota{Deducts: true, Used: 5, Included: 10, Period: "2026-12-01 – 2026-12-31", PeriodStart: "2026-12-01", PeriodKind: PeriodMonthly}
	over := december
	over.OverPlan, over.Used = true, 11
	self := december
	self.SelfService = true
	for _, tc := range []struct {
		name  string
		lang  rules.Lang
		quota Quota
		want  []string
		all   []string
	}{
		{"deducted/en", rules.English, december, []string{usageEN}, allEN},
		{"deducted/es", rules.Spanish, december, []string{usageES}, allES},
		{"warranty/en", rules.English, Quota{Warranty: true, Used: 5, Included: 10, PeriodStart: "2026-12-01", PeriodKind: PeriodMonthly}, []string{warrEN}, allEN},
		{"warranty/es", rules.Spanish, Quota{Warranty: true}, []string{warrES}, allES},
		{"over plan/en", rules.English, over, []string{overEN}, allEN},
		{"over plan/es", rules.Spanish, over, []string{overES}, allES},
		{"self-service/en", rules.English, self, []string{selfEN, usageEN}, allEN},
		{"self-service/es", rules.Spanish, self, []string{selfES, usageES}, allES},
		{"self-service over plan, counts unknown/en", rules.English, Quota{Deducts: true, SelfService: true, OverPlan: true}, []string{selfEN, "Your plan's included tickets for this period are used up"}, allEN},
		{"nothing known", rules.English, Quota{}, nil, allEN},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEmail(KindReceipt, tc.lang)
			e.Quota = tc.quota
			p := render(t, e)
			checkPhrases(t, p, tc.want, except(tc.all, tc.want...))
		})
	}
	t.Run("no period", func(t *testing.T) {
		e := newEmail(KindReceipt, rules.English)
		e.Quota = Quota{Deducts: true, Used: 1, Included: 10}
		checkPhrases(t, render(t, e), []string{"You have now used 1 of the 10 tickets included in your plan for this period."}, nil)
	})
	t.Run("only in receipts", func(t *testing.T) {
		for _, k := range []Kind{KindConfirmation, KindStillMissing, KindAck, KindRejection} {
			checkPhrases(t, render(t, newEmail(k, rules.English)), nil, allEN)
		}
	})
}

func TestContentRejection(t *testing.T) {
	for _, tc := range []struct {
		name   string
		lang   rules.Lang
		rule   string
		org    string
		want   []string
		absent []string
	}{
		{"not a contact/en", rules.English, rules.RuleSenderAuthorized, "",
			[]string{"we cannot register it as a support ticket", "The address ana@customer.test is not an authorized support contact of any customer organization.", "How to reach support:", "Ask your administrator to add you as a contact."},
			nil},
		{"not a contact/es", rules.Spanish, rules.RuleSenderAuthorized, "",
			[]string{"no podemos registrarlo como ticket de soporte", "La dirección ana@customer.test no figura como contacto de soporte autorizado de ninguna organización cliente.", "Cómo contactar con soporte:", "Pida a su administrador que le dé de alta como contacto."},
			nil},
		{"no email in plan/en", rules.English, rules.RuleChannelIncluded, "Customer Corp",
			[]string{"The support plan of Customer Corp does not include support by email.", "Ask your administrator"},
			[]string{"not an authorized"}},
		{"no email in plan/es", rules.Spanish, rules.RuleChannelIncluded, "Customer Corp",
			[]string{"El plan de soporte de Customer Corp no incluye la atención por correo electrónico."},
			nil},
		{"no email in plan, no org", rules.English, rules.RuleChannelIncluded, "",
			[]string{"Your organization's support plan does not include support by email."},
			nil},
		{"not authentic/en", rules.English, rules.RuleSenderAuthentic, "Customer Corp",
			[]string{"We could not verify that this message was really sent from ana@customer.test"},
			nil},
		{"not authentic/es", rules.Spanish, rules.RuleSenderAuthentic, "",
			[]string{"No hemos podido verificar que este mensaje se haya enviado realmente desde ana@customer.test"},
			nil},
		{"plan exhausted/en", rules.English, rules.RulePlanExhausted, "Customer Corp",
			[]string{"used all the tickets included in its support plan"},
			nil},
		{"plan exhausted/es", rules.Spanish, rules.RulePlanExhausted, "",
			[]string{"ha agotado los tickets incluidos en su plan"},
			nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEmail(KindRejection, tc.lang)
			e.RejectRule, e.Organization = tc.rule, tc.org
			e.TicketNumber = "SUP-000099" // must never be shown in a rejection
			e.Quota = Quota{Deducts: true, Used: 3, Included: 25, Period: "2026-11"}
			raw, err := Render(e)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw), "SUP-") {
				t.Fatalf("rejection carries a ticket number:\n%s", raw)
			}
			p := parse(t, raw)
			checkPhrases(t, p, tc.want, append(tc.absent, "SLA", "uses 1 of the", "consume 1 de"))
			subj, _ := p.Header.Subject()
			if want := phrasesFor(tc.lang).rejectSubject; subj != want {
				t.Errorf("subject = %q, want %q", subj, want)
			}
		})
	}
	t.Run("no how-to-reach text", func(t *testing.T) {
		e := newEmail(KindRejection, rules.English)
		e.HowToReach = rules.Text{}
		checkPhrases(t, render(t, e), []string{"not an authorized support contact"}, []string{"How to reach support"})
	})
	t.Run("how-to-reach falls back to English", func(t *testing.T) {
		e := newEmail(KindRejection, rules.Spanish)
		e.HowToReach = rules.Text{EN: "Call +1 555 0100."}
		checkPhrases(t, render(t, e), []string{"Cómo contactar con soporte:", "Call +1 555 0100."}, nil)
	})
}

// A rejection or a held notice carries nothing the sender wrote: not their
// subject, words, links nor display name (the From may be a forged victim).
func TestNoReflection(t *testing.T) {
	for _, k := range []Kind{KindRejection, KindHeld} {
		for _, l := range []rules.Lang{rules.English, rules.Spanish} {
			e := newEmail(k, l)
			e.TicketNumber = ""
			e.OriginalSubject = "You won! Claim at https://evil.example/prize"
			e.Quote = "Click https://evil.example/login now"
			e.ToName = "Visit evil.example"
			raw, err := Render(e)
			if err != nil {
				t.Fatalf("%s/%s: %v", k, l, err)
			}
			for _, bad := range []string{"evil.example", "Claim", "Click", "Visit"} {
				if strings.Contains(string(raw), bad) {
					t.Errorf("%s/%s reflects %q:\n%s", k, l, bad, raw)
				}
			}
		}
	}
}
