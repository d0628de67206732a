package rules

import (
	"errors"
	"fmt"
	"strings"
)

// Plan periods and over-plan behaviours an Organization may name.
const (
	PeriodMonthly = "monthly"
	PeriodYearly  = "yearly"

	OverPlanRegister = "register"
	OverPlanReject   = "reject"
)

// Validate checks that the policy is usable: non-negative word minimums,
// no nil URL pattern, every organization with a unique non-empty ID, a plan
// period of "monthly" or "yearly", a known over-plan behaviour, no negative
// ticket count, every contact with an address that belongs to one contact
// of one organization only, no support address that is also a contact, and
// trusted authserv-ids when authenticated senders are required. It returns
// every problem found, joined, each naming the organization or contact.
func (p *Policy) Validate() error {
	if p == nil {
		return errors.New("rules: no policy")
	}
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("rules: "+format, args...))
	}
	if p.SubjectMinWords < 0 {
		add("subject minimum words %d is negative", p.SubjectMinWords)
	}
	if p.DescriptionMinWords < 0 {
		add("description minimum words %d is negative", p.DescriptionMinWords)
	}
	for i, re := range p.DocumentURLPatterns {
		if re == nil {
			add("document URL pattern #%d is missing", i+1)
		}
	}
	if p.RequireAuthenticatedSender && len(p.TrustedAuthServIDs) == 0 {
		add("authenticated senders are required but no trusted authserv-id is configured")
	}

	orgIDs := make(map[string]int)        // org ID -> index
	contactOrg := make(map[string]string) // lower-case address -> org ID
	for i := range p.Organizations {
		org := &p.Organizations[i]
		name := orgName(i, org)
		if strings.TrimSpace(org.ID) == "" {
			add("%s: empty id", name)
		} else if j, dup := orgIDs[org.ID]; dup {
			add("%s: id %q is also used by %s", name, org.ID, orgName(j, &p.Organizations[j]))
		} else {
			orgIDs[org.ID] = i
		}
		switch org.PlanPeriod {
		case PeriodMonthly, PeriodYearly:
		default:
			add("%s: plan period %q is neither %q nor %q", name, org.PlanPeriod, PeriodMonthly, PeriodYearly)
		}
		switch org.OverPlan {
		case "", OverPlanRegister, OverPlanReject:
		default:
			add("%s: over-plan %q is neither %q nor %q", name, org.OverPlan, OverPlanRegister, OverPlanReject)
		}
		if org.TicketsIncluded < 0 {
			add("%s: tickets included %d is negative", name, org.TicketsIncluded)
		}
		for _, m := range org.ContactMethods {
			if strings.TrimSpace(m) == "" {
				add("%s: empty contact method", name)
			}
		}
		for j, c := range org.Contacts {
			addr := strings.ToLower(strings.TrimSpace(c.Email))
			switch {
			case addr == "":
				add("%s: contact #%d (%s) has no email address", name, j+1, c.Name)
				continue
			case strings.Count(addr, "@") != 1 || strings.HasPrefix(addr, "@") || strings.HasSuffix(addr, "@"):
				add("%s: contact %q is not an email address", name, c.Email)
				continue
			}
			if other, dup := contactOrg[addr]; dup {
				if other == org.ID {
					add("%s: contact %s is listed twice", name, addr)
				} else {
					add("%s: contact %s is also a contact of organization %q", name, addr, other)
				}
				continue
			}
			contactOrg[addr] = org.ID
		}
	}
	for _, s := range p.SupportAddresses {
		addr := strings.ToLower(strings.TrimSpace(s))
		if other, ok := contactOrg[addr]; ok {
			add("support address %s is also a contact of organization %q: its mail would be ignored", addr, other)
		}
	}
	return errors.Join(errs...)
}

// orgName names an organization in an error message.
func orgName(i int, org *Organization) string {
	if org.ID != "" {
		return fmt.Sprintf("organization %q", org.ID)
	}
	if org.Name != "" {
		return fmt.Sprintf("organization #%d (%s)", i+1, org.Name)
	}
	return fmt.Sprintf("organization #%d", i+1)
}
