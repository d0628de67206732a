package oneline

import (
	"testing"
	"unicode/utf8"
)

func TestOf(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"plain", "plain"},
		{"  two\r\n lines \t", "two lines"},
		{"a\u2028b\u2029c", "a b c"},
		{"bell\x07 and\x00nul", "bell and nul"},
		{"bad \xff utf-8", "bad \uFFFD utf-8"},
	} {
		if got := Of(tt.in); got != tt.want {
			t.Errorf("Of(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCut(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven runes", 10, "eleven ru…"},
		{"word   break here", 6, "word…"},
		{"ñandú ñandú", 7, "ñandú…"},
		{"no\nlimit", 0, "no limit"},
	} {
		if got := Cut(tt.in, tt.n); got != tt.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"ñañañañañañañ", 5, "ñaña…"},
		{"two\nlines kept", 0, "two\nlines kept"},
		{"two\n\nlines cut", 6, "two…"},
		{"bad \xff utf-8", 100, "bad \uFFFD utf-8"},
	} {
		got := Truncate(tt.in, tt.n)
		if got != tt.want || !utf8.ValidString(got) || tt.n > 0 && utf8.RuneCountInString(got) > tt.n {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestOfDropsFormatCharacters(t *testing.T) {
	if got := Of("invoice\u202Efdp.exe and\u200b more"); got != "invoicefdp.exe and more" {
		t.Fatalf("Of = %q", got)
	}
}

// TestQuote: raw bytes of a binary file come out quoted and cut, text as
// Cut makes it.
func TestQuote(t *testing.T) {
	for _, tt := range []struct {
		in   string
		n    int
		want string
	}{
		{"parse: no From header", 40, "parse: no From header"},
		{"ñandú ñandú", 7, "ñandú…"},
		{"header line: \x7fELF\x02\x01\x00", 40, `"header line: \x7fELF\x02\x01\x00"`},
		{"line: \x1b[2J\xd0\xd0\xd0\xd0", 9, `"line: \x1b[2"…`},
		{"two\nlines", 40, `"two\nlines"`},
	} {
		if got := Quote(tt.in, tt.n); got != tt.want {
			t.Errorf("Quote(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
