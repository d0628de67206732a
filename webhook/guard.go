package webhook

import (
	"errors"
	"fmt"
	"net/netip"
	"syscall"
)

// ErrForbiddenAddress is returned (wrapped) when an endpoint without
// AllowPrivate resolves to an address that is not on the public internet:
// the connection is refused before it is made.
var ErrForbiddenAddress = errors.New("webhook: address not allowed")

// forbiddenPrefixes are the ranges outside netip's predicates that a
// webhook may not reach without AllowPrivate.
var forbiddenPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast address
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64 (RFC 8215)
	netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("::ffff:0:0:0/96"), // IPv4-translated (RFC 2765)
}

// nat64 is the well-known NAT64 prefix: its addresses stand for the IPv4
// address in their last 32 bits, which is checked instead.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// forbidden reports why ip may not be reached without AllowPrivate: ""
// when it may. Loopback, private (RFC 1918, ULA fc00::/7), link-local,
// unspecified, multicast, CGNAT and reserved addresses are forbidden; an
// IPv4-mapped or NAT64 address is judged by its IPv4 address.
func forbidden(ip netip.Addr) string {
	ip = ip.Unmap()
	if nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte(b[12:]))
	}
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsLoopback():
		return "loopback"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast():
		return "link-local"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsMulticast():
		return "multicast"
	}
	for _, p := range forbiddenPrefixes {
		if p.Contains(ip) {
			return "reserved (" + p.String() + ")"
		}
	}
	return ""
}

// refusePrivate is a net.Dialer Control: it runs on the address actually
// dialled, after name resolution, so a name that resolves (or is rebound)
// to a private address is refused as the literal address would be.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s %s: %w", ErrForbiddenAddress, network, address, err)
	}
	if why := forbidden(ap.Addr()); why != "" {
		return fmt.Errorf("%w: %s is %s (allow_private is off)", ErrForbiddenAddress, ap.Addr(), why)
	}
	return nil
}
