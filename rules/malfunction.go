package rules

import (
	"slices"
	"strings"
)

// malfunction reports the phrase or shape by which the folded sentence f
// states a malfunction, with set as the symptom phrases; "" when it does not.
func malfunction(f string, set phraseSet, words *textWords) string {
	return newScan(set, words, f, nil).malfunction(f)
}

// scan is what one message can state: the symptom phrases whose first
// word it holds and the shape patterns whose words it holds, found once
// per message so that each sentence is searched for those alone.
type scan struct {
	phrases []string
	strong  []gated
}

// newScan prepares the scan of a message whose words are words and whose
// folded text is text; sentences, when not nil, indexes the sentences to
// be scanned, and a phrase it cannot hold is never looked for.
func newScan(set phraseSet, words *textWords, text string, sentences *trigrams) *scan {
	sc := &scan{phrases: set.present(words)}
	if sentences != nil {
		kept := sc.phrases[:0:0]
		for _, p := range sc.phrases {
			if sentences.mayHold(p) {
				kept = append(kept, p)
			}
		}
		sc.phrases = kept
	}
	for _, g := range strongPatterns {
		if g.mayIn(words, text) {
			sc.strong = append(sc.strong, g)
		}
	}
	return sc
}

// present returns the phrases of s that can occur in t: those whose first
// word is a word of t (all of them when t is nil), in s's order.
func (s phraseSet) present(t *textWords) []string {
	if t == nil {
		return s.phrases
	}
	var at []int
	for w := range t.words {
		at = append(at, s.byLead[w]...)
	}
	at = append(at, s.unled...)
	slices.Sort(at)
	out := make([]string, len(at))
	for i, n := range at {
		out[i] = s.phrases[n]
	}
	return out
}

// malfunction reports the phrase or shape by which f, a folded sentence of
// the scanned message, states a malfunction; "" when it does not.
func (sc *scan) malfunction(f string) string {
	sym := sc.symptom(f)
	if sym == "" {
		return ""
	}
	// The sentence as a whole may still not report a fault; these are
	// looked at only once a symptom is there (most sentences have none).
	if isHypothetical(f) || strings.HasSuffix(f, "?") && alternativesQuestion.MatchString(f) {
		return ""
	}
	if howToQuestion.MatchString(f) || askingQuestion.MatchString(f) || isWish(f) {
		// "Is there a way to send them all at once instead of one by
		// one?": only a hard failure word makes a how-to a report.
		for _, p := range hardFailures {
			if _, ok := findPhrase(f, p, 0); ok {
				return p
			}
		}
		return ""
	}
	return sym
}

// symptom returns the first symptom phrase or shape f holds (negations,
// conditions and know-how questions around it left out), or "".
func (sc *scan) symptom(f string) string {
	phrases := sc.phrases
	for _, p := range phrases {
		for from := 0; from < len(f); {
			at, ok := findPhrase(f, p, from)
			if !ok {
				break
			}
			from = at + len(p)
			if !selfNegated(p) && negatedBefore(f[:at]) {
				continue
			}
			if conditionBefore.MatchString(f[max(0, at-90):at]) || purposeBefore.MatchString(f[max(0, at-40):at]) {
				continue // "if the upload fails", "in case it helps you see what is failing"
			}
			if (p == "no longer" || p == "ya no") && modalBefore.MatchString(f[:at]) {
				continue // "the old logo should no longer be used": a request
			}
			if notSymptom.MatchString(f[max(0, at-16):min(len(f), from+24)]) {
				continue
			}
			if weakSymptoms[p] && !isStatus(p) {
				if knowHow.MatchString(f[max(0, at-12):min(len(f), from+30)]) || !productVerb.MatchString(nextWords(f[from:], 3)) {
					continue
				}
			}
			if isStatus(p) && !statusContext(f, at) {
				continue
			}
			return p
		}
	}
	for _, g := range sc.strong {
		if !g.may(f) {
			continue
		}
		for _, loc := range g.re.FindAllStringIndex(f, 4) {
			m := f[loc[0]:loc[1]]
			if noVerbNotSymptom[m] || fineWithout(m) || peopleNoVerb.MatchString(m) || strings.HasPrefix(m, "no ") && (noVerbNotSymptom[nextWords(m, 2)] || negatedBefore(f[:loc[0]]) || knowHow.MatchString(f[loc[0]:min(len(f), loc[1]+12)])) {
				continue
			}
			return m
		}
	}
	if hasErrorStatus(statusCodes(f)) {
		return "HTTP error status"
	}
	return ""
}

// isWish reports whether a sentence opens as a wish or a request (the
// wish in its first words: "the space where the barcode should be is
// blank" reports a fault).
func isWish(f string) bool {
	loc := wish.FindStringIndex(f)
	if loc == nil || letsDown(f[loc[1]:]) || relativeBefore.MatchString(f[:loc[0]]) {
		return false
	}
	return loc[0] < 40 || strongWish.MatchString(f[loc[0]:loc[1]])
}

// strongWish is a wish wherever it stands in the sentence.
var strongWish = mustPattern(`^(?:queremos que|quisieramos que|nos gustaria que|we want|we'd like|we would like|would like)`)

// relativeBefore puts a wish in a relative clause: "the space where the
// barcode should be is blank" describes, it does not ask.
var relativeBefore = mustPattern(`\b(?:where|which|that|donde|que)\s+(?:\S+\s+){0,3}$`)

// letsDown reports whether what follows a wish says it is let down:
// "should show 23, but it shows none". "Instead of" names what a wish
// replaces ("would like it to appear instead of the old one"), not a
// let-down.
func letsDown(after string) bool {
	for _, loc := range letDown.FindAllStringIndex(after, -1) {
		if !strings.HasPrefix(after[loc[0]:], "instead of") {
			return true
		}
	}
	return false
}

// letDown turns an expectation into a fault: "should show 23, but it
// shows none".
var letDown = mustPattern(`\b(?:but|however|instead|pero|sin embargo|en cambio)\b`)
