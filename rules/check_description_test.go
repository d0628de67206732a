package rules

import (
	"strings"
	"testing"
)

func TestDescriptionDetailed(t *testing.T) {
	runRuleCases(t, RuleDescription, testPolicy(), []ruleCase{
		{"en see subject", enMail(own("See subject.")), true},
		{"en short plea", enMail(own("It does not work, please help us as soon as possible.")), true},
		{"en nothing of their own", enMail(own("")), true},
		{"en nineteen words", enMail(own(strings.Repeat("word ", 19))), true},
		{"en signature with a one-letter phone label", enMail(subject("Invoice export fails with error 500"), own("Export to PDF "+
			"fails with error 500 on the invoices page.\n\nMail john@example.com for more.\n\nJohn Smith, Head of Logistics\nM\n600 123 456")), true},
		{"en twenty words", enMail(own(strings.Repeat("word ", 20))), false},
		{"en punctuation is not words", enMail(own("Export fails - - - - - - - - - - - - - - - - - - - - - -")), true},
		{"en complete", enMail(), false},
		{"es ver asunto", esMail(own("Ver asunto.")), true},
		{"es short plea", esMail(own("No funciona, ayuda por favor.")), true},
		{"es complete", esMail(), false},
	})
}

// Only the customer's own words count: a long quoted thread does not.
func TestDescriptionIgnoresQuotedText(t *testing.T) {
	m := enMail(own("Same again."))
	m.Text = "Same again.\n\n> " + strings.Repeat("quoted words from last week ", 20)
	f := finding(t, Evaluate(m, testPolicy(), received), RuleDescription)
	if !strings.Contains(f.Message.EN, "2 words") || !strings.Contains(f.Request.EN, "at least 20 words") {
		t.Errorf("finding %+v does not give the counts", f)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
