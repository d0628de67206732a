package rules

import (
	"strings"

	"github.com/ticketd/ticketd/intake"
)

// passedOnBelow: own words shorter than this may pass on a colleague's
// report as the description ("See below, can you help?").
const passedOnBelow = 40

// supportLocal are the local parts of a support desk's own addresses.
var supportLocal = map[string]bool{
	"support": true, "soporte": true, "helpdesk": true, "servicedesk": true, "help": true,
	"ayuda": true, "atencion": true, "noreply": true, "no-reply": true,
}

// tagInText finds a ticket tag ("[SUP-000123]") in a quoted message.
var tagInText = mustPattern(`\[[A-Za-z]{2,10}-\d{1,12}\]`)

// passedOn returns a colleague's report that the customer passes on below
// short own words: the quoted or forwarded messages that are not earlier
// correspondence with support itself. In a new ticket that report is the
// description; support's own emails quoted back are not new information.
func passedOn(m *intake.Message, p *Policy, ownWords int) string {
	if ownWords >= passedOnBelow || len(m.Quotes) == 0 {
		return ""
	}
	var parts []string
	for _, q := range m.Quotes {
		if isSupportQuote(q, p) {
			break
		}
		if t := strings.TrimSpace(q.Text); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n\n")
}

// supportWords are how a support desk writes: "thank you for contacting
// us", "gracias por contactarnos", "the support team".
var supportWords = mustPattern(`\b(?:thank you for contacting|thanks for contacting|thank you for reaching out|gracias por contactar|gracias por contactarnos|gracias por escribirnos|gracias por ponerse en contacto|support team|equipo de soporte|soporte tecnico|your ticket|su incidencia|tu incidencia|ticket number|numero de incidencia)\b`)

// isSupportQuote reports whether a quote is an email of the support desk.
func isSupportQuote(q intake.Quote, p *Policy) bool {
	if tagInText.MatchString(q.Subject) || tagInText.MatchString(q.Text) || supportWords.MatchString(fold(truncate(q.Text, 2000))) {
		return true
	}
	a := strings.ToLower(q.Author)
	for _, s := range p.SupportAddresses {
		if strings.EqualFold(strings.TrimSpace(s), a) {
			return true
		}
	}
	if at := strings.LastIndexByte(a, '@'); at > 0 && supportLocal[a[:at]] {
		return true
	}
	return false
}
