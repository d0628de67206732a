package rules

import (
	"strings"
	"testing"
)

func TestSenderAuthorized(t *testing.T) {
	runRuleCases(t, RuleSenderAuthorized, testPolicy(), []ruleCase{
		{"en stranger", enMail(from("mallory@example.com")), true},
		{"en contact's colleague", enMail(from("carol@acme.example")), true},
		{"en contact", enMail(), false},
		{"en second contact", enMail(from("bob@acme.example")), false},
		{"es stranger", esMail(from("desconocido@ejemplo.es")), true},
		{"es contact", esMail(), false},
		{"es contact without name", esMail(from("luis@globex.example")), false},
	})
}

func TestChannelIncluded(t *testing.T) {
	runRuleCases(t, RuleChannelIncluded, testPolicy(), []ruleCase{
		{"en phone and portal only", enMail(from("peter@initech.example")), true},
		{"en email included", enMail(), false},
		{"es phone and portal only", esMail(from("peter@initech.example")), true},
		{"es email included", esMail(), false},
		{"es email only plan", esMail(from("ada@umbrella.example")), false},
	})
}

// A stranger or a contact outside the channel gets one rejection, not a
// lecture about the subject and description; the message names the way in.
func TestSenderGatesStopEvaluation(t *testing.T) {
	p := testPolicy()
	for _, tc := range []struct {
		name, addr, rule, org string
		wantEN, wantES        string
	}{
		{"stranger", "mallory@example.com", RuleSenderAuthorized, "", "mallory@example.com", "mallory@example.com"},
		{"channel", "peter@initech.example", RuleChannelIncluded, "initech", "by phone or the support portal", "por teléfono o el portal de soporte"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(mail(tc.addr, "help", "urgent"), p, received)
			if v.Outcome != Rejected || len(v.Findings) != 1 || v.Findings[0].Rule != tc.rule {
				t.Fatalf("verdict %s findings %v, want rejected with %s only", v.Outcome, ruleIDs(v), tc.rule)
			}
			if v.Organization != tc.org {
				t.Errorf("organization %q, want %q", v.Organization, tc.org)
			}
			if v.Registered() || v.DeductsQuota {
				t.Errorf("rejected mail registered=%v deducts=%v", v.Registered(), v.DeductsQuota)
			}
			msg := v.Findings[0].Message
			if !strings.Contains(msg.EN, tc.wantEN) || !strings.Contains(msg.ES, tc.wantES) {
				t.Errorf("message %+v lacks %q / %q", msg, tc.wantEN, tc.wantES)
			}
		})
	}
}
