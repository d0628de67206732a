package config

import (
	"regexp"
	"strings"
	"time"

	"github.com/ticketd/ticketd/rules"
)

// Policy builds the rules' view of the configuration. Call it only on a
// validated Config.
func (c *Config) Policy() *rules.Policy {
	p := &rules.Policy{
		SubjectMinWords:     c.Rules.SubjectMinWords,
		DescriptionMinWords: c.Rules.DescriptionMinWords,
		Keywords:            rules.DefaultKeywords().Merge(c.Rules.Keywords.toRules()),
	}
	for _, pat := range c.Rules.DocumentURLPatterns {
		p.DocumentURLPatterns = append(p.DocumentURLPatterns, regexp.MustCompile(pat)) // validated
	}
	p.SupportAddresses = append(p.SupportAddresses, c.Rules.SupportAddresses...)
	if c.SMTP.From != "" {
		p.SupportAddresses = append(p.SupportAddresses, c.SMTP.From)
	}
	for i := range p.SupportAddresses {
		p.SupportAddresses[i] = strings.ToLower(p.SupportAddresses[i])
	}
	for _, o := range c.Organizations {
		org := rules.Organization{
			ID:              o.ID,
			Name:            o.Name,
			TicketsIncluded: o.TicketsIncluded,
			PlanPeriod:      o.PlanPeriod,
			PlanStart:       parseDate(o.PlanStart),
			WarrantyUntil:   parseDate(o.WarrantyUntil),
			ContactMethods:  o.ContactMethods,
			OverPlan:        o.OverPlan,
		}
		if org.PlanPeriod == "" {
			org.PlanPeriod = "monthly"
		}
		if org.OverPlan == "" {
			org.OverPlan = "register"
		}
		if org.Name == "" {
			org.Name = org.ID
		}
		for _, ct := range o.Contacts {
			org.Contacts = append(org.Contacts, rules.Contact{Email: strings.ToLower(strings.TrimSpace(ct.Email)), Name: ct.Name})
		}
		p.Organizations = append(p.Organizations, org)
	}
	return p
}

func (k Keywords) toRules() rules.Keywords {
	return rules.Keywords{
		GenericSubject: k.GenericSubject,
		Incident:       k.Incident,
		APIError:       k.APIError,
		Upload:         k.Upload,
		BulkUpload:     k.BulkUpload,
		Document:       k.Document,
		SelfService:    k.SelfService,
		Question:       k.Question,
		MultipleIssues: k.MultipleIssues,
	}
}

// parseDate parses a validated YYYY-MM-DD date in UTC; "" gives zero.
func parseDate(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(dateLayout, s)
	return t
}
