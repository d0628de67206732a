package config

import (
	"regexp"
	"strings"
	"time"

	"github.com/ticketd/ticketd/intake"
	"github.com/ticketd/ticketd/rules"
)

// OwnAuthServID is the authserv-id of the Authentication-Results header
// ticketd adds when it verifies DKIM itself (security.verify_dkim). Incoming
// headers claiming it are removed before the rules see the message.
const OwnAuthServID = "ticketd.dkim.invalid"

// IntakeLimits returns the parser's limits from limits.* and
// imap.max_message_bytes.
func (c *Config) IntakeLimits() intake.Limits {
	return intake.Limits{
		MaxMessageBytes: c.IMAP.MaxMessageBytes,
		MaxHeaderBytes:  c.Limits.MaxHeaderBytes,
		MaxParts:        c.Limits.MaxParts,
		MaxDepth:        c.Limits.MaxDepth,
		MaxAttachments:  c.Limits.MaxAttachments,
		MaxDecodedBytes: c.Limits.MaxDecodedBytes,
		MaxTextBytes:    c.Limits.MaxTextBytes,
		MaxURLs:         c.Limits.MaxURLs,
		MaxDuration:     c.Limits.MaxDuration,

		MaxInspectBytes:   c.Limits.MaxInspectBytes,
		MaxInspectEntries: c.Limits.MaxInspectEntries,
		MaxInspectText:    c.Limits.MaxInspectText,
	}
}

// Policy builds the rules' view of the configuration. Call it only on a
// validated Config.
func (c *Config) Policy() *rules.Policy {
	p := &rules.Policy{
		SubjectMinWords:     c.Rules.SubjectMinWords,
		DescriptionMinWords: c.Rules.DescriptionMinWords,
		Keywords:            rules.DefaultKeywords().Merge(c.Rules.Keywords.toRules()),
	}
	p.TrustedAuthServIDs = append(p.TrustedAuthServIDs, c.Security.TrustedAuthServIDs...)
	if c.Security.VerifyDKIM {
		p.TrustedAuthServIDs = append(p.TrustedAuthServIDs, OwnAuthServID)
	}
	p.RequireAuthenticatedSender = c.Security.RequireAuthenticated()
	for _, pat := range c.Rules.DocumentURLPatterns {
		p.DocumentURLPatterns = append(p.DocumentURLPatterns, regexp.MustCompile(pat)) // validated
	}
	p.EvidenceHosts = append(p.EvidenceHosts, c.Rules.EvidenceHosts...)
	p.PlusAddressing = c.Rules.PlusAddressing
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
