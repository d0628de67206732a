package webhook

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Validate checks the endpoint as configured: an absolute https URL (http
// only on loopback, with AllowPrivate), a known format and event types,
// and for the standard format a "whsec_" secret.
func (ep Endpoint) Validate() error {
	u, err := url.Parse(ep.URL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("url %q is not an absolute URL", ep.URL)
	}
	host := u.Hostname()
	loopback := host == "localhost"
	if ip := net.ParseIP(host); ip != nil {
		loopback = ip.IsLoopback()
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && loopback && ep.AllowPrivate:
	case u.Scheme == "http" && loopback:
		return fmt.Errorf("url %q is on loopback: set allow_private: true", ep.URL)
	default:
		return fmt.Errorf("url %q must be https (http only on loopback)", ep.URL)
	}
	switch ep.Format {
	case "", FormatStandard:
		if _, err := SecretKey(ep.Secret); err != nil {
			return err
		}
	case FormatSlack, FormatTeams:
	default:
		return fmt.Errorf("format %q is not one of standard, slack, teams", ep.Format)
	}
	for _, e := range ep.Events {
		if !knownEvent(e) {
			return fmt.Errorf("event %q is not one of %s", e, strings.Join(AllEvents, ", "))
		}
	}
	return nil
}

// AllEvents lists every event type.
var AllEvents = []string{TicketCreated, TicketCompleted, TicketCustomerReplied, TicketAgentReplied,
	TicketNoteAdded, TicketClosed, MessageRejected, MessageHeld}

func knownEvent(e string) bool {
	for _, k := range AllEvents {
		if k == e {
			return true
		}
	}
	return false
}

// SecretKey decodes a "whsec_<base64>" secret into the HMAC key.
func SecretKey(secret string) ([]byte, error) {
	b64, ok := strings.CutPrefix(secret, "whsec_")
	if !ok {
		return nil, errors.New(`secret must be "whsec_" followed by base64 (at least 24 random bytes)`)
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(key) < 24 {
		return nil, errors.New(`secret must be "whsec_" followed by base64 of at least 24 random bytes`)
	}
	return key, nil
}
