package main

import (
	"context"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestTagNumbers(t *testing.T) {
	tag := ticketTag("SUP")
	tests := []struct {
		subject string
		want    []string
	}{
		{"[SUP-000042] Route planner error", []string{"SUP-000042"}},
		{"Re: [SUP-000042] Route planner error", []string{"SUP-000042"}},
		{"RV: Fwd: Re: algo [sup-000042]", []string{"SUP-000042"}},
		{"Route planner error [SUP-000042] and [SUP-000043]", []string{"SUP-000042", "SUP-000043"}},
		{"SUP-000042 without brackets", nil},
		{"[SUP-42] too short", nil},
		{"[ABC-000042] other prefix", nil},
		{"[SUP-0000421234567] too long", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got := tagNumbers(tag, tt.subject)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("tagNumbers(%q) = %v, want %v", tt.subject, got, tt.want)
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
	tag := ticketTag("SUP")
	f.Fuzz(func(t *testing.T, subject string) {
		got := tagNumbers(tag, subject)
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

func TestForEachParallel(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]int{}
	if started := forEachParallel(context.Background(), 100, 3, func(i int) { mu.Lock(); seen[i]++; mu.Unlock() }); started != 100 {
		t.Fatalf("started %d", started)
	}
	if len(seen) != 100 {
		t.Fatalf("%d of 100 ran", len(seen))
	}
	for i, n := range seen {
		if n != 1 {
			t.Errorf("%d ran %d times", i, n)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if started := forEachParallel(ctx, 100, 2, func(int) {}); started == 100 {
		t.Error("a cancelled context must stop the loop")
	}
	if started := forEachParallel(context.Background(), 0, 4, func(int) { t.Error("called for n = 0") }); started != 0 {
		t.Errorf("started %d of 0", started)
	}
}

func TestInHand(t *testing.T) {
	parent, stop := context.WithCancel(context.Background())
	work, cancel := inHand(parent, 50*time.Millisecond, time.Hour)
	defer cancel()
	stop()
	select {
	case <-work.Done():
		t.Fatal("work in hand was cancelled with its parent, not after the grace")
	case <-time.After(10 * time.Millisecond):
	}
	select {
	case <-work.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("work in hand outlived the grace after its parent ended")
	}
	short, cancel2 := inHand(context.Background(), time.Hour, 20*time.Millisecond)
	defer cancel2()
	select {
	case <-short.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the limit did not end the work")
	}
}
