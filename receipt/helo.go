package receipt

import (
	"context"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

// heloLookups are the host's name and the resolver, as DefaultHeloName
// uses them (a test replaces them).
type heloLookups struct {
	hostname    func() (string, error)
	lookupCNAME func(ctx context.Context, host string) (string, error)
	lookupHost  func(ctx context.Context, host string) ([]string, error)
	lookupAddr  func(ctx context.Context, addr string) ([]string, error)
}

var systemLookups = heloLookups{
	hostname:    os.Hostname,
	lookupCNAME: net.DefaultResolver.LookupCNAME,
	lookupHost:  net.DefaultResolver.LookupHost,
	lookupAddr:  net.DefaultResolver.LookupAddr,
}

// heloLookupTimeout bounds the lookups of DefaultHeloName.
const heloLookupTimeout = 3 * time.Second

// DefaultHeloName is the EHLO name when smtp.helo_name is empty: a fully
// qualified name, since relays refuse a bare one (Postfix's
// reject_non_fqdn_helo_hostname answers 504 5.5.2). It is the host's name
// when fully qualified, else its canonical name or the name of one of its
// addresses (lookups that may fail), else the domain of from (smtp.from,
// which has an address record or MX more often than a made-up host name
// under it would), and only when from has no domain the address literal
// "[127.0.0.1]".
// The host's lookups are made once per process.
func DefaultHeloName(from string) string {
	return withDomainOf(hostFQDN(), from)
}

var hostFQDN = sync.OnceValue(func() string {
	ctx, cancel := context.WithTimeout(context.Background(), heloLookupTimeout)
	defer cancel()
	return systemLookups.hostFQDN(ctx)
})

func (l heloLookups) heloName(ctx context.Context, from string) string {
	return withDomainOf(l.hostFQDN(ctx), from)
}

// hostFQDN returns the host's fully qualified name, or "".
func (l heloLookups) hostFQDN(ctx context.Context) string {
	if host, err := l.hostname(); err == nil && host != "" {
		if fqdn(host) {
			return strings.TrimSuffix(host, ".")
		}
		if cname, err := l.lookupCNAME(ctx, host); err == nil && fqdn(cname) {
			return strings.TrimSuffix(cname, ".")
		}
		if addrs, err := l.lookupHost(ctx, host); err == nil {
			for _, a := range addrs {
				names, err := l.lookupAddr(ctx, a)
				if err != nil {
					continue
				}
				for _, n := range names {
					if fqdn(n) {
						return strings.TrimSuffix(n, ".")
					}
				}
			}
		}
	}
	return ""
}

// withDomainOf returns host, else the domain of from, else an address
// literal.
func withDomainOf(host, from string) string {
	if host != "" {
		return host
	}
	if at := strings.LastIndexByte(from, '@'); at >= 0 {
		domain := strings.TrimSuffix(strings.Trim(from[at+1:], "<> \t"), ".")
		if fqdn(domain) {
			return strings.ToLower(domain)
		}
	}
	return "[127.0.0.1]"
}

// fqdn reports whether name is a fully qualified host name: at least two
// labels of letters, digits and hyphens, not a localhost name, not an IP
// address.
func fqdn(name string) bool {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	if !strings.Contains(name, ".") || net.ParseIP(name) != nil ||
		name == "localhost" || strings.HasPrefix(name, "localhost.") || strings.HasSuffix(name, ".localdomain") {
		return false
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, r := range label {
			if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
