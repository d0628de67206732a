package rules

import (
	"testing"

	"github.com/ticketd/ticketd/intake"
)

// The complete reports used as the base of the rule tests are accepted
// with no finding, so that each rule test changes one thing only.
func TestBaselineAccepted(t *testing.T) {
	for _, tc := range []struct {
		name string
		msg  *intake.Message
		lang Lang
		org  string
	}{
		{"english", enMail(), English, "acme"},
		{"spanish", esMail(), Spanish, "globex"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(tc.msg, testPolicy(), received)
			if v.Outcome != Accepted || len(v.Findings) != 0 {
				t.Fatalf("verdict %s findings %v, want accepted with none", v.Outcome, ruleIDs(v))
			}
			if v.Category != Incident || v.Lang != tc.lang || v.Organization != tc.org || v.Contact != tc.msg.From.Addr {
				t.Fatalf("got category %s lang %s org %q contact %q", v.Category, v.Lang, v.Organization, v.Contact)
			}
			if !v.DeductsQuota || v.Warranty {
				t.Fatalf("deducts %v warranty %v, want deducted outside warranty", v.DeductsQuota, v.Warranty)
			}
		})
	}
}
