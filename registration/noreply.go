package registration

import (
	"strings"

	"github.com/emersion/go-msgauth/authres"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/rules"
)

// Why a turned-away message gets no answer, as its record says.
const (
	noReplyAutomated       = "automated mail (loop.automated) is never answered"
	noReplyForged          = "sender failed authentication (sender.authentic): answering could reach someone who never wrote"
	noReplyUnauthenticated = "sender's domain not authenticated (security.require_authenticated_sender): a rejection could reach a forged victim"
)

// noReplyTo says why the turned-away message m, judged v, gets no answer
// at all ("" when a rejection may go out, subject to the caps). A stranger
// (sender.authorized) is answered only when a trusted
// Authentication-Results shows their domain authenticated, or when
// security.require_authenticated_sender is off: otherwise the From may be
// a victim's address, forged to make ticketd mail them.
func noReplyTo(p *rules.Policy, m *intake.Message, v rules.Verdict) string {
	switch {
	case v.Outcome == rules.Ignored:
		return noReplyAutomated
	case v.Outcome != rules.Rejected:
		return ""
	}
	switch firstBlocking(v) {
	case rules.RuleSenderAuthentic:
		return noReplyForged
	case rules.RuleSenderAuthorized:
		if p != nil && p.RequireAuthenticatedSender && !domainAuthenticated(m.AuthResults, p.TrustedAuthServIDs, m.From.Addr) {
			return noReplyUnauthenticated
		}
	}
	return ""
}

// domainAuthenticated reports whether the topmost Authentication-Results
// header of a trusted server (ticketd's own DKIM check is one when
// security.verify_dkim is on) vouches for the domain of from: dmarc=pass,
// or dkim=pass with a signing domain (header.d) aligned with it, or
// spf=pass with an envelope sender (smtp.mailfrom) aligned with it.
// Aligned means the same organizational domain (relaxed alignment, see
// orgDomain). Only the topmost trusted header counts: the receiving server
// adds it above anything the sender wrote.
func domainAuthenticated(headers, trusted []string, from string) bool {
	domain := orgDomain(domainOfAddr(from))
	if domain == "" {
		return false
	}
	for _, r := range rules.TrustedAuthResults(headers, trusted) {
		switch r := r.(type) {
		case *authres.DMARCResult:
			if r.Value == authres.ResultPass && (r.From == "" || orgDomain(domainOfAddr(r.From)) == domain) {
				return true
			}
		case *authres.DKIMResult:
			if r.Value == authres.ResultPass && orgDomain(domainOfAddr(r.Domain)) == domain {
				return true
			}
		case *authres.SPFResult:
			if r.Value == authres.ResultPass && orgDomain(domainOfAddr(r.From)) == domain {
				return true
			}
		}
	}
	return false
}

// domainOfAddr is the lower-case domain of an address or domain
// ("alice@acme.example", "@acme.example", "acme.example").
func domainOfAddr(v string) string {
	v = strings.Trim(strings.TrimSpace(v), `"`)
	if i := strings.LastIndexByte(v, '@'); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSuffix(strings.ToLower(v), ".")
}

// secondLevel are labels that, under a two-letter country code, are part
// of the public suffix ("co.uk", "com.au"): the organizational domain then
// has three labels.
var secondLevel = map[string]bool{"co": true, "com": true, "net": true, "org": true, "gov": true, "ac": true, "edu": true, "gob": true, "ne": true, "or": true}

// orgDomain approximates the organizational domain of d (RFC 7489 3.2)
// without the public suffix list: its last two labels, or three under a
// known second-level label of a country code ("mail.acme.co.uk" gives
// "acme.co.uk").
func orgDomain(d string) string {
	labels := strings.Split(d, ".")
	for _, l := range labels {
		if l == "" {
			return ""
		}
	}
	n := 2
	if len(labels) >= 3 && len(labels[len(labels)-1]) == 2 && secondLevel[labels[len(labels)-2]] {
		n = 3
	}
	if len(labels) < n {
		return ""
	}
	return strings.Join(labels[len(labels)-n:], ".")
}
