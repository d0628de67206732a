package rules

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/intake"
)

// patternSamples are texts that hold, or nearly hold, what the package's
// expressions look for, with the edges a literal search gets wrong: word
// boundaries, case, and letters that fold to ASCII.
var patternSamples = []string{
	"",
	"the api returns 500",
	"the apis return 500", // "api" inside a longer word
	"rapid sync",          // "api" and "sync" where \b does not hold
	"our erp connector fails",
	"make.com scenario broke",
	"We use Make.com and Power Automate",
	"GET /v1/orders HTTP/1.1 500 Internal Server Error",
	"get /v1/orders returns http/1.1 500",
	"curl -X POST https://api.acme.example/v1/orders",
	"CURL 'https://x' ",
	"Kelvin \u212a and long \u017f: cur\u017f -x",
	"CONFIDENTIAL: intended only for the addressee",
	"Tel.: +34 912 345 678 · www.acme.example · alice@acme.example",
	"no funciona la sincronización del conector",
	"it doesn't work, it never loads",
	"el informe sale con 0 facturas y en blanco",
	"Invoice INV-2044 cannot be opened: https://app.example.com/documents/8812",
	"1. first problem\n2) second problem\n- third",
	"Re: Fwd: [EXTERNAL] [SUP-12] logo change",
	"¿Cómo puedo crear un usuario nuevo?",
	"we would like the old logo to disappear; it should show 23 but shows none",
	"if the upload fails, what should we do?",
	"sync_job_42 timeouts: time out, timed out, timeouts",
	"the_integration_ connector_",
	"\xff\xfe broken utf-8 \xc3",
	"\u017ferver: nginx", // the long s, which (?i)s matches and ToLower leaves
	"Done.\vNext",        // \v, which \s leaves out
}

// fixtureTexts returns the lines of the raw and folded texts of the
// fixtures of testdata/mail and the corpus: the shapes the expressions
// meet in use.
func fixtureTexts(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "testdata", "mail", "*.eml"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join("..", "testdata", "corpus", "*", "*.eml"))
	paths = append(paths, more...)
	var out []string
	seen := map[string]bool{}
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := intake.Parse(bytes.NewReader(raw), intake.Limits{})
		if err != nil {
			continue
		}
		for _, text := range []string{m.Subject + "\n" + m.OwnText, fold(m.Subject + " .\n" + m.OwnText)} {
			for _, line := range strings.Split(text, "\n") {
				if !seen[line] {
					seen[line] = true
					out = append(out, line)
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no fixtures")
	}
	return out
}

// TestPatternsMatchAsTheirExpressions holds every expression of the
// package, with its literal search and word lookup in front, to what the
// expression alone does over the fixtures and the edge cases.
// Every method but MatchString runs the expression once the literal
// search lets a text through, so MatchString alone is held to it over the
// many fixtures, and every method over the edge cases.
func TestPatternsMatchAsTheirExpressions(t *testing.T) {
	texts := fixtureTexts(t)
	step := 1
	if raceEnabled {
		step = 5 // every fifth line: all the shapes, a fifth of the time
	}
	for _, p := range allPatterns {
		for i := 0; i < len(texts); i += step {
			s := texts[i]
			if got, want := p.MatchString(s), p.Regexp.MatchString(s); got != want {
				t.Fatalf("%s\nMatchString(%q) = %v, the expression says %v", p, s, got, want)
			}
		}
		for _, s := range patternSamples {
			checkPattern(t, p, s)
		}
	}
}

// checkPattern fails t when p answers for s other than its expression.
func checkPattern(t *testing.T, p *pattern, s string) {
	t.Helper()
	re := p.Regexp
	if got, want := p.MatchString(s), re.MatchString(s); got != want {
		t.Fatalf("%s\nMatchString(%q) = %v, the expression says %v", re, s, got, want)
	}
	for _, c := range []struct {
		method    string
		got, want any
	}{
		{"FindStringIndex", p.FindStringIndex(s), re.FindStringIndex(s)},
		{"FindString", p.FindString(s), re.FindString(s)},
		{"FindStringSubmatch", p.FindStringSubmatch(s), re.FindStringSubmatch(s)},
		{"FindAllString", p.FindAllString(s, -1), re.FindAllString(s, -1)},
		{"FindAllStringIndex", p.FindAllStringIndex(s, -1), re.FindAllStringIndex(s, -1)},
		{"FindAllStringSubmatch", p.FindAllStringSubmatch(s, -1), re.FindAllStringSubmatch(s, -1)},
		{"FindAllStringSubmatchIndex", p.FindAllStringSubmatchIndex(s, -1), re.FindAllStringSubmatchIndex(s, -1)},
	} {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Fatalf("%s\n%s(%q) = %v, the expression says %v", re, c.method, s, c.got, c.want)
		}
	}
	if got, want := p.ReplaceAllString(s, "<$0>"), re.ReplaceAllString(s, "<$0>"); got != want {
		t.Fatalf("%s\nReplaceAllString(%q) = %q, the expression says %q", re, s, got, want)
	}
}

