package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestScore(t *testing.T) {
	labels := []Label{
		{File: "a", Verdict: "needs_info", Rules: []string{"evidence.attached"}},
		{File: "b", Verdict: "accepted", Rules: []string{}},
		{File: "c", Verdict: "accepted", Rules: []string{"request.self_service"}},
		{File: "d", Verdict: "needs_info", Rules: []string{"issue.single"}},
	}
	judged := []Judged{
		{File: "a", Verdict: "needs_info", Rules: []string{"evidence.attached"}, Blocking: []string{"evidence.attached"}},
		{File: "b", Verdict: "needs_info", Rules: []string{"evidence.attached"}, Blocking: []string{"evidence.attached"}},
		{File: "c", Verdict: "accepted", Rules: []string{}},
		{File: "d", Verdict: "needs_info", Rules: []string{"issue.single", "request.self_service"}, Blocking: []string{"issue.single"}},
	}
	r := Score(labels, judged)
	if r.Total != 4 || r.Right != 2 {
		t.Fatalf("right %d of %d, want 2 of 4 (a and d: an unwanted informational rule is no miss)", r.Right, r.Total)
	}
	ev := r.Rules["evidence.attached"]
	if ev.TP != 1 || ev.FP != 1 || ev.FN != 0 || ev.Precision() != 0.5 || ev.Recall() != 1 {
		t.Fatalf("evidence.attached %+v", *ev)
	}
	ss := r.Rules["request.self_service"]
	if ss.TP != 0 || ss.FP != 1 || ss.FN != 1 {
		t.Fatalf("request.self_service %+v", *ss)
	}
	floors := &Floors{JudgedRight: 0.6, Rules: map[string]Floor{
		"evidence.attached": {Precision: 0.6, Recall: 1},
		"issue.single":      {Precision: 1, Recall: 1},
		"document.link":     {Precision: 0.5, Recall: 0.5},
	}}
	got := strings.Join(floors.Check(r), "\n")
	for _, want := range []string{"judged right 0.500", "evidence.attached: precision 0.500", "document.link: never fired"} {
		if !strings.Contains(got, want) {
			t.Errorf("floors check says %q, want it to mention %q", got, want)
		}
	}
	if strings.Contains(got, "issue.single") {
		t.Errorf("issue.single holds its floors, got %q", got)
	}
}

func TestLoadRefusesBadLabels(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.eml"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, line, want string }{
		{"verdict", `{"file":"a.eml","verdict":"maybe","rules":[]}`, "verdict"},
		{"missing file", `{"file":"b.eml","verdict":"accepted","rules":[]}`, "b.eml"},
		{"outside", `{"file":"../a.eml","verdict":"accepted","rules":[]}`, "inside"},
		{"json", `{"file":`, "bad label"},
		{"duplicate", `{"file":"a.eml","verdict":"accepted","rules":[]}` + "\n" + `{"file":"a.eml","verdict":"accepted","rules":[]}`, "already labelled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name+".jsonl")
			if err := os.WriteFile(p, []byte(tc.line+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := Load(p); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load: %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}
