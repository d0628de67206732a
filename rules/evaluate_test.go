package rules

import (
	"slices"
	"testing"
	"time"

	"github.com/ticketd/ticketd/intake"
)

func TestOutcomePrecedence(t *testing.T) {
	order := []Outcome{Accepted, NeedsInfo, Rejected, Ignored}
	for i := 1; i < len(order); i++ {
		if order[i].precedence() <= order[i-1].precedence() {
			t.Errorf("%s does not win over %s", order[i], order[i-1])
		}
	}
}

func TestVerdictPrecedence(t *testing.T) {
	bare := mail("alice@acme.example", "help", "urgent")
	bounce := mail("mallory@example.com", "help", "urgent")
	bounce.Loop.AutoSubmitted = "auto-replied"
	for _, tc := range []struct {
		name    string
		msg     *intake.Message
		outcome Outcome
		rules   []string
	}{
		{"automated stranger is ignored", bounce, Ignored, []string{RuleLoopAutomated}},
		{"stranger is rejected only", mail("mallory@example.com", "help", "urgent"), Rejected, []string{RuleSenderAuthorized}},
		{"contact outside the channel is rejected only", mail("peter@initech.example", "help", "urgent"), Rejected, []string{RuleChannelIncluded}},
		{"content findings in table order", bare, NeedsInfo, []string{RuleSubjectDescriptive, RuleDescription}},
		{"all evidence rules in order", enMail(subject("HELP"), own("It fails. Also, the list does not load."), attach()), NeedsInfo,
			[]string{RuleSubjectDescriptive, RuleDescription, RuleIssueSingle, RuleEvidenceAttached}},
		{"blocking and informational", enMail(subject("New user"), own("Please create a user for John."), attach()), NeedsInfo,
			[]string{RuleSubjectDescriptive, RuleDescription, RuleSelfService}},
		{"informational only", enMail(subject("New user for John Doe"), own(enCreateUser), attach()), Accepted,
			[]string{RuleSelfService}},
		{"complete", enMail(), Accepted, []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(tc.msg, testPolicy(), received)
			if v.Outcome != tc.outcome || !slices.Equal(ruleIDs(v), tc.rules) {
				t.Fatalf("verdict %s findings %v, want %s %v", v.Outcome, ruleIDs(v), tc.outcome, tc.rules)
			}
			if v.Registered() != (tc.outcome == Accepted || tc.outcome == NeedsInfo) {
				t.Fatalf("registered = %v for %s", v.Registered(), v.Outcome)
			}
		})
	}
}

func TestQuotaAndWarranty(t *testing.T) {
	utcPlus2 := time.FixedZone("CEST", 2*3600)
	for _, tc := range []struct {
		name     string
		msg      *intake.Message
		at       time.Time
		warranty bool
		deducts  bool
	}{
		{"acme last second of warranty", enMail(), time.Date(2025, 6, 30, 23, 59, 59, 0, time.UTC), true, false},
		{"acme first second after warranty", enMail(), time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), false, true},
		{"acme received in another zone, still June 30 UTC", enMail(), time.Date(2025, 7, 1, 1, 30, 0, 0, utcPlus2), true, false},
		{"acme needs_info also deducts", enMail(own("It fails.")), received, false, true},
		{"globex has no warranty", esMail(), received, false, true},
		{"umbrella under warranty", enMail(from("ada@umbrella.example")), received, true, false},
		{"umbrella needs_info under warranty", enMail(from("ada@umbrella.example"), attach()), received, true, false},
		{"rejected never deducts", enMail(from("peter@initech.example")), received, false, false},
		{"stranger never deducts", enMail(from("mallory@example.com")), received, false, false},
		{"ignored never deducts", enMail(from("ada@umbrella.example"), subject("Automatic reply: invoices")), received, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(tc.msg, testPolicy(), tc.at)
			if v.Warranty != tc.warranty || v.DeductsQuota != tc.deducts {
				t.Fatalf("%s: warranty %v deducts %v, want %v %v", v.Outcome, v.Warranty, v.DeductsQuota, tc.warranty, tc.deducts)
			}
		})
	}
}

// Evaluate tolerates a nil message and a nil policy.
func TestEvaluateNil(t *testing.T) {
	if v := Evaluate(nil, testPolicy(), received); v.Outcome != Ignored || v.Category != Question || v.Lang != English {
		t.Errorf("nil message: %+v", v)
	}
	if v := Evaluate(enMail(), nil, received); v.Outcome != Rejected || !v.Has(RuleSenderAuthorized) {
		t.Errorf("nil policy: %+v", v)
	}
}

// A Policy without keywords uses the defaults.
func TestZeroKeywordsMeanDefaults(t *testing.T) {
	p := testPolicy()
	p.Keywords = Keywords{}
	v := Evaluate(enMail(attach()), p, received)
	if v.Category != Incident || !v.Has(RuleEvidenceAttached) {
		t.Fatalf("category %s findings %v, want incident asking for evidence", v.Category, ruleIDs(v))
	}
}

// The organization and contact are reported for contacts, in lower case.
func TestVerdictOrganization(t *testing.T) {
	v := Evaluate(enMail(from("Bob@ACME.example")), testPolicy(), received)
	if v.Organization != "acme" || v.Contact != "bob@acme.example" {
		t.Fatalf("organization %q contact %q", v.Organization, v.Contact)
	}
}
