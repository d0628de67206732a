package rules

import "time"

// Period is one plan period of an organization: [Start, End).
type Period struct {
	Start, End time.Time
}

// Key identifies the period in the ledger: its first day, YYYY-MM-DD.
func (p Period) Key() string { return p.Start.Format("2006-01-02") }

// PlanPeriod returns the plan period of org that contains t. Monthly plans
// start on PlanStart's day of each month (clamped to the month's last day),
// yearly plans on PlanStart's month and day each year. Without a PlanStart,
// periods start on the first of the month (or of January). All in UTC.
func PlanPeriod(org *Organization, t time.Time) Period {
	t = t.UTC()
	anchor := org.PlanStart
	if anchor.IsZero() {
		anchor = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if org.PlanPeriod == "yearly" {
		start := anniversary(t.Year(), anchor.Month(), anchor.Day())
		if t.Before(start) {
			start = anniversary(t.Year()-1, anchor.Month(), anchor.Day())
		}
		next := anniversary(start.Year()+1, anchor.Month(), anchor.Day())
		return Period{Start: start, End: next}
	}
	start := anniversary(t.Year(), t.Month(), anchor.Day())
	if t.Before(start) {
		prev := t.AddDate(0, 0, -t.Day()) // last day of the previous month
		start = anniversary(prev.Year(), prev.Month(), anchor.Day())
	}
	firstOfNext := time.Date(start.Year(), start.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	next := anniversary(firstOfNext.Year(), firstOfNext.Month(), anchor.Day())
	return Period{Start: start, End: next}
}

// anniversary is day d of the month (y, m), clamped to the month's length.
func anniversary(y int, m time.Month, d int) time.Time {
	last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
	if d > last {
		d = last
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
