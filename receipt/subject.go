package receipt

import (
	"regexp"
	"strings"

	"github.com/ticketd/ticketd/internal/oneline"
)

// replyPrefix matches one reply or forward marker at the start of a subject
// as mail clients write them: English (Re, Fw, Fwd), Spanish (RV),
// Portuguese (Res, Enc), German (AW, WG, Antwort), Dutch (Antw),
// Scandinavian (SV, VS), French (TR), Italian (R, RIF, I), Polish (Odp),
// Turkish (YNT), Greek (ΑΠ, ΣΧΕΤ, ΠΡΘ) and Chinese (回复, 答复, 转发 and
// their traditional forms), with an optional counter (Re[2], Re^2, Re(2))
// and an ASCII or full-width colon.
//
// Each marker is a whole token followed by its colon: "Reports:" or
// "Invoice:" never lose a letter. The one-letter Italian markers R: and I:
// are stripped too, which also strips a subject that really begins with
// "R:" or "I:" (the R language, a lone "I:"); such subjects are rare, and
// Italian clients write these markers on every reply and forward.
var replyPrefix = regexp.MustCompile(`(?i)^(?:re|fwd?|rv|res|enc|aw|wg|antw|antwort|sv|vs|tr|rif|r|i|odp|ynt|απ|σχετ|πρθ|回复|回覆|答复|答覆|转发|轉發|轉寄)\s*(?:\[\d+\]|\^\d+|\(\d+\))?\s*[:：]\s*`)

// gatewayTag matches one marker a mail gateway or filter puts at the start
// of a subject: "[EXTERNAL]", "[EXT]", "[CAUTION]", "[SPAM]", "*EXTERNAL*",
// "EXTERNAL:"... A bracketed word that is not one of these ("[draft]",
// "[URGENT]") is the customer's and stays.
var gatewayTag = regexp.MustCompile(`(?i)^(?:\[\s*` + gatewayWords + `\s*\]|\*\s*` + gatewayWords + `\s*\*|external\s*[:：])\s*`)

const gatewayWords = `(?:external(?:\s+(?:email|e-mail|mail|message|sender))?|ext|caution(?:\s*:?\s*external(?:\s+email)?)?|spam|possible\s+spam|suspected\s+spam|suspicious)`

// Subject returns the subject of e: "[SUP-000042] <original subject>" for
// tickets, a fixed sentence for rejections and held notices (which never
// carry a ticket number nor anything the sender wrote). The original subject is reduced to one line (control
// characters become spaces), loses its reply markers, gateway tags and any
// copy of the ticket tag, and is capped at SubjectMaxRunes. Kinds with a
// ticket number never add "Re:": every email of a ticket composed from the
// ticket's first subject gets the very same subject.
func Subject(e *Email) string {
	switch e.Kind {
	case KindRejection:
		return phrasesFor(e.Lang).rejectSubject
	case KindHeld:
		return phrasesFor(e.Lang).heldSubject
	}
	orig := oneline.Of(e.OriginalSubject)
	tag := ""
	if e.Kind != KindRejection {
		tag = oneline.Of(e.TicketNumber)
	}
	if tag != "" {
		orig = removeFold(orig, "["+tag+"]")
	}
	orig = oneline.Truncate(stripReplyPrefixes(orig), SubjectMaxRunes)
	if orig == "" {
		orig = phrasesFor(e.Lang).noSubject
	}
	if tag == "" {
		return "Re: " + orig
	}
	return "[" + tag + "] " + orig
}

// stripReplyPrefixes removes leading "Re:", "Fwd:", "SV:", "回复："...
// markers and gateway tags such as "[EXTERNAL]", in any number and order.
// Only the start of the subject is touched: "Invoice [draft] not saving"
// keeps its brackets.
func stripReplyPrefixes(s string) string {
	for {
		t := replyPrefix.ReplaceAllString(s, "")
		t = strings.TrimSpace(gatewayTag.ReplaceAllString(t, ""))
		if t == s {
			return s
		}
		s = t
	}
}

// removeFold removes every case-insensitive occurrence of sub from s and
// tidies the spaces left behind.
func removeFold(s, sub string) string {
	lower, lsub := strings.ToLower(s), strings.ToLower(sub)
	if len(lower) != len(s) || len(lsub) != len(sub) {
		// Lower-casing changed byte lengths: fall back to an exact match.
		return oneline.Of(strings.ReplaceAll(s, sub, " "))
	}
	var b strings.Builder
	for {
		i := strings.Index(lower, lsub)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		b.WriteByte(' ')
		s, lower = s[i+len(sub):], lower[i+len(sub):]
	}
	return oneline.Of(b.String())
}
