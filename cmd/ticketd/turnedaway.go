package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/ticketd/ticketd/desk"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ticketd/ticketd/internal/oneline"
)

func turnedAwayCommand() *cobra.Command {
	var cfgPath, since, reason, format string
	list := &cobra.Command{
		Use:   "list [flags]",
		Short: "list turned-away mail (rejected, ignored and held), oldest first",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			var from time.Time
			if since != "" {
				t, err := parseDay(since)
				if err != nil {
					return fmt.Errorf("%w: --since %q is not a date (YYYY-MM-DD)", errUsage, since)
				}
				from = t
			}
			a, err := openDesk(cmd.Context(), cfgPath, false)
			if err != nil {
				return err
			}
			defer a.Close()
			return listTurnedAway(cmd.Context(), a, from, reason, format, cmd.OutOrStdout())
		},
	}
	f := list.Flags()
	f.StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	f.StringVar(&since, "since", "", "only mail received on or after this date, YYYY-MM-DD")
	f.StringVar(&reason, "reason", "", "only this outcome: rejected, ignored or held")
	f.StringVar(&format, "format", "text", "text or json")
	return group("turned-away list", "list the mail that made no ticket", list)
}

// listTurnedAway prints the turned-away records received since from
// whose outcome is reason ("" for all).
func listTurnedAway(ctx context.Context, a *desk.Desk, from time.Time, reason, format string, w io.Writer) error {
	out, err := a.TurnedAwayFor(ctx, from, reason)
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		for i := range out {
			if err := enc.Encode(&out[i]); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRECEIVED\tREASON\tRULE\tSENDER\tANSWER\tSUBJECT\tRAW")
	for _, r := range out {
		outcome, rule := desk.TurnedAwayReason(r), ""
		if !r.ReleasedAt.IsZero() {
			outcome += " (released " + r.ReleasedAs + ")"
		}
		for _, f := range r.Findings {
			if f.Outcome == r.Outcome && f.Blocking() {
				rule = f.Rule
				break
			}
		}
		answer := "answered"
		if len(r.Replies) == 0 {
			answer = "none"
			if r.NoReply != "" {
				answer = "none: " + r.NoReply
			}
		}
		raw := "kept"
		switch {
		case !r.ErasedAt.IsZero():
			raw = "erased"
		case !r.RawPrunedAt.IsZero():
			raw = "pruned " + r.RawPrunedAt.Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.ReceivedAt.Format(time.DateTime), outcome, dash(rule),
			oneline.Cut(r.From, 40), oneline.Cut(answer, 60), oneline.Cut(r.Subject, 40), raw)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
