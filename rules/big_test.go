package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/intake"
)

// Hostile or huge text is judged quickly: every check is linear in the
// text it reads (the bound is generous; a quadratic check takes minutes).
func TestLargeInputsAreCheap(t *testing.T) {
	const size = 1 << 20 // intake's MaxTextBytes
	for _, tc := range []struct{ name, text string }{
		{"markers without full stop", strings.Repeat("also, ", size/6)},
		{"one list item continued forever", "- error\n" + strings.Repeat("more text here\n", size/15)},
		{"many list items", strings.Repeat("1. error\n", size/9)},
		{"repeated near-matches", strings.Repeat("errorerror ", size/11)},
		{"braces and quotes", strings.Repeat(`{"`, size/2)},
		{"accents", strings.Repeat("á", size/2)},
		{"combining marks", strings.Repeat("e\u0301", size/3)},
		{"methods", strings.Repeat("POST ", size/5)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &intake.Message{From: intake.Address{Addr: "alice@acme.example"}, Subject: tc.text, OwnText: tc.text, Text: tc.text}
			start := time.Now()
			v := Evaluate(m, testPolicy(), received)
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("took %v", d)
			}
			if !v.Registered() {
				t.Fatalf("verdict %s", v.Outcome)
			}
		})
	}
}
