package rules

import "regexp/syntax"

// phraseAlternation matches an expression that is an alternation of words and
// phrases between word boundaries, \b(?:...)\b, by looking the words of
// a text up instead of running the expression at every position of it.
type phraseAlternation struct {
	phrases map[string]bool // every string the alternation matches
	leads   map[string]bool // the first words of the phrases
	longest int             // the longest phrase, in bytes
}

// maxAlternation bounds the strings an alternation may expand to.
const maxAlternation = 2000

// newPhraseAlternation returns the word set re is, or nil when re is anything else.
func newPhraseAlternation(re *syntax.Regexp) *phraseAlternation {
	n := len(re.Sub)
	if re.Op != syntax.OpConcat || n < 3 ||
		re.Sub[0].Op != syntax.OpWordBoundary || re.Sub[n-1].Op != syntax.OpWordBoundary {
		return nil
	}
	all, ok := expand(&syntax.Regexp{Op: syntax.OpConcat, Sub: re.Sub[1 : n-1]})
	if !ok {
		return nil
	}
	ws := &phraseAlternation{phrases: map[string]bool{}, leads: map[string]bool{}}
	for _, p := range all {
		// \b on both sides holds at a phrase's ends only when they are
		// word characters; past ASCII, \b has no words.
		if p == "" || !isASCII(p) || !isWordByte(p[0]) || !isWordByte(p[len(p)-1]) {
			return nil
		}
		ws.phrases[p] = true
		ws.leads[p[:wordEnd(p, 0)]] = true
		ws.longest = max(ws.longest, len(p))
	}
	return ws
}

// in reports whether s holds one of the phrases between word boundaries.
func (ws *phraseAlternation) in(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isWordByte(s[i]) || i > 0 && isWordByte(s[i-1]) {
			continue
		}
		first := wordEnd(s, i)
		if !ws.leads[s[i:first]] {
			i = first
			continue
		}
		for j := first; j <= len(s) && j-i <= ws.longest; j = wordEnd(s, nextWord(s, j)) {
			if ws.phrases[s[i:j]] {
				return true
			}
			if j == len(s) {
				break
			}
		}
		i = first
	}
	return false
}

// wordEnd returns where the word that starts at or after i ends.
func wordEnd(s string, i int) int {
	for i < len(s) && isWordByte(s[i]) {
		i++
	}
	return i
}

// nextWord returns where the next word after i starts, or len(s).
func nextWord(s string, i int) int {
	for i < len(s) && !isWordByte(s[i]) {
		i++
	}
	return i
}

// isWordByte reports whether c is a word character as \b has it.
func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// expand lists every string re matches, when they are few and re is made
// of literals, small classes, alternations and optional parts alone.
func expand(re *syntax.Regexp) ([]string, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil, false
		}
		return []string{string(re.Rune)}, true
	case syntax.OpCharClass:
		var out []string
		for i := 0; i+1 < len(re.Rune); i += 2 {
			for r := re.Rune[i]; r <= re.Rune[i+1]; r++ {
				if len(out) == 8 {
					return nil, false
				}
				out = append(out, string(r))
			}
		}
		return out, true
	case syntax.OpCapture:
		return expand(re.Sub[0])
	case syntax.OpEmptyMatch:
		return []string{""}, true
	case syntax.OpQuest:
		sub, ok := expand(re.Sub[0])
		return append(sub, ""), ok
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			sub, ok := expand(s)
			if !ok || len(out)+len(sub) > maxAlternation {
				return nil, false
			}
			out = append(out, sub...)
		}
		return out, true
	case syntax.OpConcat:
		out := []string{""}
		for _, s := range re.Sub {
			sub, ok := expand(s)
			if !ok || len(out)*len(sub) > maxAlternation {
				return nil, false
			}
			next := make([]string, 0, len(out)*len(sub))
			for _, a := range out {
				for _, b := range sub {
					next = append(next, a+b)
				}
			}
			out = next
		}
		return out, true
	}
	return nil, false
}
