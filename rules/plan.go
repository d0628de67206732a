package rules

// Over-plan rejection: an organization whose plan says over_plan: reject
// gets no ticket once it has used the tickets its plan includes for the
// period. The rule needs the period's usage, which lives in the store, so
// it is not a check of Evaluate: the caller reads the usage when
// PlanLimited says it matters and applies PlanExhausted.

// PlanLimited reports whether a message judged v for org can be turned
// away by PlanExhausted: a registrable verdict that deducts from the plan
// of an organization that rejects tickets beyond a non-zero allowance.
func PlanLimited(v Verdict, org *Organization) bool {
	return org != nil && v.Registered() && v.DeductsQuota && org.OverPlan == OverPlanReject && org.TicketsIncluded > 0
}

// PlanExhausted returns v turned into a plan.exhausted rejection when
// PlanLimited(v, org) and used, the tickets already deducted in the
// message's plan period, has reached the plan's allowance; otherwise v
// unchanged. It is pure: the same verdict, organization and usage always
// give the same result.
func PlanExhausted(v Verdict, org *Organization, used int) Verdict {
	if !PlanLimited(v, org) || used < org.TicketsIncluded {
		return v
	}
	v.Outcome, v.DeductsQuota = Rejected, false
	v.Findings = []Finding{{
		Rule:    RulePlanExhausted,
		Outcome: Rejected,
		Message: Text{
			EN: "Your organization has used all the tickets included in its plan for this period.",
			ES: "Su organización ha agotado los tickets incluidos en su plan para este periodo.",
		},
	}}
	return v
}
