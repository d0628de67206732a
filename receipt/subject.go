package receipt

import (
	"regexp"
	"strings"

	"github.com/ticketd/ticketd/internal/oneline"
)

// replyPrefix matches one reply or forward marker at the start of a subject
// as mail clients write them in English, Spanish, Portuguese and German.
var replyPrefix = regexp.MustCompile(`(?i)^(re|fwd?|rv|res|enc|aw|wg)\s*(\[\d+\])?\s*:\s*`)

// Subject returns the subject of e: "[SUP-000042] <original subject>" for
// tickets, a fixed sentence for rejections and held notices (which never
// carry a ticket number nor anything the sender wrote). The original subject is reduced to one line (control
// characters become spaces), loses its reply markers and any copy of the
// ticket tag, and is capped at SubjectMaxRunes.
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
	orig = truncate(stripReplyPrefixes(orig), SubjectMaxRunes)
	if orig == "" {
		orig = phrasesFor(e.Lang).noSubject
	}
	if tag == "" {
		return "Re: " + orig
	}
	return "[" + tag + "] " + orig
}

// stripReplyPrefixes removes leading "Re:", "Fwd:", "RV:"... markers.
func stripReplyPrefixes(s string) string {
	for {
		t := strings.TrimSpace(replyPrefix.ReplaceAllString(s, ""))
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
