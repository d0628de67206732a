package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/store"
)

func turnedAwayCommand() *cobra.Command {
	var cfgPath, since, format string
	list := &cobra.Command{
		Use:   "list [flags]",
		Short: "list the mail that made no ticket (rejected, ignored, held) and why no answer went out",
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
			hb, closeFn, err := openHeld(cmd.Context(), cfgPath, false)
			if err != nil {
				return err
			}
			defer closeFn()
			rs, err := hb.TurnedAway(from)
			if err != nil {
				return err
			}
			return writeTurnedAway(cmd.OutOrStdout(), rs, format)
		},
	}
	c := group("turned-away list", "list the mail that made no ticket", list)
	pf := c.PersistentFlags()
	pf.StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	pf.StringVar(&since, "since", "", "only mail received on or after this date, YYYY-MM-DD")
	pf.StringVar(&format, "format", "text", "text or json")
	return c
}

func writeTurnedAway(w io.Writer, rs []store.TurnedAwayRecord, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		for i := range rs {
			if err := enc.Encode(&rs[i]); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRECEIVED\tOUTCOME\tRULE\tFROM\tANSWER\tSUBJECT")
	for _, r := range rs {
		outcome, rule := string(r.Outcome), ""
		if r.Reason != "" {
			outcome = r.Reason
			if !r.ReleasedAt.IsZero() {
				outcome += " (released " + r.ReleasedAs + ")"
			}
		}
		for _, f := range r.Findings {
			if f.Outcome == r.Outcome && f.Blocking() {
				rule = f.Rule
				break
			}
		}
		answer := "answered"
		if len(r.Replies) == 0 {
			answer = "none: " + r.NoReply
			if r.NoReply == "" {
				answer = "none"
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.ReceivedAt.Format(time.DateTime), outcome, rule, r.From, answer, oneline.Cut(r.Subject, 40))
	}
	return tw.Flush()
}
