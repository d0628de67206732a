package webhook

import (
	"errors"
	"net/netip"
	"testing"
)

func TestForbidden(t *testing.T) {
	for _, tc := range []struct {
		ip      string
		allowed bool
	}{
		{"93.184.215.14", true},
		{"2606:2800:21f:cb07:6820:80da:af6b:8b2c", true},
		{"8.8.8.8", true},
		{"127.0.0.1", false},
		{"127.1.2.3", false},
		{"::1", false},
		{"10.0.0.1", false},
		{"172.16.5.4", false},
		{"172.31.255.255", false},
		{"172.32.0.1", true},
		{"192.168.0.1", false},
		{"fc00::1", false},
		{"fd12:3456::1", false},
		{"169.254.169.254", false},
		{"fe80::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"0.1.2.3", false},
		{"100.64.0.1", false},
		{"100.127.255.254", false},
		{"100.128.0.1", true},
		{"224.0.0.1", false},
		{"ff02::1", false},
		{"255.255.255.255", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"::ffff:8.8.8.8", true},
		{"64:ff9b::a00:1", false},  // NAT64 of 10.0.0.1
		{"64:ff9b::808:808", true}, // NAT64 of 8.8.8.8
	} {
		got := forbidden(netip.MustParseAddr(tc.ip)) == ""
		if got != tc.allowed {
			t.Errorf("%s: allowed %v, want %v (%s)", tc.ip, got, tc.allowed, forbidden(netip.MustParseAddr(tc.ip)))
		}
		err := refusePrivate("tcp", netip.AddrPortFrom(netip.MustParseAddr(tc.ip), 443).String(), nil)
		if (err == nil) != tc.allowed || (err != nil && !errors.Is(err, ErrForbiddenAddress)) {
			t.Errorf("refusePrivate(%s) = %v", tc.ip, err)
		}
	}
}
