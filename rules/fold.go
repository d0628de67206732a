package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxAnalyzedBytes bounds the customer text the checks look at. Nobody
// types more than this by hand; what comes after is pasted logs, which the
// checks do not need, and the bound keeps hostile mail cheap to judge.
const maxAnalyzedBytes = 128 << 10

// fold prepares text for keyword matching: it lower-cases, removes accents
// (NFD, then drop the combining marks: "á" becomes "a" and "ñ" becomes "n",
// the same for keywords and text), turns typographic quotes into ASCII ones and
// collapses white space. A run of white space holding two or more line
// breaks (a paragraph break) becomes "\n", any other run one space, so a
// phrase matches across a wrapped line but not across paragraphs.
func fold(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if !isASCII(s) {
		s = norm.NFD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	pending, breaks := false, 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			pending = true
			if r == '\n' {
				breaks++
			}
			continue
		}
		if r >= utf8.RuneSelf && unicode.Is(unicode.Mn, r) {
			continue // an accent, split off its letter by NFD
		}
		if pending {
			if b.Len() > 0 {
				if breaks >= 2 {
					b.WriteByte('\n')
				} else {
					b.WriteByte(' ')
				}
			}
			pending, breaks = false, 0
		}
		switch r {
		case '\u2018', '\u2019', '\u00b4', '`':
			r = '\''
		case '\u201c', '\u201d', '\u00ab', '\u00bb':
			r = '"'
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// isASCII reports whether s is plain ASCII, which needs no normalization.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// truncate cuts s to at most n bytes without splitting a rune.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// isWordRune reports whether r is part of a word: a letter or a digit.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// countWords counts the white-space separated fields that hold at least one
// letter or digit, so "Error: 500 - login" has three words.
func countWords(s string) int {
	n := 0
	for f := range strings.FieldsSeq(s) {
		if strings.IndexFunc(f, isWordRune) >= 0 {
			n++
		}
	}
	return n
}

// tokens splits folded text into its words (runs of letters and digits).
func tokens(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })
}

// phrases is a compiled keyword list: folded, non-empty phrases.
type phrases []string

// compile folds and de-duplicates a keyword list.
func compile(words ...[]string) phrases {
	var out phrases
	seen := make(map[string]bool)
	for _, list := range words {
		for _, w := range list {
			f := fold(w)
			if f == "" || seen[f] {
				continue
			}
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// phraseSet is a keyword list ready to be looked for in a long text through
// the text's words (textWords). A phrase that starts with a letter or a
// digit can only occur where its first word is a whole word of the text:
// findPhrase wants a word boundary before the phrase, and after that word
// the phrase goes on with a rune that is not part of a word, or ends on a
// boundary. So a phrase whose first word the text lacks is not searched for.
type phraseSet struct {
	phrases
	lead   []string         // lead[i] is phrases[i]'s first word, "" if it starts with no letter or digit
	byLead map[string][]int // the phrases that start with a word, by the word
	unled  []int            // the phrases that start with no letter or digit
}

// indexed makes the phraseSet of ps.
func (ps phrases) indexed() phraseSet {
	s := phraseSet{phrases: ps, lead: make([]string, len(ps)), byLead: map[string][]int{}}
	for i, p := range ps {
		end := strings.IndexFunc(p, func(r rune) bool { return !isWordRune(r) })
		if end < 0 {
			end = len(p)
		}
		s.lead[i] = p[:end]
		if end == 0 {
			s.unled = append(s.unled, i)
		} else {
			s.byLead[p[:end]] = append(s.byLead[p[:end]], i)
		}
	}
	return s
}

// textWords is a folded text and the set of its words (tokens), built once
// per message and shared by every keyword list looked for in it.
type textWords struct {
	text  string
	words map[string]struct{}
}

func newTextWords(text string) *textWords {
	t := &textWords{text: text, words: make(map[string]struct{}, len(text)/8)}
	eachWord(text, isWordRune, func(w string) { t.words[w] = struct{}{} })
	return t
}

// matchWords reports whether any phrase of s occurs in t's text; the same
// as s.match(t.text), without searching for phrases whose first word is
// not in the text.
func (s phraseSet) matchWords(t *textWords) bool {
	for i, p := range s.phrases {
		if l := s.lead[i]; l != "" {
			if _, ok := t.words[l]; !ok {
				continue
			}
		}
		if _, ok := findPhrase(t.text, p, 0); ok {
			return true
		}
	}
	return false
}

// match reports whether any phrase occurs in the folded text.
func (ps phrases) match(text string) bool {
	for _, p := range ps {
		if _, ok := findPhrase(text, p, 0); ok {
			return true
		}
	}
	return false
}

// spans returns every occurrence of every phrase as [start, end) offsets
// into the folded text, in no particular order.
func (ps phrases) spans(text string) [][2]int {
	var out [][2]int
	for _, p := range ps {
		for from := 0; from < len(text); {
			i, ok := findPhrase(text, p, from)
			if !ok {
				break
			}
			out = append(out, [2]int{i, i + len(p)})
			from = i + len(p)
		}
	}
	return out
}

// findPhrase finds the first occurrence of the folded phrase p in text at or
// after from, on word boundaries: when p starts (ends) with a letter or
// digit, the text before (after) the match must not be one. So "error" does
// not match "terror" or "errors", and "api" does not match "capital", while
// "also," matches "also, the export" but not "we also tried".
func findPhrase(text, p string, from int) (int, bool) {
	if p == "" {
		return 0, false
	}
	first, _ := utf8.DecodeRuneInString(p)
	last, _ := utf8.DecodeLastRuneInString(p)
	for from <= len(text)-len(p) {
		i := strings.Index(text[from:], p)
		if i < 0 {
			return 0, false
		}
		i += from
		end := i + len(p)
		okBefore := true
		if isWordRune(first) && i > 0 {
			r, _ := utf8.DecodeLastRuneInString(text[:i])
			okBefore = !isWordRune(r)
		}
		okAfter := true
		if isWordRune(last) && end < len(text) {
			r, _ := utf8.DecodeRuneInString(text[end:])
			okAfter = !isWordRune(r)
		}
		if okBefore && okAfter {
			return i, true
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		from = i + size
	}
	return 0, false
}
