package rules

import "testing"

func TestPlanExhausted(t *testing.T) {
	reject := &Organization{ID: "acme", TicketsIncluded: 2, OverPlan: OverPlanReject}
	bill := &Organization{ID: "acme", TicketsIncluded: 2}
	unlimited := &Organization{ID: "acme", OverPlan: OverPlanReject}
	accepted := Verdict{Outcome: Accepted, Organization: "acme", DeductsQuota: true}
	warranty := Verdict{Outcome: Accepted, Organization: "acme"}
	rejected := Verdict{Outcome: Rejected, Findings: []Finding{{Rule: RuleSenderAuthorized, Outcome: Rejected}}}
	tests := []struct {
		name     string
		v        Verdict
		org      *Organization
		used     int
		want     Outcome
		exhausts bool
	}{
		{"within the plan", accepted, reject, 1, Accepted, false},
		{"plan used up", accepted, reject, 2, Rejected, true},
		{"beyond the plan", accepted, reject, 5, Rejected, true},
		{"over_plan bill", accepted, bill, 5, Accepted, false},
		{"no allowance set", accepted, unlimited, 5, Accepted, false},
		{"not deducted", warranty, reject, 5, Accepted, false},
		{"already rejected", rejected, reject, 5, Rejected, false},
		{"no organization", accepted, nil, 5, Accepted, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PlanExhausted(tt.v, tt.org, tt.used)
			if got.Outcome != tt.want || got.Has(RulePlanExhausted) != tt.exhausts {
				t.Fatalf("PlanExhausted = %+v, want outcome %s, plan.exhausted %v", got, tt.want, tt.exhausts)
			}
			if tt.exhausts && (got.DeductsQuota || len(got.Findings) != 1 || got.Findings[0].Message.EN == "") {
				t.Errorf("exhausted verdict %+v", got)
			}
			if PlanLimited(tt.v, tt.org) != (tt.exhausts || tt.name == "within the plan") {
				t.Errorf("PlanLimited = %v", PlanLimited(tt.v, tt.org))
			}
		})
	}
}
