package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/store"
)

func runTickets(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: ticketd tickets list|show|export|warranty|close", errUsage)
	}
	sub, rest := args[0], args[1:]
	fs := newFlagSet("tickets "+sub, stderr)
	cfgPath := fs.String("config", "/etc/ticketd/ticketd.yaml", "configuration file")
	var (
		org    = fs.String("org", "", "only this organization (list)")
		status = fs.String("status", "", "only this status: needs_info, open, closed (list)")
		since  = fs.String("since", "", "only tickets received on or after this date, YYYY-MM-DD (list)")
		format = fs.String("format", "text", "text or json")
	)
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("%w: --format must be text or json", errUsage)
	}
	want := map[string]int{"list": 0, "show": 1, "export": 2, "warranty": 1, "close": 1}
	n, ok := want[sub]
	if !ok {
		return fmt.Errorf("%w: unknown subcommand %q (list, show, export, warranty, close)", errUsage, sub)
	}
	if fs.NArg() != n {
		return fmt.Errorf("%w: ticketd tickets %s takes %d argument(s)", errUsage, sub, n)
	}
	a, err := openAccess(ctx, *cfgPath, sub == "warranty" || sub == "close")
	if err != nil {
		return err
	}
	defer a.Close()
	switch sub {
	case "list":
		f := store.TicketFilter{Org: *org, Status: store.Status(*status)}
		if *since != "" {
			t, err := parseDay(*since)
			if err != nil {
				return fmt.Errorf("%w: --since %q is not a date (YYYY-MM-DD)", errUsage, *since)
			}
			f.Since = t
		}
		ts, err := a.Tickets(ctx, f)
		if err != nil {
			return err
		}
		return writeTicketList(stdout, ts, *format)
	case "show":
		t, err := a.Ticket(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		return writeTicket(stdout, t, *format)
	case "export":
		files, err := exportTicket(ctx, a, fs.Arg(0), fs.Arg(1))
		for _, f := range files {
			fmt.Fprintln(stdout, f)
		}
		return err
	case "warranty":
		t, err := a.MarkWarranty(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s is a warranty ticket: not deducted from period %s\n", t.Number, t.Period)
		return nil
	default: // close
		t, err := a.CloseTicket(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s closed\n", t.Number)
		return nil
	}
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
	for _, a := range t.Attachments {
		fmt.Fprintf(w, "Attachment:   %s (%s, %d bytes, sha256 %s)\n", a.Filename, a.MediaType, a.Size, a.SHA256)
	}
	fmt.Fprintf(w, "Messages:     %s\n", strings.Join(t.MessageIDs, ", "))
	return nil
}

// exportTicket writes every message of the ticket as .eml, with the
// attachments of each beside it, into dir/NUMBER. It returns the files
// written.
func exportTicket(ctx context.Context, a *access, number, dir string) ([]string, error) {
	t, err := a.Ticket(ctx, number)
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, t.Number)
	if err := os.MkdirAll(out, 0o750); err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	var files []string
	for i := range t.Messages {
		raw, err := a.Raw(ctx, t, i+1)
		if err != nil {
			return files, fmt.Errorf("export message %d: %w", i+1, err)
		}
		emlPath := filepath.Join(out, fmt.Sprintf("%02d-message.eml", i+1))
		if err := os.WriteFile(emlPath, raw, 0o640); err != nil {
			return files, fmt.Errorf("export: %w", err)
		}
		files = append(files, emlPath)
		attDir := filepath.Join(out, fmt.Sprintf("%02d-attachments", i+1))
		written, err := intake.ExtractAttachments(raw, attDir)
		files = append(files, written...)
		if err != nil && !errors.Is(err, os.ErrExist) {
			return files, fmt.Errorf("export attachments of message %d: %w", i+1, err)
		}
	}
	return files, nil
}
