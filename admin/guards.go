package admin

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// requireAdminHeader refuses a request without "X-Ticketd-Admin: 1" with
// 403. A browser page on another origin cannot add a custom header
// without a CORS preflight, which this API never answers favourably, so
// it cannot make staff's browser change tickets.
func requireAdminHeader(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(AdminHeader) != "1" {
			writeError(w, http.StatusForbidden, "missing header "+AdminHeader+": 1")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// RequireIPHost refuses with 403 a request whose Host is neither an IP
// address nor "localhost". A page served from a hostile name that later
// resolves to 127.0.0.1 (DNS rebinding) is same-origin with the API as
// far as the browser knows, and sends that name as Host.
func RequireIPHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !ipOrLocalhost(r.Host) {
			writeError(w, http.StatusForbidden, "the admin API must be addressed by IP address or localhost")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// ipOrLocalhost reports whether the host (with or without port) is an IP
// literal or localhost.
func ipOrLocalhost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	_, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(host, "["), "]"))
	return err == nil
}
