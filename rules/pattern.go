package rules

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// pattern is a regular expression that first looks for the literal text
// any of its matches must hold. Most of the rules' expressions open with
// an alternation of words ("\b(?:we want|would like|...)"), which Go's
// backtracker tries at every position of every sentence; a few substring
// searches tell almost every sentence apart at a fraction of that cost.
// An expression that is nothing but such an alternation between word
// boundaries is matched by looking its words up (words).
type pattern struct {
	*regexp.Regexp
	needs []need             // every match holds one of these; nil when unknown
	words *phraseAlternation // the expression's matches when it is a set of words
}

// need is a literal every match of a pattern may hold.
type need struct {
	text string
	fold bool // matched without regard to case: text is lower case
}

// mustPattern compiles expr as regexp.MustCompile does, works out the
// literals its matches must hold and adds it to allPatterns.
func mustPattern(expr string) *pattern {
	p := newPattern(expr)
	allPatterns = append(allPatterns, p)
	return p
}

// newPattern compiles expr as regexp.MustCompile does and works out the
// literals its matches must hold.
func newPattern(expr string) *pattern {
	p := &pattern{Regexp: regexp.MustCompile(expr)}
	if re, err := syntax.Parse(expr, syntax.Perl); err == nil {
		re = re.Simplify()
		p.needs = required(re)
		p.words = newPhraseAlternation(re)
	}
	return p
}

// allPatterns are the package's patterns, for the test that holds their
// literals to what the expressions match.
var allPatterns []*pattern

// maxNeeds bounds the literals a pattern checks before running: past it,
// the searches would cost what the expression does.
const maxNeeds = 48

// may reports whether s can hold a match.
func (p *pattern) may(s string) bool {
	if p.needs == nil {
		return true
	}
	lower, lowered := "", false
	for _, n := range p.needs {
		if !n.fold {
			if strings.Contains(s, n.text) {
				return true
			}
			continue
		}
		if !lowered {
			if strings.ContainsAny(s, caseFoldsToASCII) {
				return true
			}
			lower, lowered = strings.ToLower(s), true
		}
		if strings.Contains(lower, n.text) {
			return true
		}
	}
	return false
}

// MatchString is regexp's, skipped when s cannot match.
func (p *pattern) MatchString(s string) bool {
	if p.words != nil {
		return p.words.in(s)
	}
	return p.may(s) && p.Regexp.MatchString(s)
}

// FindStringIndex is regexp's, skipped when s cannot match.
func (p *pattern) FindStringIndex(s string) []int {
	if !p.may(s) {
		return nil
	}
	return p.Regexp.FindStringIndex(s)
}

// FindString is regexp's, skipped when s cannot match.
func (p *pattern) FindString(s string) string {
	if !p.may(s) {
		return ""
	}
	return p.Regexp.FindString(s)
}

// FindStringSubmatch is regexp's, skipped when s cannot match.
func (p *pattern) FindStringSubmatch(s string) []string {
	if !p.may(s) {
		return nil
	}
	return p.Regexp.FindStringSubmatch(s)
}

// FindAllString is regexp's, skipped when s cannot match.
func (p *pattern) FindAllString(s string, n int) []string {
	if !p.may(s) {
		return nil
	}
	return p.Regexp.FindAllString(s, n)
}

// FindAllStringIndex is regexp's, skipped when s cannot match.
func (p *pattern) FindAllStringIndex(s string, n int) [][]int {
	if !p.may(s) {
		return nil
	}
	return p.Regexp.FindAllStringIndex(s, n)
}

// FindAllStringSubmatch is regexp's, skipped when s cannot match.
func (p *pattern) FindAllStringSubmatch(s string, n int) [][]string {
	if !p.may(s) {
		return nil
	}
	return p.Regexp.FindAllStringSubmatch(s, n)
}

// FindAllStringSubmatchIndex is regexp's, skipped when s cannot match.
func (p *pattern) FindAllStringSubmatchIndex(s string, n int) [][]int {
	if !p.may(s) {
		return nil
	}
	return p.Regexp.FindAllStringSubmatchIndex(s, n)
}

// ReplaceAllString is regexp's, skipped when s cannot match.
func (p *pattern) ReplaceAllString(s, repl string) string {
	if !p.may(s) {
		return s
	}
	return p.Regexp.ReplaceAllString(s, repl)
}

// caseFoldsToASCII are the letters outside ASCII that (?i) matches to
// ASCII letters: the long s, which strings.ToLower leaves as it is, and the
// Kelvin sign, which it does make a "k" (checked all the same, so that the
// shortcut does not rest on that).
const caseFoldsToASCII = "\u212a\u017f"

// required returns literals one of which every match of re holds, or nil
// when there is no such short list (a match may be empty, or made of
// classes alone, or the list would be too long). Literals matched without
// regard to case are given in lower case when they are ASCII.
func required(re *syntax.Regexp) []need {
	switch re.Op {
	case syntax.OpLiteral:
		n := need{text: string(re.Rune)}
		if strings.ContainsRune(n.text, utf8.RuneError) {
			return nil // the expression matches it where the text has an invalid byte
		}
		if re.Flags&syntax.FoldCase != 0 {
			if !isASCII(n.text) {
				return nil
			}
			n = need{text: strings.ToLower(n.text), fold: true}
		}
		if n.text == "" {
			return nil
		}
		return []need{n}
	case syntax.OpCharClass:
		return classRunes(re.Rune)
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpConcat:
		return bestOf(re.Sub)
	case syntax.OpAlternate:
		var out []need
		for _, sub := range re.Sub {
			needs := required(sub)
			if needs == nil {
				return nil
			}
			out = append(out, needs...)
		}
		if len(out) > maxNeeds {
			return nil
		}
		return minimal(out)
	}
	return nil
}

// bestOf picks, among the parts of a concatenation, the list of literals
// cheapest to rule a text out with: the longest shortest literal, then
// the fewest literals.
func bestOf(parts []*syntax.Regexp) []need {
	var best []need
	bestLen := 0
	for _, sub := range parts {
		needs := required(sub)
		if needs == nil {
			continue
		}
		shortest := len(needs[0].text)
		for _, n := range needs[1:] {
			shortest = min(shortest, len(n.text))
		}
		if best == nil || shortest > bestLen || shortest == bestLen && len(needs) < len(best) {
			best, bestLen = needs, shortest
		}
	}
	return best
}

// classRunes lists a small character class's runes as literals.
func classRunes(ranges []rune) []need {
	var out []need
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := ranges[i], ranges[i+1]
		if hi-lo >= 4 || lo <= utf8.RuneError && utf8.RuneError <= hi {
			return nil
		}
		for r := lo; r <= hi; r++ {
			out = append(out, need{text: string(r)})
		}
	}
	if len(out) == 0 || len(out) > 4 {
		return nil
	}
	return out
}

// minimal drops the literals that hold another of the list looked for
// the same way: a text that holds "error" is already let through when
// "errors" is looked for.
func minimal(needs []need) []need {
	var out []need
	for i, n := range needs {
		redundant := false
		for j, o := range needs {
			if i != j && n.fold == o.fold && strings.Contains(n.text, o.text) && (len(o.text) < len(n.text) || j < i) {
				redundant = true
				break
			}
		}
		if !redundant {
			out = append(out, n)
		}
	}
	return out
}
