package rules

import (
	"strings"
)

// A unit is one stretch of the customer's words that can hold one problem:
// a list item, a paragraph, or a paragraph's tail that a connective ("Also,",
// "Por otro lado", "Otra cosa:") opens as something new.
type unit struct {
	text      string     // as written, on one line
	item      bool       // a list item
	marked    bool       // opened by a marker of another problem
	intro     string     // for a list item: the line that introduced the list, folded
	sentences []sentence // in order
}

// A sentence is one sentence of a unit, as written and folded.
type sentence struct {
	text string
	fold string
}

// Bounds on segmentation: a hostile mail of one-word lines must not make
// judging slow.
const (
	maxUnits     = 60
	maxSentences = 200
)

// listItem matches the start of a numbered or bulleted list item: "1.",
// "2)", "(3)", "a)", "b.", "-", "*", "•", "·", "–", followed by white space.
var listItem = mustPattern(`^\s*(?:\d{1,2}[.)]|\(\d{1,2}\)|\(?[a-hA-H]\)|[a-h]\.|[-*•·–]|o)\s+(.*)$`)

// sentenceEnd returns where the first sentence of s ends: after a run of
// full stops, question or exclamation marks and ellipses, the closing
// quotes and brackets after it and the white space after those, or after
// a colon that ends a line (and the blank lines after it); -1 when no
// sentence ends in s. It is the expression [.!?…]+["')\]]*\s+|:\s*\n
// written out, as splitting is done for every unit of every message.
func sentenceEnd(s string) int {
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == ':':
			last := -1
			for j := i + 1; j < len(s) && isASCIISpace(s[j]); j++ {
				if s[j] == '\n' {
					last = j
				}
			}
			if last >= 0 {
				return last + 1
			}
		case stopAt(s, i) > 0:
			j := i
			for n := stopAt(s, j); n > 0; n = stopAt(s, j) {
				j += n
			}
			k := j
			for k < len(s) && strings.IndexByte(`"')]`, s[k]) >= 0 {
				k++
			}
			end := k
			for end < len(s) && isASCIISpace(s[end]) {
				end++
			}
			if end > k {
				return end
			}
			i = j - 1 // the marks inside the run end no sentence either
		}
	}
	return -1
}

// stopAt returns the length of the sentence-ending mark at s[i], or 0.
func stopAt(s string, i int) int {
	switch {
	case i >= len(s):
		return 0
	case s[i] == '.' || s[i] == '!' || s[i] == '?':
		return 1
	case strings.HasPrefix(s[i:], "…"):
		return len("…")
	}
	return 0
}

// isASCIISpace reports whether c is white space as regexp's \s has it.
func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// segment splits own words into units. Lines of a paragraph are joined;
// a blank line ends a paragraph; a list item starts a unit that goes on
// over its wrapped lines. Within a paragraph, a sentence that starts with
// a marker of another problem starts a new unit.
func segment(own string, kw *compiledKeywords) []unit {
	var (
		units   []unit
		cur     []string // lines of the unit being read
		curItem bool
		intro   string // last paragraph line before a list
		last    string // last line read outside a list item
	)
	flush := func() {
		if len(cur) == 0 {
			return
		}
		text := strings.Join(cur, " ")
		cur = cur[:0]
		if strings.TrimSpace(text) == "" {
			return
		}
		u := unit{text: text, item: curItem}
		if curItem {
			u.intro = fold(intro)
		}
		units = append(units, splitMarked(u, kw)...)
	}
	n := 0
	for line := range strings.Lines(own) {
		if n++; n > 4*maxUnits*4 || len(units) >= maxUnits {
			break
		}
		line = strings.TrimRight(line, "\r\n")
		t := strings.TrimSpace(line)
		if t == "" {
			flush()
			curItem = false
			continue
		}
		if m := listItem.FindStringSubmatch(line); m != nil && m[1] != "" {
			if !curItem {
				intro = last
			}
			flush()
			curItem = true
			cur = append(cur, m[1])
			continue
		}
		if curItem && !startsLikeParagraph(t) {
			cur = append(cur, t) // a wrapped line of the item
			continue
		}
		if curItem {
			flush()
			curItem = false
		}
		cur = append(cur, t)
		last = t
	}
	flush()
	if len(units) > maxUnits {
		units = units[:maxUnits]
	}
	total := 0
	for i := range units {
		if room := maxSentences - total; len(units[i].sentences) > room {
			units[i].sentences = units[i].sentences[:max(room, 0)]
		}
		total += len(units[i].sentences)
	}
	return units
}

