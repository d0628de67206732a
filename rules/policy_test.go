package rules

import "testing"

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
