package corpus

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/rules"
)

// labelled are the label files of the project's own corpus, relative to
// the repository root; floors.json holds their floors.
var labelled = []string{
	"testdata/mail/expect.jsonl",
	"testdata/corpus/en/expect.jsonl",
	"testdata/corpus/es/expect.jsonl",
	"testdata/holdout/expect.jsonl",
	"testdata/holdout2/expect.jsonl",
	"testdata/holdout3/expect.jsonl",
	"testdata/holdout4/expect.jsonl",
	"testdata/holdout5/expect.jsonl",
	"testdata/holdout6/expect.jsonl",
	"testdata/holdout7/expect.jsonl",
	"testdata/holdout9/expect.jsonl",
}

// TestCorpusFloors judges every labelled mail as `ticketd replay` does
// (config.example.yaml's policy and limits, received at the mail's Date) and
// fails when the share judged right or any rule's precision or recall falls
// below its floor in testdata/corpus/floors.json.
func TestCorpusFloors(t *testing.T) {
	root := filepath.Join("..", "..")
	cfg, err := config.Load(filepath.Join(root, "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	policy, limits := cfg.Policy(), cfg.IntakeLimits()
	var labels []Label
	for _, f := range labelled {
		ls, err := Load(filepath.Join(root, f))
		if err != nil {
			t.Fatal(err)
		}
		labels = append(labels, ls...)
	}
	if len(labels) < 300 {
		t.Fatalf("%d labelled mails, want at least 300", len(labels))
	}
	judged := make([]Judged, 0, len(labels))
	for _, l := range labels {
		judged = append(judged, judge(t, l.File, policy, limits))
	}
	report := Score(labels, judged)
	var out strings.Builder
	if err := report.Write(&out, true); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	floors, err := LoadFloors(filepath.Join(root, "testdata", "corpus", "floors.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, below := range floors.Check(report) {
		t.Error(below)
	}
}

// judge judges one mail with the daemon's own pipeline, as replay does
// (registration.Judge: received at the mail's Date, no DKIM lookups).
func judge(t *testing.T, file string, policy *rules.Policy, limits intake.Limits) Judged {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	jm, err := registration.Judge(context.Background(), raw, policy, limits, time.Time{}, nil)
	if err != nil {
		return Judged{File: file, Verdict: "error", Error: err.Error()}
	}
	v := jm.Verdict
	j := Judged{File: file, Verdict: string(v.Outcome), Category: string(v.Category)}
	for _, f := range v.Findings {
		j.Rules = append(j.Rules, f.Rule)
		if f.Blocking() {
			j.Blocking = append(j.Blocking, f.Rule)
		}
	}
	for _, r := range v.Reasons {
		j.Reasons = append(j.Reasons, r.Rule+": "+r.Why)
	}
	return j
}