// startsLikeParagraph reports whether a line after a list item starts a
// new paragraph rather than wrapping the item: it starts with an upper-case
// letter after a line that... a wrapped item line usually starts lower-case.
func startsLikeParagraph(t string) bool {
	for _, r := range t {
		return r >= 'A' && r <= 'Z' || r == '¿' || r == '¡' || r >= 'À' && r <= 'Ý'
	}
	return false
}

// splitMarked cuts a paragraph where a sentence opens with a marker of
// another problem; the tail starts a marked unit.
func splitMarked(u unit, kw *compiledKeywords) []unit {
	sents := splitSentences(u.text, maxSentences)
	if u.item {
		u.marked = len(sents) > 0 && startsWithMarker(sents[0].fold, kw)
		u.sentences = sents
		return []unit{u}
	}
	var out []unit
	start := 0
	for i := range sents {
		if i == 0 || !startsWithMarker(sents[i].fold, kw) {
			continue
		}
		out = append(out, unit{text: joinSentences(sents[start:i]), marked: start > 0 || startsWithMarker(sents[0].fold, kw), sentences: sents[start:i]})
		start = i
	}
	out = append(out, unit{text: joinSentences(sents[start:]), marked: start > 0 || len(sents) > 0 && startsWithMarker(sents[0].fold, kw), sentences: sents[start:]})
	return out
}

func joinSentences(ss []sentence) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = s.text
	}
	return strings.Join(parts, " ")
}

// splitSentences splits text into at most max sentences.
func splitSentences(text string, max int) []sentence {
	var out []sentence
	if max <= 0 {
		return nil
	}
	rest := text
	for rest != "" && len(out) < max-1 {
		end := sentenceEnd(rest)
		if end < 0 {
			break
		}
		if s := strings.TrimSpace(rest[:end]); s != "" {
			out = append(out, sentence{text: s, fold: fold(s)})
		}
		rest = rest[end:]
	}
	if s := strings.TrimSpace(rest); s != "" {
		out = append(out, sentence{text: s, fold: fold(s)})
	}
	return out
}

// markerStarts open a sentence about another problem (folded); the
// configurable MultipleIssues words count anywhere in the first words.
var markerStarts = []string{
	"also,", "also ", "additionally", "in addition", "another thing", "another issue",
	"another problem", "one more thing", "on another note", "on a separate note",
	"separately", "apart from that", "aside from that", "besides that", "secondly", "second,",
	"second issue", "second problem", "and another", "other than that", "unrelated",
	"ademas", "por otro lado", "por otra parte", "otra cosa", "otro problema",
	"otra incidencia", "aparte de eso", "aparte,", "tambien ", "tambien,", "y otra cosa",
	"y otro", "en segundo lugar", "segundo,", "asimismo", "al margen de esto",
	"no relacionado", "sin relacion", "aprovecho para", "aprovecho el correo", "aprovechando",
	"while i'm at it", "while i am at it", "while we're at it", "unrelated to this",
	"i also wanted", "we also noticed", "we also have", "tambien queria", "tambien hemos visto",
	"also noticed", "another one",
}

// startsWithMarker reports whether a folded sentence opens with a marker of
// another problem.
func startsWithMarker(f string, kw *compiledKeywords) bool {
	f = strings.TrimLeft(f, " -*•·–>\"'(")
	for _, conj := range []string{"and ", "but ", "oh and ", "y ", "pero ", "ah, ", "ah y "} {
		f = strings.TrimPrefix(f, conj)
	}
	for _, m := range markerStarts {
		if strings.HasPrefix(f, m) {
			return true
		}
	}
	head := truncate(f, 40)
	for _, p := range kw.multiple.phrases {
		if i, ok := findPhrase(head, p, 0); ok && i < 20 {
			return true
		}
	}
	return false
}
