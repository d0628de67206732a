// Package oneline folds text onto one line for headers, logs, tables and
// health reasons: the single place where ticketd does so, and where it
// cuts text to a number of characters.
package oneline

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Of returns s as a single line: invalid UTF-8 is replaced, Unicode format
// characters (bidirectional overrides such as U+202E, zero-width joiners)
// are dropped, and every run of control characters, line or paragraph
// separators and white space becomes one space; none is left at either
// end. The result can never split a header nor reorder a terminal line.
func Of(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.Is(unicode.Cf, r) {
			continue
		}
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// Cut returns Of(s) cut to at most n runes, ending with "…" when it was
// cut. n <= 0 means no limit.
func Cut(s string, n int) string {
	return Truncate(Of(s), n)
}

// Truncate cuts s to at most n runes as Cut does, keeping its lines:
// invalid UTF-8 is replaced, and the cut ends with "…" after the last
// character that is not white space. n <= 0 means no limit.
func Truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimRightFunc(string(r[:n-1]), unicode.IsSpace) + "…"
}

// Quote returns s for a terminal or a log line when s may carry raw bytes
// (a parser's complaint quoting a binary file): printable text is Cut to n
// runes; anything with invalid UTF-8 or control characters (line breaks
// included) is Go-quoted in ASCII from at most its first n bytes, "…"
// after the quote when it was cut.
func Quote(s string, n int) string {
	if Printable(s) {
		return Cut(s, n)
	}
	if n > 0 && len(s) > n {
		return strconv.QuoteToASCII(s[:n]) + "…"
	}
	return strconv.QuoteToASCII(s)
}

// Printable reports whether s is valid UTF-8 made of printable characters
// only (no control characters, line breaks included).
func Printable(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// Error is err as a terminal or a log may show it: one line, printable,
// cut; a message carrying raw bytes (a parser quoting a binary file's first
// line) is quoted and cut instead.
func Error(err error) string {
	s := err.Error()
	if Printable(s) {
		return Cut(s, 500)
	}
	return Quote(s, 120)
}
