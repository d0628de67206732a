package rules

import (
	"strings"

	"github.com/emersion/go-msgauth/authres"
)

// checkSenderAuthentic fires, when Policy.RequireAuthenticatedSender is set
// and TrustedAuthServIDs is not empty, for a contact's mail that a trusted
// receiving server did not authenticate: it needs dmarc=pass for the From
// domain or dkim=pass with header.d (or header.i) in the From domain.
//
// Only the topmost Authentication-Results header of a trusted server is
// read: the receiving server adds it above everything the sender wrote, so
// a forged header with the same authserv-id sits below it and is ignored.
func checkSenderAuthentic(in *input) *Finding {
	p := in.policy
	if !p.RequireAuthenticatedSender || len(p.TrustedAuthServIDs) == 0 || in.contact == nil {
		return nil
	}
	domain := addrDomain(in.msg.From.Addr)
	if authenticated(in.msg.AuthResults, p.TrustedAuthServIDs, domain) {
		return nil
	}
	addr := truncate(strings.TrimSpace(in.msg.From.Addr), 254)
	return &Finding{
		Rule:    RuleSenderAuthentic,
		Outcome: Rejected,
		Message: Text{
			EN: "We cannot register your message: we could not verify that it really comes from " + addr +
				" (it is not signed for " + domain + " with DKIM, nor does it pass DMARC). " +
				"Please write to us again from your usual mail system, or ask your IT team to sign your mail with DKIM.",
			ES: "No podemos registrar su mensaje: no hemos podido comprobar que procede realmente de " + addr +
				" (no está firmado para " + domain + " con DKIM ni supera DMARC). " +
				"Escríbanos de nuevo desde su sistema de correo habitual, o pida a su equipo de sistemas que firme su correo con DKIM.",
		},
	}
}

// authenticated reports whether the topmost Authentication-Results header
// from a trusted authserv-id shows dmarc=pass for domain, or dkim=pass with
// a signing domain (header.d) or identity (header.i) in domain.
func authenticated(headers, trusted []string, domain string) bool {
	if domain == "" {
		return false
	}
	for _, r := range TrustedAuthResults(headers, trusted) {
		switch r := r.(type) {
		case *authres.DMARCResult:
			if r.Value == authres.ResultPass && (r.From == "" || sameDomain(r.From, domain)) {
				return true
			}
		case *authres.DKIMResult:
			if r.Value == authres.ResultPass && (sameDomain(r.Domain, domain) || sameDomain(r.Identifier, domain)) {
				return true
			}
		}
	}
	return false
}

// TrustedAuthResults returns the results of the topmost header of headers
// (Authentication-Results values, topmost first) whose authserv-id is in
// trusted, or nil when there is none. Only that header counts: the
// receiving server adds it above everything the sender wrote, so a forged
// header with the same authserv-id sits below it. On a parse error the
// results before the bad one are kept: they are as trustworthy as the
// header itself.
func TrustedAuthResults(headers, trusted []string) []authres.Result {
	for _, h := range headers {
		id, results, _ := authres.Parse(stripComments(h))
		if id != "" && containsFold(trusted, id) {
			return results
		}
	}
	return nil
}

// stripComments removes RFC 5322 comments ("(...)", nested, outside quoted
// strings) from a header value; go-msgauth does not, and a comment after
// the authserv-id ("mx.example.com (Postfix);") would make it fail.
func stripComments(s string) string {
	var b strings.Builder
	depth, quoted, escaped := 0, false, false
	for _, r := range s {
		switch {
		case escaped:
			escaped = false
		case r == '\\':
			escaped = true
		case depth == 0 && r == '"':
			quoted = !quoted
		case !quoted && r == '(':
			depth++
			continue
		case !quoted && r == ')' && depth > 0:
			depth--
			if depth == 0 {
				b.WriteByte(' ')
			}
			continue
		}
		if depth == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// addrDomain returns the lower-case domain of an address ("" without one).
func addrDomain(addr string) string {
	i := strings.LastIndexByte(addr, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(addr[i+1:]))
}

// sameDomain reports whether v, a domain or an address ("@acme.example",
// "alice@acme.example", `"acme.example"`), names domain.
func sameDomain(v, domain string) bool {
	v = strings.Trim(strings.TrimSpace(v), `"`)
	if i := strings.LastIndexByte(v, '@'); i >= 0 {
		v = v[i+1:]
	}
	v = strings.TrimSuffix(strings.ToLower(v), ".")
	return v != "" && v == strings.TrimSuffix(domain, ".")
}

// containsFold reports whether list holds s, case-insensitively.
func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(strings.TrimSpace(v), s) {
			return true
		}
	}
	return false
}

// Authenticated reports whether the topmost Authentication-Results header
// of a trusted server (headers, topmost first) shows dmarc=pass, or
// dkim=pass, for addr's domain.
func Authenticated(headers, trusted []string, addr string) bool {
	return authenticated(headers, trusted, addrDomain(addr))
}
