package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/ticketd/ticketd/desk"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/store"
)

// ticketsFlags are the flags of every tickets subcommand.
type ticketsFlags struct {
	cfgPath, org, status, since, format string
}

func ticketsCommand() *cobra.Command {
	f := ticketsFlags{format: "text"}
	sub := func(use, short string, nargs int, write bool, fn func(ctx context.Context, a *desk.Desk, args []string, stdout io.Writer) error) *cobra.Command {
		c := &cobra.Command{
			Use:   use,
			Short: short,
			Args:  exactArgs(nargs),
			RunE: func(cmd *cobra.Command, args []string) error {
				if err := checkFormat(f.format); err != nil {
					return err
				}
				if err := desk.CheckStatus(f.status); err != nil {
					return err
				}
				if _, err := parseSince(f.since); err != nil {
					return err
				}
				a, err := openDesk(cmd.Context(), f.cfgPath, write)
				if err != nil {
					return err
				}
				defer a.Close()
				return fn(cmd.Context(), a, args, cmd.OutOrStdout())
			},
		}
		// Each subcommand has only its own flags (list and show add theirs).
		c.Flags().StringVar(&f.cfgPath, "config", defaultConfig, "configuration file")
		return c
	}
	list := sub("list [flags]", "list tickets", 0, false, func(ctx context.Context, a *desk.Desk, _ []string, stdout io.Writer) error {
		filter := store.TicketFilter{Org: f.org, Status: store.Status(f.status)}
		filter.Since, _ = parseSince(f.since) // checked before opening the store
		if err := desk.CheckOrg(a.Policy(), f.org); err != nil {
			return err
		}
		ts, err := a.Tickets(ctx, filter)
		if err != nil {
			return err
		}
		return writeTicketList(stdout, ts, f.format)
	})
	show := sub("show [flags] NUMBER", "show one ticket", 1, false, func(ctx context.Context, a *desk.Desk, args []string, stdout io.Writer) error {
		t, err := a.Ticket(ctx, args[0])
		if err != nil {
			return err
		}
		if err := writeTicket(stdout, t, f.format); err != nil || f.format == "json" {
			return err
		}
		return writeConversation(ctx, stdout, a, t)
	})
	export := sub("export [flags] NUMBER DIR", "write each original .eml of a ticket and its attachments into DIR/NUMBER", 2, false, func(ctx context.Context, a *desk.Desk, args []string, stdout io.Writer) error {
		files, err := a.Export(ctx, args[0], args[1], stdout)
		for _, file := range files {
			fmt.Fprintln(stdout, file)
		}
		return err
	})
	warranty := sub("warranty [flags] NUMBER", "mark a warranty ticket: its deduction is refunded", 1, true, func(ctx context.Context, a *desk.Desk, args []string, stdout io.Writer) error {
		t, err := a.MarkWarranty(ctx, args[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is a warranty ticket: not deducted from period %s\n", t.Number, t.Period)
		return nil
	})
	closeCmd := sub("close [flags] NUMBER", "close a ticket", 1, true, func(ctx context.Context, a *desk.Desk, args []string, stdout io.Writer) error {
		t, err := a.CloseTicket(ctx, args[0])
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s closed\n", t.Number)
		return nil
	})
	lf := list.Flags()
	lf.StringVar(&f.org, "org", "", "only this organization")
	lf.StringVar(&f.status, "status", "", "only this status: needs_info, open, closed")
	lf.StringVar(&f.since, "since", "", "only tickets received on or after this date, YYYY-MM-DD")
	for _, c := range []*cobra.Command{list, show} {
		c.Flags().StringVar(&f.format, "format", "text", "text or json")
	}
	return group("tickets list|show|export|warranty|close", "list, show, export, mark warranty or close tickets", list, show, export, warranty, closeCmd)
}

// parseSince parses --since: empty is no bound, anything but a date a
// usage error.
func parseSince(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := parseDay(s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: --since %q is not a date (YYYY-MM-DD)", errUsage, oneline.Cut(s, 40))
	}
	return t, nil
}

// parseDay parses a YYYY-MM-DD date in UTC.
func parseDay(s string) (time.Time, error) { return time.Parse("2006-01-02", s) }

func writeTicketList(w io.Writer, ts []store.Ticket, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		for i := range ts {
			if err := enc.Encode(&ts[i]); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tRECEIVED\tORG\tSTATUS\tCATEGORY\tSENDER\tSUBJECT")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.Number, t.ReceivedAt.Format(time.DateTime), t.Organization, t.Status, t.Category, t.Sender, oneline.Cut(t.Subject, 50))
	}
	return tw.Flush()
}

func writeTicket(w io.Writer, t *store.Ticket, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(t)
	}
	fmt.Fprintf(w, "Ticket:       %s\nOrganization: %s\nSender:       %s <%s>\nSubject:      %s\nCategory:     %s\nStatus:       %s\nReceived:     %s\n",
		t.Number, t.Organization, t.SenderName, t.Sender, t.Subject, t.Category, t.Status, t.ReceivedAt.Format(time.RFC3339))
	if !t.SLAStartedAt.IsZero() {
		fmt.Fprintf(w, "SLA started:  %s\n", t.SLAStartedAt.Format(time.RFC3339))
	} else {
		fmt.Fprintf(w, "SLA started:  no (waiting for information)\n")
	}
	quota := "deducted from period " + t.Period
	switch {
	case t.Warranty:
		quota = "warranty (not deducted)"
	case !t.DeductsQuota:
		quota = "not deducted"
	case t.OverPlan:
		quota += " (over plan)"
	}
	fmt.Fprintf(w, "Quota:        %s\n", quota)
	for _, f := range t.Findings {
		fmt.Fprintf(w, "Finding:      %s (%s): %s\n", f.Rule, f.Outcome, f.Message.In(t.Lang))
	}
	for _, r := range t.Reasons {
		mark := ""
		if r.Fired {
			mark = " (fired)"
		}
		fmt.Fprintf(w, "Why:          %s%s: %s\n", r.Rule, mark, oneline.Cut(r.Why, 240))
	}
	fmt.Fprintf(w, "Messages:     %s\n", strings.Join(t.MessageIDs, ", "))
	return nil
}
