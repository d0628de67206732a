package receipt

import (
	"context"
	"errors"
	"testing"
)

// The default EHLO name is fully qualified: the host's name when it is,
// else what the resolver says of it, else the domain of smtp.from, and an
// address literal last.
func TestDefaultHeloName(t *testing.T) {
	fail := errors.New("no such host")
	tests := []struct {
		name    string
		host    string
		cname   string
		addrs   []string
		ptr     map[string][]string
		from    string
		want    string
		hostErr error
	}{
		{name: "fully qualified host name", host: "mail.vendor.test", from: "support@vendor.test", want: "mail.vendor.test"},
		{name: "canonical name", host: "vm", cname: "vm.lan.vendor.test.", from: "support@vendor.test", want: "vm.lan.vendor.test"},
		{name: "reverse lookup", host: "vm", cname: "vm", addrs: []string{"127.0.1.1", "192.0.2.7"},
			ptr: map[string][]string{"127.0.1.1": {"localhost."}, "192.0.2.7": {"vm.vendor.test."}}, from: "support@vendor.test", want: "vm.vendor.test"},
		{name: "bare host name, lookups fail: the domain of from", host: "vm", from: "Support@Vendor.Test", want: "vendor.test"},
		{name: "localhost.localdomain", host: "localhost.localdomain", from: "support@vendor.test", want: "vendor.test"},
		{name: "no host name", hostErr: fail, from: "support@vendor.test", want: "vendor.test"},
		{name: "nothing qualified", host: "vm", from: "support@localhost", want: "[127.0.0.1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := heloLookups{
				hostname: func() (string, error) { return tt.host, tt.hostErr },
				lookupCNAME: func(context.Context, string) (string, error) {
					if tt.cname == "" {
						return "", fail
					}
					return tt.cname, nil
				},
				lookupHost: func(context.Context, string) ([]string, error) {
					if tt.addrs == nil {
						return nil, fail
					}
					return tt.addrs, nil
				},
				lookupAddr: func(_ context.Context, a string) ([]string, error) {
					if names, ok := tt.ptr[a]; ok {
						return names, nil
					}
					return nil, fail
				},
			}
			if got := l.heloName(t.Context(), tt.from); got != tt.want {
				t.Errorf("EHLO name %q, want %q", got, tt.want)
			}
		})
	}
}

// Without smtp.helo_name the sender greets with a fully qualified name.
func TestSenderDefaultsToQualifiedHelo(t *testing.T) {
	s, err := NewSender(SMTPConfig{Address: "127.0.0.1:25", Security: SecurityNone, EnvelopeFrom: "support@vendor.test"})
	if err != nil {
		t.Fatal(err)
	}
	if h := s.cfg.HeloName; !fqdn(h) && h != "[127.0.0.1]" {
		t.Errorf("default EHLO name %q is not fully qualified", h)
	}
}