// TestPatternShortcuts shows that the shortcuts are taken: a literal list
// for the expressions that open with words, a word lookup for the pure
// alternations, and none where the expression could match without them.
func TestPatternShortcuts(t *testing.T) {
	tests := []struct {
		expr      string
		needs     bool
		wordSet   bool
		matches   []string
		unmatched []string
	}{
		{`\b(?:api|endpoints?|make\.com)\b`, true, true, []string{"the api", "make.com", "endpoints!"}, []string{"apis", "rapid", "make com"}},
		{`\b(?:fails?|errors?) (?:to|when)\b`, true, true, []string{"it fails to", "errors when"}, []string{"it fails  to", "errorswhen"}},
		{`(?i)\bcurl\s+-`, true, false, []string{"CURL -X", "curl  -v"}, []string{"curly -"}},
		{`\bhttp/[0-9.]+\s+([1-5][0-9][0-9])\b`, true, false, []string{"http/1.1 500"}, []string{"https 500"}},
		{`^\s*(?:\d{1,2}[.)]|[-*•])\s+`, true, false, []string{"1. a", " - b"}, []string{"a. b"}},
		{`x*`, false, false, []string{"", "y"}, nil},
		{`\x{FFFD}`, false, false, []string{"\xff", "\uFFFD"}, nil}, // invalid bytes match U+FFFD
	}
	for _, tt := range tests {
		p := newPattern(tt.expr)
		if (p.needs != nil) != tt.needs || (p.words != nil) != tt.wordSet {
			t.Errorf("%s: literals %v, word set %v; want %v, %v", tt.expr, p.needs, p.words != nil, tt.needs, tt.wordSet)
		}
		for _, s := range tt.matches {
			if !p.MatchString(s) {
				t.Errorf("%s does not match %q", tt.expr, s)
			}
		}
		for _, s := range tt.unmatched {
			if p.MatchString(s) {
				t.Errorf("%s matches %q", tt.expr, s)
			}
		}
		for _, s := range append(tt.matches, tt.unmatched...) {
			checkPattern(t, p, s)
		}
	}
}

// TestNegatedBeforeWindow holds negatedBefore's window to the expression
// over the whole text, with the negation 0 to 30 characters of one to four
// bytes before the end: the window must reach the farthest it can be.
func TestNegatedBeforeWindow(t *testing.T) {
	for _, filler := range []string{"a", "é", "€", "𝒜"} {
		for n := 0; n <= 30; n++ {
			for _, neg := range []string{"without ", "ninguna ", "isn't "} {
				before := "the export of the monthly report is fine, " + neg + strings.Repeat(filler, n)
				if got, want := negatedBefore(before), negationBefore.MatchString(before); got != want {
					t.Fatalf("negatedBefore(%q) = %v, the expression says %v", before, got, want)
				}
			}
		}
	}
}

// FuzzPatterns holds every expression's shortcuts to the expression on
// any text.
func FuzzPatterns(f *testing.F) {
	for _, s := range patternSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range allPatterns {
			checkPattern(t, p, s)
		}
	})
}

// TestSentenceEndIsTheExpression holds the written-out sentence end to
// the expression it replaces.
func TestSentenceEndIsTheExpression(t *testing.T) {
	re := regexp.MustCompile(`[.!?…]+["')\]]*\s+|:\s*\n`)
	texts := append(fixtureTexts(t), patternSamples...)
	texts = append(texts, "Done.", "Done. ", "What?!\" Then", "Wait… what", "a.b. c", "List:\n\n- a", "List: \t\nx",
		"x:", "x: y", "e.g.) more", "end.)]\" \n", "…", "?.!", "\"quoted.\"")
	for _, s := range texts {
		for rest := s; ; {
			want := -1
			if loc := re.FindStringIndex(rest); loc != nil {
				want = loc[1]
			}
			if got := sentenceEnd(rest); got != want {
				t.Fatalf("sentenceEnd(%q) = %d, the expression says %d", rest, got, want)
			}
			if want < 0 {
				break
			}
			rest = rest[want:]
		}
	}
}

// FuzzSentenceEnd holds the written-out sentence end to the expression on
// any text.
func FuzzSentenceEnd(f *testing.F) {
	re := regexp.MustCompile(`[.!?…]+["')\]]*\s+|:\s*\n`)
	for _, s := range patternSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := -1
		if loc := re.FindStringIndex(s); loc != nil {
			want = loc[1]
		}
		if got := sentenceEnd(s); got != want {
			t.Fatalf("sentenceEnd(%q) = %d, the expression says %d", s, got, want)
		}
	})
}
