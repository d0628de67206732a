package desk

import (
	"context"
	"time"

	"github.com/ticketd/ticketd/rules"
	"github.com/ticketd/ticketd/store"
)

// Row is one line of the ledger: an organization's use of its
// plan in one period.
type Row struct {
	Org       string `json:"org"`
	Period    string `json:"period"` // first day of the period
	PeriodEnd string `json:"period_end"`
	Included  int    `json:"included"`
	Used      int    `json:"used"`
	Warranty  int    `json:"warranty"`
	OverPlan  int    `json:"over_plan"`
	Remaining int    `json:"remaining"`
}

// LedgerRows returns each organization's use of its plan per period
// (only org's when org is not ""), with a row of the current period for
// an organization without tickets yet.
func (a *Desk) LedgerRows(ctx context.Context, org string, now time.Time) ([]Row, error) {
	if err := CheckOrg(a.policy, org); err != nil {
		return nil, err
	}
	entries, err := a.Ledger(ctx, org)
	if err != nil {
		return nil, err
	}
	return withIdleOrgs(a.policy, PlanRows(a.policy, entries), org, now), nil
}

// PlanRows joins the store's counts with each organization's plan.
func PlanRows(p *rules.Policy, entries []store.LedgerEntry) []Row {
	rows := make([]Row, 0, len(entries))
	for _, e := range entries {
		r := Row{Org: e.Org, Period: e.Period, Used: e.Used, Warranty: e.Warranty, OverPlan: e.OverPlan}
		for i := range p.Organizations {
			org := &p.Organizations[i]
			if org.ID != e.Org {
				continue
			}
			r.Included = org.TicketsIncluded
			if start, err := time.Parse("2006-01-02", e.Period); err == nil {
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
func withIdleOrgs(p *rules.Policy, rows []Row, org string, now time.Time) []Row {
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
		rows = append(rows, Row{
			Org: o.ID, Period: period.Key(), PeriodEnd: period.End.AddDate(0, 0, -1).Format("2006-01-02"),
			Included: o.TicketsIncluded, Remaining: o.TicketsIncluded,
		})
	}
	return rows
}
