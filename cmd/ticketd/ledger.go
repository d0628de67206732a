package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func ledgerCommand() *cobra.Command {
	var cfgPath, org, format string
	c := &cobra.Command{
		Use:   "ledger [flags]",
		Short: "tickets used against each organization's plan, per period",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			return runLedger(cmd.Context(), cfgPath, org, format, cmd.OutOrStdout())
		},
	}
	c.Flags().StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	c.Flags().StringVar(&org, "org", "", "only this organization")
	c.Flags().StringVar(&format, "format", "text", "text or json")
	return c
}

func runLedger(ctx context.Context, cfgPath, org, format string, stdout io.Writer) error {
	a, err := openDesk(ctx, cfgPath, false)
	if err != nil {
		return err
	}
	defer a.Close()
	rows, err := a.LedgerRows(ctx, org, time.Now())
	if err != nil {
		return err
	}
	if format == "json" {
		enc := json.NewEncoder(stdout)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ORG\tPERIOD\tINCLUDED\tUSED\tWARRANTY\tOVER PLAN\tREMAINING")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s – %s\t%d\t%d\t%d\t%d\t%d\n", r.Org, r.Period, r.PeriodEnd, r.Included, r.Used, r.Warranty, r.OverPlan, r.Remaining)
	}
	return tw.Flush()
}
