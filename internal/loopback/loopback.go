// Package loopback answers one question for every part of ticketd that
// allows something only on the local machine (plain-text IMAP or SMTP, an
// http token endpoint, the admin listener): is this host loopback?
package loopback

import (
	"net/netip"
	"strings"
)

// Host reports whether host is "localhost" or a loopback IP address (an
// IPv4-mapped one included). An empty host means every interface, so it is
// not loopback.
func Host(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
