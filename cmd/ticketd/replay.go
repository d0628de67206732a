package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/rules"
)

// replayResult is one line of `ticketd replay --format json`. The field
// names are a public contract.
type replayResult struct {
	File         string          `json:"file"`
	MessageID    string          `json:"message_id,omitempty"`
	From         string          `json:"from,omitempty"`
	Organization string          `json:"organization"`
	Verdict      string          `json:"verdict"`
	Category     string          `json:"category,omitempty"`
	Findings     []replayFinding `json:"findings"`
	DeductsQuota bool            `json:"deducts_quota"`
	Error        string          `json:"error,omitempty"`
	// Reasons say why: the sentence that decided the category, the units
	// judged as separate problems, the attachment or link that counted as
	// evidence (rules.Reason).
	Reasons []rules.Reason `json:"reasons,omitempty"`

	blocking []string // rules that fired and block the ticket
}

type replayFinding struct {
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
	Evidence []string `json:"evidence,omitempty"`
}

func replayCommand() *cobra.Command {
	var cfgPath, format string
	var workers int
	var verifyDKIM, verbose bool
	var expect []string
	c := &cobra.Command{
		Use:   "replay [flags] PATH...",
		Short: "judge .eml files with the daemon's pipeline, offline",
		Long: "Judge .eml files, or directories of them (recursively), exactly as the daemon judges mail,\n" +
			"without a mailbox, a store or a network connection. Exit status 1 when a file cannot be parsed.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && len(expect) == 0 {
				return fmt.Errorf("%w: no PATH given (an .eml file or a directory of them)", errUsage)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(expect) > 0 {
				cfg, err := config.Load(cfgPath)
				if err != nil {
					return err
				}
				return replayExpect(cmd.Context(), expect, args, cfg, workers, cmd.OutOrStdout())
			}
			if err := checkFormat(format); err != nil {
				return err
			}
			var v io.Writer
			if verbose {
				v = cmd.ErrOrStderr()
			}
			return runReplay(cmd.Context(), cfgPath, format, workers, verifyDKIM, args, cmd.OutOrStdout(), v)
		},
	}
	c.Flags().StringVar(&cfgPath, "config", "config.example.yaml", "configuration file (only tickets, rules and organizations are used)")
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	c.Flags().IntVar(&workers, "workers", runtime.GOMAXPROCS(0), "messages judged in parallel")
	c.Flags().StringArrayVar(&expect, "expect", nil, "label file (JSON lines: file, verdict, rules, reason) to score against: prints precision and recall per rule and the misses; repeatable; with no PATH the labelled files are judged")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "also name the files of the directories that were skipped (not .eml), on standard error")
	c.Flags().BoolVar(&verifyDKIM, "verify-dkim", false, "also check DKIM signatures as security.verify_dkim does (DNS lookups; off: no network connection)")
	return c
}

// runReplay judges paths and writes the results to stdout; verbose, when
// set, hears which files of the directories were skipped.
func runReplay(ctx context.Context, cfgPath, format string, workers int, verifyDKIM bool, paths []string, stdout, verbose io.Writer) error {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	files, skipped, err := findEML(paths)
	if err != nil {
		return err
	}
	if verbose != nil {
		for _, f := range skipped {
			fmt.Fprintf(verbose, "skipped %s: not an .eml file\n", strconv.QuoteToASCII(f))
		}
	}
	var auth *registration.Authenticator
	if verifyDKIM {
		auth = registration.NewAuthenticator(cfg.Security.TrustedAuthServIDs, nil)
	}
	results := replayFiles(ctx, files, cfg.Policy(), cfg.IntakeLimits(), auth, workers)
	if format == "json" {
		err = writeReplayJSON(stdout, results)
	} else {
		err = writeReplayText(stdout, results)
	}
	if err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	for _, r := range results {
		if r.Verdict == "error" {
			return errFailed
		}
	}
	return ctx.Err()
}

// emlFiles expands the arguments: files as given, directories walked
// recursively for *.eml, in lexical order.
func emlFiles(paths []string) ([]string, error) {
	files, _, err := findEML(paths)
	return files, err
}

// findEML is emlFiles that also returns the files of the directories it
// skipped (not .eml). A directory without any .eml is an error: replaying
// nothing would look like success.
func findEML(paths []string) (files, skipped []string, err error) {
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: %v", errUsage, err)
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
			return nil, nil, fmt.Errorf("no .eml files in %s (%d other files skipped)", oneline.Cut(p, 200), len(skipped))
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	sort.Strings(skipped)
	return files, skipped, nil
}

// errorText is an error as a terminal or a log may show it: one line,
// printable, cut; a message carrying raw bytes (a parser quoting a binary
// file's first line) is quoted and cut instead.
func errorText(err error) string {
	s := err.Error()
	if oneline.Printable(s) {
		return oneline.Cut(s, 500)
	}
	return oneline.Quote(s, 120)
}

// replayFiles judges every file with up to workers goroutines, as the
// daemon judges mail (registration.Judge; auth is its DKIM check, nil for
// none), and returns the results in the order of files.
func replayFiles(ctx context.Context, files []string, policy *rules.Policy, limits intake.Limits, auth *registration.Authenticator, workers int) []replayResult {
	results := make([]replayResult, len(files))
	started := forEachParallel(ctx, len(files), workers, func(i int) {
		results[i] = replayOne(ctx, files[i], policy, limits, auth)
	})
	for j := started; j < len(files); j++ {
		results[j] = replayResult{File: files[j], Verdict: "error", Error: "interrupted", Findings: []replayFinding{}}
	}
	return results
}

func replayOne(ctx context.Context, file string, policy *rules.Policy, limits intake.Limits, auth *registration.Authenticator) replayResult {
	res := replayResult{File: file, Findings: []replayFinding{}}
	raw, err := readLimited(file, limits)
	if err == nil {
		var j *registration.Judgement
		j, err = registration.Judge(ctx, raw, policy, limits, time.Time{}, auth)
		if err == nil {
			return newReplayResult(file, j)
		}
	}
	res.Verdict = "error"
	res.Error = errorText(err)
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

func newReplayResult(file string, j *registration.Judgement) replayResult {
	v := j.Verdict
	res := replayResult{
		File:         file,
		From:         j.Msg.From.Addr,
		Organization: v.Organization,
		Verdict:      string(v.Outcome),
		Category:     string(v.Category),
		DeductsQuota: v.DeductsQuota,
		Findings:     make([]replayFinding, 0, len(v.Findings)),
	}
	if j.Msg.MessageID != "" {
		res.MessageID = "<" + j.Msg.MessageID + ">"
	}
	for _, f := range v.Findings {
		res.Findings = append(res.Findings, replayFinding{Rule: f.Rule, Message: f.Message.In(v.Lang), Evidence: f.Evidence})
		if f.Blocking() {
			res.blocking = append(res.blocking, f.Rule)
		}
	}
	res.Reasons = v.Reasons
	return res
}

func writeReplayJSON(w io.Writer, results []replayResult) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range results {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

func writeReplayText(w io.Writer, results []replayResult) error {
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
