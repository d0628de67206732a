package rules

import (
	"regexp"
	"strings"
	"testing"
)

func TestContact(t *testing.T) {
	p := testPolicy()
	for _, tc := range []struct {
		addr, org, contact string
	}{
		{"alice@acme.example", "acme", "alice@acme.example"},
		{"Alice@ACME.Example", "acme", "alice@acme.example"},
		{" carmen@globex.example ", "globex", "carmen@globex.example"},
		{"peter@initech.example", "initech", "peter@initech.example"},
		{"mallory@example.com", "", ""},
		{"", "", ""},
		{"acme.example", "", ""},
	} {
		org, c := p.Contact(tc.addr)
		if (org == nil) != (tc.org == "") || (c == nil) != (tc.contact == "") {
			t.Fatalf("Contact(%q) = %v, %v", tc.addr, org, c)
		}
		if org != nil && (org.ID != tc.org || c.Email != tc.contact) {
			t.Errorf("Contact(%q) = %s, %s; want %s, %s", tc.addr, org.ID, c.Email, tc.org, tc.contact)
		}
	}
	var nilPolicy *Policy
	if org, c := nilPolicy.Contact("alice@acme.example"); org != nil || c != nil {
		t.Errorf("nil policy found a contact")
	}
}

func TestValidate(t *testing.T) {
	if err := testPolicy().Validate(); err != nil {
		t.Fatalf("test policy: %v", err)
	}
	var nilPolicy *Policy
	if nilPolicy.Validate() == nil {
		t.Errorf("nil policy is valid")
	}
	for _, tc := range []struct {
		name   string
		change func(p *Policy)
		want   []string // each must appear in the error
	}{
		{"contact in two orgs", func(p *Policy) {
			p.Organizations[1].Contacts = append(p.Organizations[1].Contacts, Contact{Email: "Alice@acme.example"})
		}, []string{`organization "globex"`, "alice@acme.example", `"acme"`}},
		{"contact twice in one org", func(p *Policy) {
			p.Organizations[0].Contacts = append(p.Organizations[0].Contacts, Contact{Email: "bob@acme.example"})
		}, []string{`organization "acme"`, "bob@acme.example", "listed twice"}},
		{"empty id", func(p *Policy) { p.Organizations[2].ID = "" }, []string{"organization #3 (Initech)", "empty id"}},
		{"duplicate id", func(p *Policy) { p.Organizations[3].ID = "acme" }, []string{`id "acme" is also used`}},
		{"bad plan period", func(p *Policy) { p.Organizations[1].PlanPeriod = "weekly" }, []string{`organization "globex"`, `"weekly"`}},
		{"missing plan period", func(p *Policy) { p.Organizations[1].PlanPeriod = "" }, []string{`organization "globex"`, "plan period"}},
		{"bad over-plan", func(p *Policy) { p.Organizations[0].OverPlan = "drop" }, []string{`organization "acme"`, `"drop"`}},
		{"negative tickets", func(p *Policy) { p.Organizations[0].TicketsIncluded = -1 }, []string{`organization "acme"`, "negative"}},
		{"contact without address", func(p *Policy) {
			p.Organizations[0].Contacts[1].Email = ""
		}, []string{`organization "acme"`, "contact #2 (Bob Stone)"}},
		{"contact not an address", func(p *Policy) { p.Organizations[3].Contacts[0].Email = "ada" }, []string{`organization "umbrella"`, `"ada"`}},
		{"support address is a contact", func(p *Policy) {
			p.SupportAddresses = append(p.SupportAddresses, "ada@umbrella.example")
		}, []string{"support address ada@umbrella.example", `"umbrella"`}},
		{"authentication without trusted ids", func(p *Policy) { p.RequireAuthenticatedSender = true }, []string{"authserv-id"}},
		{"negative minimum", func(p *Policy) { p.SubjectMinWords = -1 }, []string{"subject minimum"}},
		{"nil pattern", func(p *Policy) { p.DocumentURLPatterns = []*regexp.Regexp{nil} }, []string{"pattern #1"}},
		{"two problems at once", func(p *Policy) {
			p.Organizations[0].ID = ""
			p.Organizations[1].PlanPeriod = "daily"
		}, []string{"organization #1 (ACME Logistics)", `"daily"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testPolicy()
			tc.change(p)
			err := p.Validate()
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
