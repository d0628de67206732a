package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// ledgerRow is one line of `ticketd ledger`: an organization's use of its
// plan in one period.
type ledgerRow struct {
	Org       string `json:"org"`
	Period    string `json:"period"` // first day of the period
	PeriodEnd string `json:"period_end"`
	Included  int    `json:"included"`
	Used      int    `json:"used"`
	Warranty  int    `json:"warranty"`
	OverPlan  int    `json:"over_plan"`
	Remaining int    `json:"remaining"`
}

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
	a, err := openAccess(ctx, cfgPath, false)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := checkOrg(a.policy, org); err != nil {
		return err
	}
	entries, err := a.Ledger(ctx, org)
	if err != nil {
		return err
	}
	rows := withIdleOrgs(a.policy, ledgerRows(a.policy, entries), org, time.Now())
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

// ledgerRows joins the store's counts with each organization's plan.
func ledgerRows(p *rules.Policy, entries []store.LedgerEntry) []ledgerRow {
	rows := make([]ledgerRow, 0, len(entries))
	for _, e := range entries {
		r := ledgerRow{Org: e.Org, Period: e.Period, Used: e.Used, Warranty: e.Warranty, OverPlan: e.OverPlan}
		for i := range p.Organizations {
			org := &p.Organizations[i]
			if org.ID != e.Org {
				continue
			}
			r.Included = org.TicketsIncluded
			if start, err := parseDay(e.Period); err == nil {
				r.PeriodEnd = rules.PlanPeriod(org, start).End.AddDate(0, 0, -1).Format("2006-01-02")
			}
		}
		r.Remaining = max(r.Included-r.Used, 0)
		rows = append(rows, r)
	}
	return rows
}

// withIdleOrgs adds, for each organization (or only org) without a row, a
// row of its current period with nothing used: an organization that has
// not written yet is still on the ledger.
func withIdleOrgs(p *rules.Policy, rows []ledgerRow, org string, now time.Time) []ledgerRow {
	seen := make(map[string]bool, len(rows))
	for _, r := range rows {
		seen[r.Org] = true
	}
	for i := range p.Organizations {
		o := &p.Organizations[i]
		if seen[o.ID] || (org != "" && o.ID != org) {
			continue
		}
		period := rules.PlanPeriod(o, now)
		rows = append(rows, ledgerRow{
			Org: o.ID, Period: period.Key(), PeriodEnd: period.End.AddDate(0, 0, -1).Format("2006-01-02"),
			Included: o.TicketsIncluded, Remaining: o.TicketsIncluded,
		})
	}
	return rows
}
