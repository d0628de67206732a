package rules

import "strings"

// Contact returns the organization and contact whose address is addr,
// compared case-insensitively and ignoring surrounding white space, or nil,
// nil when addr is no contact. The pointers point into p: treat them as
// read-only. A nil Policy has no contacts.
func (p *Policy) Contact(addr string) (*Organization, *Contact) {
	addr = strings.TrimSpace(addr)
	if p == nil || addr == "" {
		return nil, nil
	}
	for i := range p.Organizations {
		org := &p.Organizations[i]
		for j := range org.Contacts {
			if strings.EqualFold(strings.TrimSpace(org.Contacts[j].Email), addr) {
				return org, &org.Contacts[j]
			}
		}
	}
	return nil, nil
}

// hasMethod reports whether the organization may contact support through
// the named method ("email", "phone", ...), case-insensitively.
func (o *Organization) hasMethod(method string) bool {
	for _, m := range o.ContactMethods {
		if strings.EqualFold(strings.TrimSpace(m), method) {
			return true
		}
	}
	return false
}
