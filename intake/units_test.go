package intake

import (
	"testing"
	"unicode/utf8"
)

func TestHeaderValueParams(t *testing.T) {
	tests := []struct {
		name, value, key, want string
	}{
		{"quoted semicolon", `attachment; filename="a;b.pdf"`, "filename", "a;b.pdf"},
		{"unquoted with a space", `attachment; filename=report final.pdf`, "filename", "report final.pdf"},
		{"duplicate: first wins", `attachment; filename="a.pdf"; filename="b.pdf"`, "filename", "a.pdf"},
		{"missing closing quote", `attachment; filename="abc.pdf`, "filename", "abc.pdf"},
		{"escaped quote", `attachment; filename="say \"hi\".txt"`, "filename", `say "hi".txt`},
		{"RFC 2231 UTF-8", `attachment; filename*=UTF-8''%E2%82%AC.pdf`, "filename", "€.pdf"},
		{"RFC 2231 Latin-1", `attachment; filename*=iso-8859-1'es'a%F1o.pdf`, "filename", "año.pdf"},
		{"RFC 2231 continuation out of order", `attachment; filename*1="b.pdf"; filename*0="a"`, "filename", "ab.pdf"},
		{"RFC 2047 in quotes", `application/pdf; name="=?ISO-8859-1?Q?r=E9sum=E9.pdf?="`, "name", "résumé.pdf"},
		{"boundary with specials", `multipart/mixed; boundary="=_a:b/c?"`, "boundary", "=_a:b/c?"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := parseHeaderValue(tc.value).params[tc.key]; got != tc.want {
				t.Errorf("param %q of %q = %q, want %q", tc.key, tc.value, got, tc.want)
			}
		})
	}
}

func TestContentTypeDefaults(t *testing.T) {
	tests := []struct{ value, def, want string }{
		{"", "text/plain", "text/plain"},
		{"", "message/rfc822", "message/rfc822"},
		{"TEXT/HTML; charset=utf-8", "text/plain", "text/html"},
		{"text", "text/plain", "text/plain"},
		{"image/", "text/plain", "application/octet-stream"},
		{"application/pdf; name=a b.pdf", "text/plain", "application/pdf"},
	}
	for _, tc := range tests {
		if got := parseContentType(tc.value, tc.def).value; got != tc.want {
			t.Errorf("parseContentType(%q) = %q, want %q", tc.value, got, tc.want)
		}
	}
}

func TestCleanURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://a.example/x.", "https://a.example/x"},
		{"https://a.example/x),", "https://a.example/x"},
		{"https://a.example/wiki/Foo_(bar)", "https://a.example/wiki/Foo_(bar)"},
		{"https://a.example/x>", "https://a.example/x"},
		{"https://a.example/x?q=1'\"", "https://a.example/x?q=1"},
		{"HTTP://A.example/Path", "http://A.example/Path"},
		{"https://", ""},
		{"https:///nohost", ""},
		{"javascript:alert(1)", ""},
		{"ftp://files.example/x", ""},
	}
	for _, tc := range tests {
		if got := cleanURL(tc.in); got != tc.want {
			t.Errorf("cleanURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestUTF8Trimming(t *testing.T) {
	s := "añb€" // a, ñ (2 bytes), b, € (3 bytes)
	for n := 0; n <= len(s); n++ {
		got, cut := truncateUTF8(s, n)
		if !utf8.ValidString(got) || len(got) > n || cut != (n < len(s)) {
			t.Errorf("truncateUTF8(%q, %d) = %q, %v", s, n, got, cut)
		}
		if trimmed := trimPartialRune([]byte(s[:n])); !utf8.Valid(trimmed) || len(trimmed) < n-3 {
			t.Errorf("trimPartialRune(%q) = %q", s[:n], trimmed)
		}
	}
}
