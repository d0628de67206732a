package rules

import "testing"

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Exportación FALLÓ", "exportacion fallo"},
		{"Contraseña", "contrasena"},
		{"¿Cómo?", "¿como?"},
		{"doesn’t  work\r\n  at all", "doesn't work at all"},
		{"first paragraph\r\n\r\nsecond", "first paragraph\nsecond"},
		{"  \t ", ""},
		{"bad \xff byte", "bad \ufffd byte"},
	} {
		if got := fold(tc.in); got != tc.want {
			t.Errorf("fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPhraseMatching(t *testing.T) {
	for _, tc := range []struct {
		phrase, text string
		want         bool
	}{
		{"error", "An ERROR appears", true},
		{"error", "a terror film", false},
		{"error", "two errors", false},
		{"error", "error_code", true},
		{"api", "the capital city", false},
		{"api", "the API, again", true},
		{"api", "api.example.com", true},
		{"no funciona", "NO FUNCIONA desde ayer", true},
		{"no funciona", "no\nfunciona", true},
		{"no funciona", "no\n\nfunciona", false},
		{"restablecer la contraseña", "Restablecer la CONTRASEÑA", true},
		{"restablecer la contraseña", "restablecer la contrasena", true},
		{"also,", "Also, the list fails", true},
		{"also,", "we also tried", false},
		{"además,", "Ademas, falla", true},
		{"500", "error 5000", false},
		{"", "anything", false},
	} {
		got := compile([]string{tc.phrase}).match(fold(tc.text))
		if got != tc.want {
			t.Errorf("%q in %q = %v, want %v", tc.phrase, tc.text, got, tc.want)
		}
	}
}

func TestCountWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"Error: 500 - login", 3},
		{"  one\ttwo\nthree  ", 3},
		{"¿Qué? ¡No!", 2},
		{"... --- !!!", 0},
	} {
		if got := countWords(tc.in); got != tc.want {
			t.Errorf("countWords(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}
