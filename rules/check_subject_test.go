package rules

import "testing"

func TestSubjectDescriptive(t *testing.T) {
	runRuleCases(t, RuleSubjectDescriptive, testPolicy(), []ruleCase{
		{"en empty", enMail(subject("")), true},
		{"en only prefixes", enMail(subject("RE: FW: ")), true},
		{"en one generic word", enMail(subject("Help")), true},
		{"en two words", enMail(subject("Export broken")), true},
		{"en generic words only", enMail(subject("Urgent problem, please help!!!")), true},
		{"en generic sentence", enMail(subject("We have a problem")), true},
		{"en generic after prefixes and tag", enMail(subject("RE: Fwd: [SUP-000042] Urgent issue")), true},
		{"en generic with number", enMail(subject("Question about ticket 42")), true},
		{"en shouting", enMail(subject("INVOICE PDF EXPORT FAILS AGAIN")), true},
		{"en descriptive", enMail(), false},
		{"en descriptive after prefixes and tag", enMail(subject("RE: [SUP-000042] Invoice PDF export fails")), false},
		{"en generic word plus details", enMail(subject("Urgent: invoice PDF export fails")), false},
		{"en acronyms are not shouting", enMail(subject("API returns 500 on POST orders")), false},
		{"en short shouting", enMail(subject("SAP PDF export")), false},
		{"es empty", esMail(subject("")), true},
		{"es one word", esMail(subject("Ayuda")), true},
		{"es generic words only", esMail(subject("Incidencia urgente, por favor")), true},
		{"es generic sentence", esMail(subject("Tenemos un problema")), true},
		{"es generic after RV", esMail(subject("RV: RE: Consulta urgente importante")), true},
		{"es shouting with accents", esMail(subject("LA EXPORTACIÓN DE FACTURAS FALLA")), true},
		{"es descriptive", esMail(), false},
		{"es descriptive after RV", esMail(subject("RV: Error al exportar facturas")), false},
		{"es generic word plus details", esMail(subject("Urgente: no se puede exportar facturas")), false},
	})
}

// The request names the configured minimum.
func TestSubjectRequestNamesMinimum(t *testing.T) {
	p := testPolicy()
	p.SubjectMinWords = 4
	f := finding(t, Evaluate(enMail(subject("Export fails badly")), p, received), RuleSubjectDescriptive)
	if want := "(at least 4 words)"; !contains(f.Request.EN, want) {
		t.Errorf("request %q lacks %q", f.Request.EN, want)
	}
	if want := "(al menos 4 palabras)"; !contains(f.Request.ES, want) {
		t.Errorf("request %q lacks %q", f.Request.ES, want)
	}
}

func TestCleanSubject(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Re: RE: Fwd: FW: Fw: RV: Export fails", "Export fails"},
		{"AW: WG: Re[2]: Export fails", "Export fails"},
		{"RE: [SUP-000042] Export fails", "Export fails"},
		{"[EXTERNAL] Re: Export fails [SUP-7]", "Export fails"},
		{"Export fails: re: the totals", "Export fails: re: the totals"},
		{"Read-only fields", "Read-only fields"},
		{"  ", ""},
	} {
		if got := cleanSubject(tc.in); got != tc.want {
			t.Errorf("cleanSubject(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
