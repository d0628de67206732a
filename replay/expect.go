package replay

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/corpus"
	"github.com/ticketd/ticketd/rules"
)

// ErrLabels is returned by Expect when a label file cannot be read.
var ErrLabels = errors.New("bad label file")

// Expect judges the labelled mails of labelFiles (or the files under
// paths) and prints the share judged right, precision and recall per rule,
// and each miss with the label's reason and ticketd's. It fails when a
// label file is wrong; the floors are CI's (internal/corpus).
func Expect(ctx context.Context, labelFiles, paths []string, policy *rules.Policy, limits intake.Limits, workers int, w io.Writer) error {
	var labels []corpus.Label
	for _, lf := range labelFiles {
		ls, err := corpus.Load(lf)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrLabels, err)
		}
		labels = append(labels, ls...)
	}
	files := make([]string, 0, len(labels))
	if len(paths) > 0 {
		var err error
		if files, err = Files(paths); err != nil {
			return err
		}
	} else {
		for _, l := range labels {
			files = append(files, l.File)
		}
	}
	results := Judge(ctx, files, policy, limits, nil, workers)
	report := corpus.Score(labels, Scored(results))
	if err := report.Write(w, true); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return ctx.Err()
}

// Scored turns results into what the corpus scores.
func Scored(results []Result) []corpus.Judged {
	out := make([]corpus.Judged, 0, len(results))
	for _, r := range results {
		j := corpus.Judged{File: r.File, Verdict: r.Verdict, Category: r.Category, Error: r.Error, Blocking: r.Blocking}
		for _, f := range r.Findings {
			j.Rules = append(j.Rules, f.Rule)
		}
		for _, why := range r.Reasons {
			mark := " "
			if why.Fired {
				mark = "!"
			}
			j.Reasons = append(j.Reasons, mark+" "+why.Rule+": "+why.Why)
		}
		out = append(out, j)
	}
	return out
}
