package receipt

import "testing"

func TestCRLFLines(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"a\r\nb\r\n", "a\r\nb\r\n"},
		{"a\nb\n", "a\r\nb\r\n"},
		{"\na\r\nb\nc", "\r\na\r\nb\r\nc"},
		{"a\r\r\nb", "a\r\r\nb"},
	} {
		if got := string(crlfLines([]byte(tc.in))); got != tc.want {
			t.Errorf("crlfLines(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
