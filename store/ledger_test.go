package store

import (
	"fmt"
	"slices"
	"testing"
)

func TestLedger(t *testing.T) {
	type rec struct {
		org, period       string
		deducts, warranty bool
		included          int
		wantOverPlan      bool
	}
	tests := []struct {
		name string
		recs []rec
		want []LedgerEntry
	}{
		{
			name: "deducts",
			recs: []rec{
				{"acme", "2026-11", true, false, 10, false},
				{"acme", "2026-11", true, false, 10, false},
			},
			want: []LedgerEntry{{Org: "acme", Period: "2026-11", Used: 2}},
		},
		{
			name: "warranty not deducted",
			recs: []rec{
				{"acme", "2026-11", false, true, 1, false},
				{"acme", "2026-11", true, true, 1, false}, // warranty wins over a stray DeductsQuota
				{"acme", "2026-11", true, false, 1, false},
			},
			want: []LedgerEntry{{Org: "acme", Period: "2026-11", Used: 1, Warranty: 2}},
		},
		{
			name: "over plan once included exhausted",
			recs: []rec{
				{"acme", "2026", true, false, 2, false},
				{"acme", "2026", true, false, 2, false},
				{"acme", "2026", true, false, 2, true},
				{"acme", "2026", true, false, 2, true},
			},
			want: []LedgerEntry{{Org: "acme", Period: "2026", Used: 4, OverPlan: 2}},
		},
		{
			name: "no included means never over plan",
			recs: []rec{
				{"acme", "2026", true, false, 0, false},
				{"acme", "2026", true, false, 0, false},
			},
			want: []LedgerEntry{{Org: "acme", Period: "2026", Used: 2}},
		},
		{
			name: "separate periods and orgs",
			recs: []rec{
				{"acme", "2026-10", true, false, 1, false},
				{"acme", "2026-11", true, false, 1, false},
				{"acme", "2026-11", true, false, 1, true},
				{"beta", "2026-11", true, false, 1, false},
				{"acme", "2026-12", true, false, 1, false},
			},
			want: []LedgerEntry{
				{Org: "acme", Period: "2026-10", Used: 1},
				{Org: "acme", Period: "2026-11", Used: 2, OverPlan: 1},
				{Org: "acme", Period: "2026-12", Used: 1},
				{Org: "beta", Period: "2026-11", Used: 1},
			},
		},
		{
			name: "no deduction no entry",
			recs: []rec{{"acme", "2026-11", false, false, 1, false}},
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := mustOpenTestDB(t)
			for i, r := range tt.recs {
				in := newIntake(fmt.Sprintf("l%d@x", i))
				in.Organization, in.Period, in.DeductsQuota, in.Warranty, in.Included = r.org, r.period, r.deducts, r.warranty, r.included
				res := db.mustRecord(in)
				if res.Ticket.OverPlan != r.wantOverPlan {
					t.Errorf("record %d: OverPlan %v, want %v", i, res.Ticket.OverPlan, r.wantOverPlan)
				}
				if res.Ticket.DeductsQuota != (r.deducts && !r.warranty) {
					t.Errorf("record %d: DeductsQuota %v", i, res.Ticket.DeductsQuota)
				}
			}
			got, err := db.Ledger("")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Ledger(\"\") = %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestLedgerFiltersByOrg(t *testing.T) {
	db := mustOpenTestDB(t)
	for i, org := range []string{"acme", "acme-labs", "acme", "beta"} {
		in := newIntake(fmt.Sprintf("o%d@x", i))
		in.Organization = org
		db.mustRecord(in)
	}
	got, err := db.Ledger("acme")
	if err != nil {
		t.Fatal(err)
	}
	want := []LedgerEntry{{Org: "acme", Period: "2026-11", Used: 2}}
	if !slices.Equal(got, want) {
		t.Errorf("Ledger(acme) = %+v, want %+v (acme-labs must not match)", got, want)
	}
}
