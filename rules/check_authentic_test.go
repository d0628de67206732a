package rules

import (
	"testing"

	"github.com/ticketd/ticketd/intake"
)

func authPolicy() *Policy {
	p := testPolicy()
	p.RequireAuthenticatedSender = true
	p.TrustedAuthServIDs = []string{"mx.vendor.example"}
	return p
}

func authResults(headers ...string) func(*intake.Message) {
	return func(m *intake.Message) { m.AuthResults = headers }
}

func TestSenderAuthentic(t *testing.T) {
	runRuleCases(t, RuleSenderAuthentic, authPolicy(), []ruleCase{
		{"no header", enMail(), true},
		{"dkim pass for from domain", enMail(authResults(
			"mx.vendor.example; spf=pass smtp.mailfrom=acme.example; dkim=pass header.d=acme.example")), false},
		{"dkim pass, identity in from domain", enMail(authResults(
			"mx.vendor.example; dkim=pass header.i=@acme.example")), false},
		{"dmarc pass with comments", enMail(authResults(
			"mx.vendor.example (Postfix); dmarc=pass (p=reject dis=none) header.from=acme.example")), false},
		{"authserv-id case-insensitive", enMail(authResults(
			"MX.Vendor.Example; dkim=pass header.d=ACME.example")), false},
		{"dkim pass for another domain", enMail(authResults(
			"mx.vendor.example; dkim=pass header.d=mailer.example")), true},
		{"dkim fail", enMail(authResults(
			"mx.vendor.example; dkim=fail header.d=acme.example; dmarc=fail header.from=acme.example")), true},
		{"spf pass is not enough", enMail(authResults(
			"mx.vendor.example; spf=pass smtp.mailfrom=acme.example")), true},
		{"untrusted server says pass", enMail(authResults(
			"mx.evil.example; dkim=pass header.d=acme.example")), true},
		{"forged header below the trusted one", enMail(authResults(
			"mx.vendor.example; dkim=none; dmarc=fail header.from=acme.example",
			"mx.vendor.example; dkim=pass header.d=acme.example")), true},
		{"garbage header", enMail(authResults("((((;;;=")), true},
		{"es dkim pass", esMail(authResults("mx.vendor.example; dkim=pass header.d=globex.example")), false},
		{"es no header", esMail(), true},
	})
}

func TestSenderAuthenticSkipped(t *testing.T) {
	notRequired := authPolicy()
	notRequired.RequireAuthenticatedSender = false
	noTrusted := authPolicy()
	noTrusted.TrustedAuthServIDs = nil
	for _, tc := range []struct {
		name string
		p    *Policy
		msg  *intake.Message
		want string // the only rule expected, "" for none
	}{
		{"not required", notRequired, enMail(), ""},
		{"no trusted authserv-id", noTrusted, enMail(), ""},
		{"stranger is unauthorized first", authPolicy(), enMail(from("mallory@example.com")), RuleSenderAuthorized},
		{"unauthenticated contact is rejected", authPolicy(), enMail(), RuleSenderAuthentic},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := Evaluate(tc.msg, tc.p, received)
			ids := ruleIDs(v)
			if tc.want == "" && len(ids) != 0 || tc.want != "" && (len(ids) != 1 || ids[0] != tc.want) {
				t.Fatalf("findings %v, want %q", ids, tc.want)
			}
			if tc.want != "" && v.Outcome != Rejected {
				t.Fatalf("verdict %s, want rejected", v.Outcome)
			}
		})
	}
}

func TestStripComments(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"mx (Postfix); dkim=pass", "mx  ; dkim=pass"},
		{"a (nested (comment)) b", "a   b"},
		{`a "quoted (not a comment)" b`, `a "quoted (not a comment)" b`},
		{`a (escaped \) paren) b`, "a   b"},
		{"unbalanced (never closed", "unbalanced "},
	} {
		if got := stripComments(tc.in); got != tc.want {
			t.Errorf("stripComments(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
