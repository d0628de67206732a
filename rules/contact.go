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
	if org, c := p.contact(addr); c != nil || !p.PlusAddressing {
		return org, c
	}
	if base := baseAddress(addr); base != addr {
		return p.contact(base)
	}
	return nil, nil
}

func (p *Policy) contact(addr string) (*Organization, *Contact) {
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

// baseAddress returns addr without its plus sub-address
// (alice+dms@acme.example is alice@acme.example), or addr itself.
func baseAddress(addr string) string {
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return addr
	}
	local := addr[:at]
	plus := strings.IndexByte(local, '+')
	if plus <= 0 {
		return addr
	}
	return local[:plus] + addr[at:]
}

// BaseAddress returns the address a sender counts as: its contact's
// address without a plus sub-address when the policy allows plus
// addressing, else the address itself, lower-cased. Per-sender caps key on it.
func (p *Policy) BaseAddress(addr string) string {
	addr = strings.ToLower(strings.TrimSpace(addr))
	if p != nil && p.PlusAddressing {
		return baseAddress(addr)
	}
	return addr
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
