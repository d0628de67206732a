package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/internal/corpus"
)

// replayExpect judges the labelled mails (or the files under paths) and
// prints precision and recall per rule, the share judged right and the
// misses. It fails when a mail cannot be judged; the floors are CI's.
func replayExpect(ctx context.Context, labelFiles, paths []string, cfg *config.Config, workers int, stdout io.Writer) error {
	var labels []corpus.Label
	for _, lf := range labelFiles {
		ls, err := corpus.Load(lf)
		if err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
		labels = append(labels, ls...)
	}
	files := make([]string, 0, len(labels))
	if len(paths) > 0 {
		var err error
		if files, err = emlFiles(paths); err != nil {
			return err
		}
	} else {
		for _, l := range labels {
			files = append(files, l.File)
		}
	}
	results := replayFiles(ctx, files, cfg.Policy(), cfg.IntakeLimits(), nil, workers)
	report := corpus.Score(labels, judgedOf(results))
	if err := report.Write(stdout, true); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return ctx.Err()
}

// judgedOf turns replay results into what the corpus scores.
func judgedOf(results []replayResult) []corpus.Judged {
	out := make([]corpus.Judged, 0, len(results))
	for _, r := range results {
		j := corpus.Judged{File: r.File, Verdict: r.Verdict, Category: r.Category, Error: r.Error, Blocking: r.blocking}
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
