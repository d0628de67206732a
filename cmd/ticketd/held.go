package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/store"
)

func heldCommand() *cobra.Command {
	var cfgPath, format string
	var all bool
	list := &cobra.Command{
		Use:   "list [flags]",
		Short: "list the mail held over a contact's hourly rate of new tickets",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			a, err := openDesk(cmd.Context(), cfgPath, false)
			if err != nil {
				return err
			}
			defer a.Close()
			rs, err := a.Held(cmd.Context())
			if err != nil {
				return err
			}
			return writeHeld(cmd.OutOrStdout(), rs, format)
		},
	}
	release := &cobra.Command{
		Use:   "release [flags] ID|--all",
		Short: "register held mail as if it arrived now: numbered, deducted in the current period, answered",
		RunE: func(cmd *cobra.Command, args []string) error {
			var id uint64
			switch {
			case all && len(args) == 0:
			case !all && len(args) == 1:
				var err error
				if id, err = strconv.ParseUint(args[0], 10, 64); err != nil {
					return fmt.Errorf("%w: %q is not a held message ID (see ticketd held list)", errUsage, args[0])
				}
			default:
				return fmt.Errorf("%w: give one held message ID or --all", errUsage)
			}
			a, err := openDesk(cmd.Context(), cfgPath, true)
			if err != nil {
				return err
			}
			defer a.Close()
			var rels []admin.Released
			if all {
				rels, err = a.ReleaseAll(cmd.Context())
			} else {
				var rel admin.Released
				rel, err = a.Release(cmd.Context(), id)
				if err == nil {
					rels = append(rels, rel)
				}
			}
			out := cmd.OutOrStdout()
			for _, r := range rels {
				if r.Ticket != "" {
					fmt.Fprintf(out, "held message %d registered as %s (%d email(s) queued)\n", r.ID, r.Ticket, r.Queued)
				} else {
					fmt.Fprintf(out, "held message %d judged again: %s, no ticket\n", r.ID, r.Verdict)
				}
			}
			return err
		},
	}
	release.Flags().BoolVar(&all, "all", false, "release every held message")
	c := group("held list|release", "list or release mail held over a contact's hourly rate of new tickets", list, release)
	pf := c.PersistentFlags()
	pf.StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	pf.StringVar(&format, "format", "text", "text or json (list)")
	return c
}

func writeHeld(w io.Writer, rs []store.TurnedAwayRecord, format string) error {
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
	fmt.Fprintln(tw, "ID\tRECEIVED\tCONTACT\tFROM\tSUBJECT")
	for _, r := range rs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.ID, r.ReceivedAt.Format(time.DateTime), r.Contact, r.From, oneline.Cut(r.Subject, 50))
	}
	return tw.Flush()
}
