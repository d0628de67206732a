package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"time"
)

// Console configures the support team's web console, served by the daemon.
type Console struct {
	// Listen is where the console listens ("" turns it off):
	// 127.0.0.1:9121 behind a reverse proxy, or any address with TLS.
	Listen string `mapstructure:"listen"`
	// TLSCertFile and TLSKeyFile serve HTTPS themselves.
	TLSCertFile string `mapstructure:"tls_cert_file"`
	TLSKeyFile  string `mapstructure:"tls_key_file"`
	// BaseURL is the console as the team reaches it
	// (https://desk.example.com/): notifications link to ticket pages.
	BaseURL string `mapstructure:"base_url"`
	// TrustedHeader names a header that carries the signed-in user's
	// name or email, set by an authenticating proxy (oauth2-proxy,
	// Authelia); it is believed only from loopback and TrustedProxies.
	TrustedHeader  string   `mapstructure:"trusted_header"`
	TrustedProxies []string `mapstructure:"trusted_proxies"`
	// SessionIdle ends a session unused for this long.
	SessionIdle time.Duration `mapstructure:"session_idle"`
}

// validateConsole checks console.*.
func (c *Config) validateConsole(add func(error)) {
	cs := c.Console
	if cs.Listen != "" {
		if _, _, err := net.SplitHostPort(cs.Listen); err != nil {
			add(c.fieldError("console.listen", "%q is not host:port: %v", cs.Listen, err))
		} else if cs.Listen == c.Admin.Listen {
			add(c.fieldError("console.listen", "%q is also admin.listen: the console needs its own address", cs.Listen))
		}
	}
	if (cs.TLSCertFile == "") != (cs.TLSKeyFile == "") {
		add(c.fieldError("console.tls_cert_file", "tls_cert_file and tls_key_file go together"))
	}
	if cs.BaseURL != "" {
		u, err := url.Parse(cs.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			add(c.fieldError("console.base_url", "%q is not an absolute http(s) URL", cs.BaseURL))
		}
	}
	if cs.TrustedHeader != "" && strings.ContainsAny(cs.TrustedHeader, " :\t") {
		add(c.fieldError("console.trusted_header", "%q is not a header name", cs.TrustedHeader))
	}
	for i, p := range cs.TrustedProxies {
		if _, err := ParsePrefix(p); err != nil {
			add(c.fieldError(fmt.Sprintf("console.trusted_proxies[%d]", i), "%v", err))
		}
	}
	if cs.SessionIdle < time.Minute {
		add(c.fieldError("console.session_idle", "must be at least 1m"))
	}
}

// ParsePrefix reads an address or a CIDR prefix (10.0.0.0/8, ::1).
func ParsePrefix(s string) (netip.Prefix, error) {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address or a prefix", s)
	}
	return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
}
