package rules

import (
	"strings"
)

// gated is a regular expression run only on text that holds one of its
// literal words: most sentences hold none, and a substring search is far
// cheaper than running the expression.
type gated struct {
	re  *pattern
	any []string
	raw bool // the words are looked for in the text as written, not folded
}

// mayIn reports whether the message holds one of g's words: a word made
// of letters only is looked up in the message's words, anything else
// (a part of a word, several words, punctuation) searched in its text.
func (g gated) mayIn(words *textWords, text string) bool {
	for _, w := range g.any {
		if words != nil && isPlainWord(w) {
			if _, ok := words.words[w]; ok {
				return true
			}
			continue
		}
		if strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// isPlainWord reports whether w is one word of ASCII letters.
func isPlainWord(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return w != ""
}

// may reports whether f holds one of g's words.
func (g gated) may(f string) bool {
	for _, w := range g.any {
		if strings.Contains(f, w) {
			return true
		}
	}
	return false
}

// may reports whether g's words are in f and, first, anywhere in the
// message: a gate missing from the whole message is never looked for in
// its sentences again. f need not be a part of the message's text (a unit
// joins the lines of its paragraph), so a gate the message opens is looked
// for in f with all its words.
func (in *input) may(g *gated, f string) bool {
	hit, ok := in.gates[g]
	if !ok {
		text, index := in.text, &in.textIndex
		if g.raw {
			text, index = in.rawText, &in.rawIndex
		}
		if *index == nil {
			*index = newTrigrams(text)
		}
		hit = g.in(text, *index)
		if in.gates == nil {
			in.gates = map[*gated]bool{}
		}
		in.gates[g] = hit
	}
	return hit && g.may(f)
}

// in reports whether text, indexed by index, holds one of g's words.
func (g gated) in(text string, index *trigrams) bool {
	for _, w := range g.any {
		if index.mayHold(w) && strings.Contains(text, w) {
			return true
		}
	}
	return false
}
