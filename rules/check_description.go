package rules

import (
	"fmt"
	"strconv"
	"strings"
)

// signatureLine marks a unit that is a signature block or a legal footer
// that intake could not cut (no "-- " line): contact details, or the
// wording of a disclaimer.
var (
	contactDetail = mustPattern(`(?i)[\w.+-]+@[\w-]+\.[\w.-]+|\bwww\.|\+\d{2}[\d ()-]{6,}|\b(?:tel|phone|mobile|m|t|tfno|movil)\.?:?\s*\+?\d`)
	disclaimer    = mustPattern(`(?i)\b(?:intended (?:only )?for|intended recipient|confidential|privileged|disclaimer|registered in|registered office|do not print|think before printing|aviso legal|confidencial|destinatario|protecci[oó]n de datos|RGPD|GDPR|LOPD|antes de imprimir)\b`)
)

// Gates of the signature expressions: the characters and words without
// which they cannot match.
var (
	contactGate    = gated{raw: true, any: []string{"@", "www.", "+", "Tel", "tel", "Phone", "phone", "Mobile", "mobile", "M.", "T.", "M ", "T ", "Móvil", "móvil", "Tfno", "tfno"}}
	disclaimerGate = gated{any: []string{"intended", "confidential", "privileged", "disclaimer", "registered", "print",
		"aviso", "confidencial", "destinatario", "protecci", "rgpd", "gdpr", "lopd", "imprimir"}}
)

// hasStatement reports whether unit i states a malfunction.
func (in *input) hasStatement(i int) bool {
	for _, s := range in.statements {
		if s.unit == i {
			return true
		}
	}
	return false
}

// ownWordCount counts the customer's own words, leaving out units that
// are a signature block or a disclaimer that intake could not separate.
func (in *input) ownWordCount() int {
	units := in.units
	if in.passed != "" {
		units = segment(in.own, in.kw)
	}
	n := 0
	signed := false // a sign-off or a bare name was seen: what follows is a signature
	for i, u := range units {
		w := countWords(u.text)
		if signed && !endsSentence(u.text) {
			continue
		}
		if i > 0 && w <= 4 && !endsSentence(u.text) && !strings.HasSuffix(strings.TrimSpace(u.text), ":") {
			signed = true
		}
		if i == 0 {
			n += w
			continue
		}
		contact := in.may(&contactGate, u.text) && contactDetail.MatchString(u.text)
		if contact && !strings.ContainsAny(u.text, ".?!") || in.may(&disclaimerGate, strings.ToLower(u.text)) && disclaimer.MatchString(u.text) {
			continue
		}
		if contact && w < 60 && !endsSentence(u.text) && !in.hasStatement(i) {
			continue
		}
		n += w
	}
	return n
}

// endsSentence reports whether text ends as a sentence does, or asks
// something: a signature block ends on a name, a number or an address.
func endsSentence(text string) bool {
	t := strings.TrimRight(text, " \t\"')»”")
	return strings.Contains(t, "?") || strings.HasSuffix(t, ".") && !strings.HasSuffix(t, "S.L.") && !strings.HasSuffix(t, "S.A.") || strings.HasSuffix(t, "!")
}

// checkDescription fires when the customer's own words (quotes and
// signatures removed) have fewer than Policy.DescriptionMinWords words.
func checkDescription(in *input) *Finding {
	n := in.policy.DescriptionMinWords
	got := in.ownWordCount()
	if in.passed != "" {
		got += countWords(in.passed)
		in.note(RuleDescription, got < n, "a colleague's report passed on below the own words counts as the description")
	}
	if got >= n {
		return nil
	}
	in.note(RuleDescription, true, fmt.Sprintf("%d words of the customer's own (quotes, signatures and footers left out); %d needed", got, n))
	msg := Text{
		EN: fmt.Sprintf("Your message is too short for us to understand the problem: it has %d words and we need at least %d.", got, n),
		ES: fmt.Sprintf("Su mensaje es demasiado breve para entender el problema: tiene %d palabras y necesitamos al menos %d.", got, n),
	}
	if got == 0 {
		msg = Text{
			EN: "Your message does not describe the problem in your own words.",
			ES: "Su mensaje no describe el problema con sus propias palabras.",
		}
	}
	return &Finding{
		Rule:    RuleDescription,
		Outcome: NeedsInfo,
		Message: msg,
		Request: Text{
			EN: "Reply to this email describing, in at least " + strconv.Itoa(n) +
				" words, what you were doing, what you expected to happen and what happened instead.",
			ES: "Responda a este correo describiendo, en al menos " + strconv.Itoa(n) +
				" palabras, qué estaba haciendo, qué esperaba que ocurriera y qué ocurrió en su lugar.",
		},
	}
}
