package rules

import (
	"strings"
)

// replyPrefix matches one reply or forward prefix at the start of a subject,
// in the forms mail clients write them: "Re:", "RE:", "Fwd:", "FW:", "Fw:",
// "RV:" (Spanish Outlook), "AW:"/"WG:" (German), "RES:"/"ENC:" (Portuguese),
// "TR:" (French), "SV:", with an optional counter ("Re[2]:", "Re(3):").
var replyPrefix = mustPattern(`(?i)^\s*(?:re|fwd?|rv|aw|wg|res|enc|tr|sv)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*`)

// ticketTag matches a ticket tag such as "[SUP-000042]" anywhere in a subject,
// and the "[EXTERNAL]" markers that corporate gateways prepend.
var ticketTag = mustPattern(`(?i)\[\s*(?:[a-z]{2,10}-\d{1,12}|external|ext|externo)\s*\]`)

// cleanSubject removes reply and forward prefixes and ticket tags, so that
// "RE: Fwd: [SUP-000042] Export fails" becomes "Export fails".
func cleanSubject(s string) string {
	s = ticketTag.ReplaceAllString(s, " ")
	for {
		t := replyPrefix.ReplaceAllString(s, "")
		if t == s {
			break
		}
		s = t
	}
	return strings.Join(strings.Fields(s), " ")
}
