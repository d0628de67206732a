package rules

import (
	"fmt"
	"slices"
	"sync"
	"testing"
)

func TestMerge(t *testing.T) {
	base := Keywords{Incident: []string{"error", "fails"}, Question: []string{"how do i"}}
	extra := Keywords{Incident: []string{" Kaputt ", "ERROR", "", "kaputt"}, Upload: []string{"Hochladen"}}
	got := base.Merge(extra)
	if want := []string{"error", "fails", "kaputt"}; !slices.Equal(got.Incident, want) {
		t.Errorf("Incident = %q, want %q", got.Incident, want)
	}
	if want := []string{"hochladen"}; !slices.Equal(got.Upload, want) {
		t.Errorf("Upload = %q, want %q", got.Upload, want)
	}
	if want := []string{"how do i"}; !slices.Equal(got.Question, want) {
		t.Errorf("Question = %q, want %q", got.Question, want)
	}
	if len(base.Incident) != 2 || base.Incident[1] != "fails" {
		t.Errorf("Merge modified its receiver: %q", base.Incident)
	}
}

// The shipped lists are lower-case, trimmed and free of duplicates, so
// Merge with nothing changes nothing.
func TestDefaultKeywordsAreClean(t *testing.T) {
	d := DefaultKeywords()
	m := d.Merge(Keywords{})
	for _, pair := range [][2][]string{
		{d.GenericSubject, m.GenericSubject}, {d.Incident, m.Incident}, {d.APIError, m.APIError},
		{d.Upload, m.Upload}, {d.BulkUpload, m.BulkUpload}, {d.Document, m.Document},
		{d.SelfService, m.SelfService}, {d.Question, m.Question}, {d.MultipleIssues, m.MultipleIssues},
	} {
		if len(pair[0]) == 0 || !slices.Equal(pair[0], pair[1]) {
			t.Errorf("list not clean or empty: %q", pair[0])
		}
	}
}

// A configured extra word makes a check fire that would not otherwise.
func TestMergedKeywordsFire(t *testing.T) {
	for _, tc := range []struct {
		name  string
		extra Keywords
		rule  string
		run   func(p *Policy) Verdict
	}{
		{
			name:  "incident word asks for a screenshot",
			extra: Keywords{Incident: []string{"Kaputt"}},
			rule:  RuleEvidenceAttached,
			run: func(p *Policy) Verdict {
				return Evaluate(enMail(subject("Warehouse scanner app"), attach(), own("Since the update the warehouse "+
					"scanner app is kaputt on all our handhelds in the northern warehouse, since Monday morning.")), p, received)
			},
		},
		{
			name:  "generic subject word",
			extra: Keywords{GenericSubject: []string{"rechnung"}},
			rule:  RuleSubjectDescriptive,
			run: func(p *Policy) Verdict {
				return Evaluate(enMail(subject("Rechnung please help")), p, received)
			},
		},
		{
			name:  "multiple issues marker",
			extra: Keywords{MultipleIssues: []string{"zudem,"}},
			rule:  RuleIssueSingle,
			run: func(p *Policy) Verdict {
				return Evaluate(enMail(own(enIncident+" Zudem, the dashboard crashes every morning.")), p, received)
			},
		},
		{
			name:  "self-service phrase",
			extra: Keywords{SelfService: []string{"add a cost centre"}},
			rule:  RuleSelfService,
			run: func(p *Policy) Verdict {
				return Evaluate(enMail(subject("Cost centres for the north"), attach(), own("Could you add a cost centre "+
					"called North-2 to our organization? The warehouses of the northern region will book their freight on it.")), p, received)
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.run(testPolicy()).Has(tc.rule) {
				t.Fatalf("%s fires already without the extra word", tc.rule)
			}
			p := testPolicy()
			p.Keywords = p.Keywords.Merge(tc.extra)
			if v := tc.run(p); !v.Has(tc.rule) {
				t.Fatalf("%s does not fire with the extra word; findings %v", tc.rule, ruleIDs(v))
			}
		})
	}
}

// Policies with different keywords judged at the same time each get their
// own words, though compiled keywords are cached.
func TestKeywordCacheAcrossPolicies(t *testing.T) {
	plain := testPolicy()
	extended := testPolicy()
	extended.Keywords = extended.Keywords.Merge(Keywords{Incident: []string{"kaputt"}})
	m := enMail(subject("Warehouse scanner app"), attach(), own("Since the update the warehouse scanner app is "+
		"kaputt on all our handhelds in the northern warehouse, since Monday morning."))
	errs := make(chan string, 200)
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			p, want := plain, Question
			if i%2 == 1 {
				p, want = extended, Incident
			}
			if got := Evaluate(m, p, received).Category; got != want {
				errs <- fmt.Sprintf("evaluation %d: category %s, want %s", i, got, want)
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// A Policy whose keyword slice is changed in place after it was judged
// with is judged with the new words: the cache compares words, not slices.
func TestKeywordCacheSeesWordsChangedInPlace(t *testing.T) {
	p := testPolicy()
	p.Keywords = p.Keywords.Merge(Keywords{Incident: []string{"placeholder-word"}})
	m := enMail(subject("Warehouse scanner app"), attach(), own("Since the update the warehouse scanner app is "+
		"kaputt on all our handhelds in the northern warehouse, since Monday morning."))
	if got := Evaluate(m, p, received).Category; got != Question {
		t.Fatalf("before the change: category %s, want %s", got, Question)
	}
	p.Keywords.Incident[len(p.Keywords.Incident)-1] = "kaputt"
	if got := Evaluate(m, p, received).Category; got != Incident {
		t.Errorf("after changing a word in place: category %s, want %s", got, Incident)
	}
}
