// Package loopback answers one question for every part of ticketd that
// allows something only on the local machine (plain-text IMAP or SMTP, an
// http token endpoint, the admin listener): is this host loopback? It
// also finds a free loopback port, for the servers the tests and the
// benchmark start.
package loopback

import (
	"net"
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

// FreePort returns a loopback TCP port that nothing listened on a moment
// ago.
func FreePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}
