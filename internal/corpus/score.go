package corpus

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// Judged is what ticketd made of one mail.
type Judged struct {
	File     string
	Verdict  string
	Category string
	Rules    []string // every rule that fired
	Blocking []string // the rules that fired and block the ticket (not informational)
	Reasons  []string // why, for the misses report
	Error    string
}

// RuleScore counts one rule over a corpus: fired where the label wants it
// (TP), fired where it does not (FP), silent where it is wanted (FN).
type RuleScore struct {
	TP, FP, FN int
}

// Precision is TP / (TP + FP); 1 when the rule never fired.
func (s RuleScore) Precision() float64 {
	if s.TP+s.FP == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.TP+s.FP)
}

// Recall is TP / (TP + FN); 1 when no label wants the rule.
func (s RuleScore) Recall() float64 {
	if s.TP+s.FN == 0 {
		return 1
	}
	return float64(s.TP) / float64(s.TP+s.FN)
}

// Miss is one mail judged otherwise than its label.
type Miss struct {
	Label  Label
	Got    Judged
	Reason string // what differs
}

// Report is the score of a corpus.
type Report struct {
	Total int
	Right int // verdict right, wanted rules fired, no unwanted blocking rule
	Rules map[string]*RuleScore
	Miss  []Miss
}

// Accuracy is the share of mails judged right.
func (r *Report) Accuracy() float64 {
	if r.Total == 0 {
		return 0
	}
	return float64(r.Right) / float64(r.Total)
}

// Score compares judgements with labels, by file. A mail is judged right
// when its verdict is the label's, every rule the label lists fired, and no
// blocking rule fired that the label does not list. Informational rules
// (request.self_service) that fire unlisted count against the rule's
// precision only.
func Score(labels []Label, judged []Judged) *Report {
	byFile := make(map[string]Judged, len(judged))
	for _, j := range judged {
		byFile[j.File] = j
	}
	r := &Report{Rules: map[string]*RuleScore{}}
	rule := func(id string) *RuleScore {
		if r.Rules[id] == nil {
			r.Rules[id] = &RuleScore{}
		}
		return r.Rules[id]
	}
	for _, l := range labels {
		r.Total++
		j, ok := byFile[l.File]
		if !ok {
			j = Judged{File: l.File, Error: "not judged"}
		}
		var diffs []string
		if j.Error != "" {
			diffs = append(diffs, "error: "+j.Error)
		}
		if j.Verdict != l.Verdict {
			diffs = append(diffs, fmt.Sprintf("verdict %s, want %s", j.Verdict, l.Verdict))
		}
		for _, id := range l.Rules {
			if slices.Contains(j.Rules, id) {
				rule(id).TP++
			} else {
				rule(id).FN++
				diffs = append(diffs, "missing "+id)
			}
		}
		for _, id := range j.Rules {
			if slices.Contains(l.Rules, id) {
				continue
			}
			rule(id).FP++
			if slices.Contains(j.Blocking, id) {
				diffs = append(diffs, "unwanted "+id)
			}
		}
		if len(diffs) == 0 {
			r.Right++
			continue
		}
		r.Miss = append(r.Miss, Miss{Label: l, Got: j, Reason: strings.Join(diffs, "; ")})
	}
	return r
}

// Write prints the report: the share judged right, precision and recall
// per rule, and each miss with the label's reason and ticketd's.
func (r *Report) Write(w io.Writer, misses bool) error {
	fmt.Fprintf(w, "judged right: %d of %d (%.1f %%)\n\n", r.Right, r.Total, 100*r.Accuracy())
	fmt.Fprintf(w, "%-24s %5s %5s %5s %9s %7s\n", "RULE", "TP", "FP", "FN", "PRECISION", "RECALL")
	for _, id := range r.ruleIDs() {
		s := r.Rules[id]
		fmt.Fprintf(w, "%-24s %5d %5d %5d %8.1f%% %6.1f%%\n", id, s.TP, s.FP, s.FN, 100*s.Precision(), 100*s.Recall())
	}
	if !misses || len(r.Miss) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nmisses (%d):\n", len(r.Miss))
	for _, m := range r.Miss {
		fmt.Fprintf(w, "- %s: %s\n    label: %s %v (%s)\n    got:   %s %s %v\n", m.Label.File, m.Reason,
			m.Label.Verdict, m.Label.Rules, m.Label.Reason, m.Got.Verdict, m.Got.Category, m.Got.Rules)
		for _, why := range m.Got.Reasons {
			fmt.Fprintf(w, "      %s\n", why)
		}
	}
	return nil
}

func (r *Report) ruleIDs() []string {
	ids := make([]string, 0, len(r.Rules))
	for id := range r.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
