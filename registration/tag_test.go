package registration

import (
	"regexp"
	"strings"
	"testing"
)

func TestTagNumbers(t *testing.T) {
	tag := TicketTag("SUP")
	tests := []struct {
		subject string
		want    []string
	}{
		{"[SUP-000042] Route planner error", []string{"SUP-000042"}},
		{"Re: [SUP-000042] Route planner error", []string{"SUP-000042"}},
		{"RV: Fwd: Re: algo [sup-000042]", []string{"SUP-000042"}},
		{"SV: [EXTERNAL] Re: [SUP-000042] Route planner error", []string{"SUP-000042"}},
		{"[EXTERNAL] [SUP-000042] SV: [EXT] Re: Route planner error", []string{"SUP-000042"}},
		{"回复：[SUP-000042] 路线规划错误", []string{"SUP-000042"}},
		{"*EXTERNAL* ΑΠ: R: [SUP-000042]Route planner error", []string{"SUP-000042"}},
		{"Route planner error [SUP-000042] and [SUP-000043]", []string{"SUP-000042", "SUP-000043"}},
		{"SUP-000042 without brackets", nil},
		{"[SUP-42] too short", nil},
		{"[ABC-000042] other prefix", nil},
		{"[SUP-0000421234567] too long", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got := TagNumbers(tag, tt.subject)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("TagNumbers(%q) = %v, want %v", tt.subject, got, tt.want)
		}
	}
}

var numberShape = regexp.MustCompile(`^SUP-[0-9]{6,12}$`)

// FuzzTagNumbers feeds arbitrary subjects to the follow-up tag parser: it
// must not panic, and what it finds must be a well-formed ticket number
// that appears, tagged, in the subject.
func FuzzTagNumbers(f *testing.F) {
	for _, s := range []string{"[SUP-000042] x", "Re: RV: [sup-000001]", "[SUP-", "[[SUP-000042]]", "\xff[SUP-123456]\x00", strings.Repeat("[SUP-000001]", 50)} {
		f.Add(s)
	}
	tag := TicketTag("SUP")
	f.Fuzz(func(t *testing.T, subject string) {
		got := TagNumbers(tag, subject)
		if len(got) > 5 {
			t.Fatalf("%d numbers from one subject", len(got))
		}
		for _, n := range got {
			if !numberShape.MatchString(n) {
				t.Fatalf("%q is not a ticket number", n)
			}
			if !strings.Contains(strings.ToUpper(subject), "["+n+"]") {
				t.Fatalf("%q is not tagged in %q", n, subject)
			}
		}
	})
}
