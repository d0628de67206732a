package rules

import (
	"testing"
	"time"
)

func TestPlanPeriod(t *testing.T) {
	day := func(s string) time.Time {
		t, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			panic(err)
		}
		return t
	}
	tests := []struct {
		name, period, planStart string
		at                      string
		wantStart, wantEnd      string
	}{
		{"monthly default", "monthly", "", "2026-11-26 10:00", "2026-11-01", "2026-12-01"},
		{"monthly last instant", "monthly", "", "2026-11-30 23:59", "2026-11-01", "2026-12-01"},
		{"monthly anchored mid-month before anchor", "monthly", "2026-01-15", "2026-11-10 00:00", "2026-10-15", "2026-11-15"},
		{"monthly anchored on anchor", "monthly", "2026-01-15", "2026-11-15 00:00", "2026-11-15", "2026-12-15"},
		{"monthly anchored in January crosses year", "monthly", "2026-01-15", "2027-01-03 00:00", "2026-12-15", "2027-01-15"},
		{"monthly day 31 clamps in February", "monthly", "2026-01-31", "2027-02-28 12:00", "2027-02-28", "2027-03-31"},
		{"monthly day 31 before clamp", "monthly", "2026-01-31", "2027-02-27 12:00", "2027-01-31", "2027-02-28"},
		{"yearly default", "yearly", "", "2026-11-26 00:00", "2026-01-01", "2027-01-01"},
		{"yearly anchored before anniversary", "yearly", "2025-07-01", "2026-03-01 00:00", "2025-07-01", "2026-07-01"},
		{"yearly anchored after anniversary", "yearly", "2025-07-01", "2026-07-01 00:00", "2026-07-01", "2027-07-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := &Organization{PlanPeriod: tt.period}
			if tt.planStart != "" {
				org.PlanStart = day(tt.planStart + " 00:00")
			}
			p := PlanPeriod(org, day(tt.at))
			if got := p.Start.Format("2006-01-02"); got != tt.wantStart {
				t.Errorf("start = %s, want %s", got, tt.wantStart)
			}
			if got := p.End.Format("2006-01-02"); got != tt.wantEnd {
				t.Errorf("end = %s, want %s", got, tt.wantEnd)
			}
			if p.Key() != tt.wantStart {
				t.Errorf("key = %s", p.Key())
			}
			if at := day(tt.at); at.Before(p.Start) || !at.Before(p.End) {
				t.Errorf("%s not inside [%s, %s)", tt.at, p.Start, p.End)
			}
		})
	}
}
