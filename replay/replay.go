// Package replay judges .eml files offline with the daemon's own pipeline
// (registration.Judge): no mailbox, no store, no network connection unless
// DKIM checking is asked for. It reports each verdict with its reasons, as
// text or JSON, and scores a labelled corpus (Expect).
package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/rules"
)

// Errors of FindEML.
var (
	// ErrPath is returned when a path cannot be read.
	ErrPath = errors.New("bad path")
	// ErrNoMail is returned when a directory holds no .eml file: replaying
	// nothing would look like success.
	ErrNoMail = errors.New("no .eml files")
)

// Result is one line of `ticketd replay --format json`: the verdict on one
// file. The field
// names are a public contract.
type Result struct {
	File         string    `json:"file"`
	MessageID    string    `json:"message_id,omitempty"`
	From         string    `json:"from,omitempty"`
	Organization string    `json:"organization"`
	Verdict      string    `json:"verdict"`
	Category     string    `json:"category,omitempty"`
	Findings     []Finding `json:"findings"`
	DeductsQuota bool      `json:"deducts_quota"`
	Error        string    `json:"error,omitempty"`
	// Reasons say why: the sentence that decided the category, the units
	// judged as separate problems, the attachment or link that counted as
	// evidence (rules.Reason).
	Reasons []rules.Reason `json:"reasons,omitempty"`

	// Blocking are the rules that fired and block the ticket.
	Blocking []string `json:"-"`
}

type Finding struct {
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
	Evidence []string `json:"evidence,omitempty"`
}

// Files expands paths: files as given, directories walked recursively
// for *.eml, in lexical order.
func Files(paths []string) ([]string, error) {
	files, _, err := FindEML(paths)
	return files, err
}

// FindEML is Files that also returns the files of the directories it
// skipped (not .eml). A directory without any .eml is an error: replaying
// nothing would look like success.
func FindEML(paths []string) (files, skipped []string, err error) {
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %v", ErrPath, err)
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch {
			case d.IsDir():
			case strings.EqualFold(filepath.Ext(path), ".eml"):
				found = append(found, path)
			default:
				skipped = append(skipped, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("walk %s: %w", oneline.Cut(p, 200), err)
		}
		if len(found) == 0 {
			return nil, nil, fmt.Errorf("%w in %s (%d other files skipped)", ErrNoMail, oneline.Cut(p, 200), len(skipped))
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	sort.Strings(skipped)
	return files, skipped, nil
}

// Judge judges every file with up to workers goroutines, as the
// daemon judges mail (registration.Judge; auth is its DKIM check, nil for
// none), and returns the results in the order of files.
func Judge(ctx context.Context, files []string, policy *rules.Policy, limits intake.Limits, auth *registration.Authenticator, workers int) []Result {
	results := make([]Result, len(files))
	started := forEachParallel(ctx, len(files), workers, func(i int) {
		results[i] = judgeOne(ctx, files[i], policy, limits, auth)
	})
	for j := started; j < len(files); j++ {
		results[j] = Result{File: files[j], Verdict: "error", Error: "interrupted", Findings: []Finding{}}
	}
	return results
}

func judgeOne(ctx context.Context, file string, policy *rules.Policy, limits intake.Limits, auth *registration.Authenticator) Result {
	res := Result{File: file, Findings: []Finding{}}
	raw, err := readLimited(file, limits)
	if err == nil {
		var j *registration.Judgement
		j, err = registration.Judge(ctx, raw, policy, limits, time.Time{}, auth)
		if err == nil {
			return newResult(file, j)
		}
	}
	res.Verdict = "error"
	res.Error = oneline.Error(err)
	return res
}

// readLimited reads a file, refusing one larger than the message limit
// before reading it.
func readLimited(file string, limits intake.Limits) ([]byte, error) {
	info, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	max := limits.MaxMessageBytes
	if max <= 0 {
		max = intake.DefaultLimits.MaxMessageBytes
	}
	if info.Size() > max {
		return nil, fmt.Errorf("%s: %d bytes: %w", file, info.Size(), intake.ErrTooLarge)
	}
	return os.ReadFile(file)
}

func newResult(file string, j *registration.Judgement) Result {
	v := j.Verdict
	res := Result{
		File:         file,
		From:         j.Msg.From.Addr,
		Organization: v.Organization,
		Verdict:      string(v.Outcome),
		Category:     string(v.Category),
		DeductsQuota: v.DeductsQuota,
		Findings:     make([]Finding, 0, len(v.Findings)),
	}
	if j.Msg.MessageID != "" {
		res.MessageID = "<" + j.Msg.MessageID + ">"
	}
	for _, f := range v.Findings {
		res.Findings = append(res.Findings, Finding{Rule: f.Rule, Message: f.Message.In(v.Lang), Evidence: f.Evidence})
		if f.Blocking() {
			res.Blocking = append(res.Blocking, f.Rule)
		}
	}
	res.Reasons = v.Reasons
	return res
}

// WriteJSON writes one JSON object per result.
func WriteJSON(w io.Writer, results []Result) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range results {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

// WriteText writes a table of the results with the reasons of each
// verdict under it, then the counts by verdict.
func WriteText(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tVERDICT\tCATEGORY\tORGANIZATION\tQUOTA\tRULES")
	counts := map[string]int{}
	for _, r := range results {
		counts[r.Verdict]++
		rulesFired := make([]string, 0, len(r.Findings))
		for _, f := range r.Findings {
			rulesFired = append(rulesFired, f.Rule)
		}
		detail := strings.Join(rulesFired, ",")
		if r.Error != "" {
			detail = r.Error
		}
		quota := "-"
		if r.DeductsQuota {
			quota = "deducts"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", oneline.Of(r.File), r.Verdict, dash(r.Category), dash(r.Organization), quota, dash(detail))
		for _, why := range r.Reasons {
			mark := " "
			if why.Fired {
				mark = "!"
			}
			fmt.Fprintf(tw, "  %s %s: %s\t\t\t\t\t\n", mark, why.Rule, oneline.Cut(why.Why, 240))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var parts []string
	for _, k := range []string{"accepted", "needs_info", "rejected", "ignored", "error"} {
		if counts[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
		}
	}
	_, err := fmt.Fprintf(w, "\n%d messages: %s\n", len(results), strings.Join(parts, ", "))
	return err
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
