package receipt

import (
	"strings"
	"unicode"

	"github.com/ticketd/ticketd/internal/oneline"
)

// Limits on customer-derived text.
const (
	// SubjectMaxRunes caps the customer's subject inside ours.
	SubjectMaxRunes = 200
	// QuoteMaxRunes caps the customer's words quoted back.
	QuoteMaxRunes = 500
	// nameMaxRunes caps a display name.
	nameMaxRunes = 100
	// msgIDMaxLen caps one msg-id; longer ones are dropped.
	msgIDMaxLen = 250
	// maxReferences caps the References chain (RFC 5322 3.6.4 lets a
	// responder trim it; we keep the first and the most recent ids).
	maxReferences = 20
)

// cleanName is a display name safe for a header.
func cleanName(s string) string {
	return oneline.Truncate(oneline.Of(s), nameMaxRunes)
}

// cleanQuote prepares the customer's words for quoting: cleanLines, cut to
// QuoteMaxRunes.
func cleanQuote(s string) string {
	return oneline.Truncate(cleanLines(s), QuoteMaxRunes)
}

// cleanLines keeps the lines of s but nothing else that could disturb a
// rendering: line ends become "\n", other control characters are dropped
// (tabs become spaces), trailing spaces go and runs of blank lines shrink to
// one.
func cleanLines(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\n':
			return r
		case r == '\u2028' || r == '\u2029':
			return '\n'
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	lines := strings.Split(s, "\n")
	kept := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		kept = append(kept, l)
	}
	return strings.TrimSpace(strings.Join(kept, "\n"))
}

// bareMsgID strips white space and one pair of angle brackets from id.
func bareMsgID(id string) string {
	id = strings.TrimSpace(id)
	id = strings.TrimPrefix(id, "<")
	return strings.TrimSuffix(id, ">")
}

// validMsgID reports whether id (without brackets) can be written between
// angle brackets in a header as is: printable ASCII without white space,
// brackets or more than msgIDMaxLen bytes.
func validMsgID(id string) bool {
	if id == "" || len(id) > msgIDMaxLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c <= ' ' || c > '~' || c == '<' || c == '>' {
			return false
		}
	}
	return true
}

// references returns the References ids to write: valid ids of refs in
// order without duplicates, inReplyTo appended when missing, and a chain
// longer than maxReferences cut to its first two ids (a ticket's first message and its
// receipt) and the most recent ones.
func references(refs []string, inReplyTo string) []string {
	seen := make(map[string]bool, len(refs)+1)
	var out []string
	add := func(id string) {
		id = bareMsgID(id)
		if !validMsgID(id) || seen[id] {
			return
		}
		seen[id] = true
		out = append(out, id)
	}
	for _, r := range refs {
		add(r)
	}
	add(inReplyTo)
	if len(out) > maxReferences {
		out = append(out[:2], out[len(out)-(maxReferences-2):]...) // the ticket's first message and its receipt
	}
	return out
}
