package intake

import (
	"strings"
	"testing"
	"time"
)

// TestHostileInputStaysLinear parses inputs that made steps which do not
// check the deadline (HTML conversion, own-words cuts) quadratic: each took
// 17 s to 80 s before the fix and takes well under a second now.
func TestHostileInputStaysLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("parses several large hostile messages")
	}
	// At this size the quadratic code took 17 s to 80 s per input. The race
	// detector slows everything tenfold: there a smaller size only checks
	// that nothing panics or races.
	n := 200000
	if raceEnabled {
		n = 25000
	}
	hdr := "From: a@acme.example\r\nSubject: x\r\n"
	tests := []struct{ name, raw string }{
		{"stray > after one <", hdr + "Content-Type: text/html\r\n\r\n<" + strings.Repeat(">", n)},
		{"signature delimiters below wordless lines", hdr + "\r\n" + strings.Repeat(".\n", n/2) + strings.Repeat("--\n", n/2)},
		{"sign-offs below wordless lines", hdr + "\r\n" + strings.Repeat(".\n", n/2) + strings.Repeat("thanks\n", n/2)},
		{"footers below wordless lines", hdr + "\r\n" + strings.Repeat(".\n", n/2) + strings.Repeat("AVISO LEGAL\n", n/2)},
		{"unclosed tags", hdr + "Content-Type: text/html\r\n\r\n" + strings.Repeat("<a", n)},
		{"unclosed scripts", hdr + "Content-Type: text/html\r\n\r\n" + strings.Repeat("<script>", n/4)},
		{"attribution-like lines", hdr + "\r\n" + strings.Repeat("On 1 a@b wrote:\n", n/4)},
	}
	const bound = 10 * time.Second
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			m, err := Parse(strings.NewReader(tc.raw), Limits{MaxDuration: time.Minute})
			if took := time.Since(start); took > bound {
				t.Errorf("took %s, want under %s", took, bound)
			}
			checkResult(t, m, err, Limits{})
		})
	}
}
