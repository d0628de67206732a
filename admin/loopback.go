package admin

import (
	"net/netip"
	"strings"
)

// loopbackHost reports whether a listen host is loopback: "localhost" or
// a loopback IP. An empty host means every interface, so it is not.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
