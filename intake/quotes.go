package intake

import (
	"regexp"
	"strings"
)

// maxQuotes bounds Message.Quotes; maxQuoteDepth bounds the nesting looked
// into (levels without words of their own, such as ">>" runs, give no
// quote but still cost a pass over the text).
const (
	maxQuotes     = 8
	maxQuoteDepth = 2 * maxQuotes
)

var (
	// quoteHeaderRE is one line of the header block of a quoted or
	// forwarded message ("From: ...", "Asunto: ...", "*Sent:* ...").
	quoteHeaderRE = regexp.MustCompile(`(?i)^\*?(from|de|von|da|van|sent|date|enviado el|enviado|fecha|gesendet|datum|envoyé|data|inviato|to|para|an|à|a|cc|cco|bcc|subject|asunto|betreff|objet|oggetto|assunto|onderwerp)\s*:\*?\s*(.*)$`)
	// emailRE finds an email address in an attribution or From: line.
	emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+'=-]+@[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+`)
	// forwardSubjectRE is the subject of a forwarded message.
	forwardSubjectRE = regexp.MustCompile(`(?i)^\s*(\[[^\]]*\]\s*)?(fwd?|fw|rv|tr|wg|enc|reenv(iar|io|ío)?)\s*:`)
	// originalMarkerRE tells "-----Original Message-----", which Outlook
	// puts above a reply, from the markers of a forward.
	originalMarkerRE = regexp.MustCompile(`(?i)original|ursprüngliche|d'origine`)
)

// rawQuote is one quote as found, before its words are cut.
type rawQuote struct {
	author, subject string
	forwarded       bool
	body            []string
}

// findQuotes returns the quotes of a text, outermost first: each quote
// found by the same markers cutQuotes cuts at, followed by the quotes
// nested inside it. subject is the subject of the message the text
// belongs to: under a forwarded subject ("Fwd:", "RV:"), Outlook's header
// block and "Original Message" marker are a forward. At most room quotes.
func findQuotes(text, subject string, room int) []Quote {
	var out []Quote
	var walk func(lines []string, subject string, depth int)
	walk = func(lines []string, subject string, depth int) {
		if depth > maxQuoteDepth {
			return
		}
		for _, q := range splitQuotes(lines, subject, room-len(out)) {
			if len(out) >= room {
				return
			}
			body := strings.Join(q.body, "\n")
			quote := Quote{Author: q.author, Forwarded: q.forwarded, Subject: q.subject, Text: ownWords(body)}
			// A run of ">>" lines alone says nothing of its own: only the
			// quotes inside it count.
			if quote != (Quote{}) {
				out = append(out, quote)
			}
			sub := q.subject
			if sub == "" {
				sub = subject
			}
			walk(strings.Split(normalizeText(body), "\n"), sub, depth+1)
		}
	}
	walk(strings.Split(normalizeText(text), "\n"), subject, 1)
	return out
}

// splitQuotes finds the quotes at the top level of lines (at most room):
// runs of ">" lines (under an attribution or not), and the quoted reply or
// forwarded message that runs from its marker to the end of the text.
func splitQuotes(lines []string, subject string, room int) []rawQuote {
	var out []rawQuote
	forwardSubject := forwardSubjectRE.MatchString(subject)
	for i := 0; i < len(lines) && len(out) < room; i++ {
		t := strings.TrimSpace(lines[i])
		switch {
		case strings.HasPrefix(t, ">"):
			body, next := quotedBlock(lines, i)
			out = append(out, rawQuote{body: body})
			i = next - 1
			continue
		case forwardMarkerRE.MatchString(t):
			q := headerQuote(lines, i+1)
			q.forwarded = !originalMarkerRE.MatchString(t) || forwardSubject
			return append(out, q)
		case separatorRE.MatchString(t) && nextNonBlankMatches(lines, i+1, 2, headerFromRE):
			q := headerQuote(lines, i+1)
			q.forwarded = forwardSubject
			return append(out, q)
		case headerFromRE.MatchString(t) && nextNonBlankMatches(lines, i+1, 4, headerSentRE):
			q := headerQuote(lines, i)
			q.forwarded = forwardSubject
			return append(out, q)
		}
		n := attributionLines(lines, i)
		if n == 0 {
			continue
		}
		author := firstEmail(strings.Join(lines[i:i+n], " "))
		j := i + n
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
			j++
		}
		if j < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[j]), ">") {
			body, next := quotedBlock(lines, j)
			out = append(out, rawQuote{author: author, body: body})
			i = next - 1
			continue
		}
		// An unprefixed quote (Apple Mail, some phones) runs to the end.
		return append(out, rawQuote{author: author, body: lines[j:]})
	}
	return out
}

// quotedBlock returns the run of ">" lines from i (blank lines inside the
// run included) without one level of quote markers, and the index of the
// first line after it.
func quotedBlock(lines []string, i int) (body []string, next int) {
	last := i
	for j := i; j < len(lines); j++ {
		t := strings.TrimSpace(lines[j])
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, ">") {
			break
		}
		last = j
	}
	for _, l := range lines[i : last+1] {
		l = strings.TrimLeft(l, " \t")
		l = strings.TrimPrefix(l, ">")
		l = strings.TrimPrefix(l, " ")
		body = append(body, l)
	}
	return body, last + 1
}

// headerQuote reads the header block of a quoted or forwarded message that
// starts at line i (after blank lines) and returns the quote: its author
// from the From: line, its subject, and the lines below the block.
func headerQuote(lines []string, i int) rawQuote {
	var q rawQuote
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	const maxHeaderLines = 16
	end := i
	for j := i; j < len(lines) && j < i+maxHeaderLines; j++ {
		t := strings.TrimSpace(lines[j])
		if t == "" {
			break
		}
		m := quoteHeaderRE.FindStringSubmatch(t)
		if m == nil {
			if j == i {
				break // no header block: the body starts here
			}
			end = j + 1 // a wrapped header line
			continue
		}
		switch strings.ToLower(m[1]) {
		case "from", "de", "von", "da", "van":
			if q.author == "" {
				q.author = firstEmail(m[2])
			}
		case "subject", "asunto", "betreff", "objet", "oggetto", "assunto", "onderwerp":
			if q.subject == "" {
				q.subject = strings.TrimSpace(strings.Trim(m[2], "*"))
			}
		}
		end = j + 1
	}
	q.body = lines[end:]
	return q
}

// firstEmail returns the first email address in s, lower-cased, or "".
func firstEmail(s string) string {
	return strings.ToLower(strings.Trim(emailRE.FindString(s), ".'"))
}
