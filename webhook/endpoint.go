package webhook

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strings"

	"github.com/ticketd/ticketd/internal/loopback"
)

// ErrInvalidEndpoint is returned (wrapped) by Endpoint.Validate, and by
// delivery to an endpoint that does not pass it: its items fail for good.
var ErrInvalidEndpoint = errors.New("webhook: invalid endpoint")

// EventTypes are every event type, in the order of the documentation.
// Endpoint.Events may name only these.
var EventTypes = []string{
	TicketCreated, TicketCompleted, TicketCustomerReplied, TicketAgentReplied,
	TicketNoteAdded, TicketClosed, MessageRejected, MessageHeld,
}

// secretPrefix starts every Standard Webhooks secret.
const secretPrefix = "whsec_"

// Validate reports the first thing wrong with the endpoint: no name, a URL
// that is not absolute https (plain http only to a loopback host, with
// AllowPrivate), a loopback, private or reserved IP address (or
// "localhost") without AllowPrivate, an unknown format or event type, or a
// missing or malformed secret for FormatStandard. The error wraps
// ErrInvalidEndpoint and names the field; it never quotes the secret.
// Names that resolve to a private address are caught at connect time.
func (ep Endpoint) Validate() error {
	if ep.Name == "" {
		return fmt.Errorf("%w: no name (url %s)", ErrInvalidEndpoint, origin(ep.URL))
	}
	if err := ep.validateURL(); err != nil {
		return fmt.Errorf("%w %q: url: %w", ErrInvalidEndpoint, ep.Name, err)
	}
	switch ep.Format {
	case "", FormatStandard:
		if _, err := ep.key(); err != nil {
			return fmt.Errorf("%w %q: secret: %w", ErrInvalidEndpoint, ep.Name, err)
		}
	case FormatSlack, FormatTeams:
	default:
		return fmt.Errorf("%w %q: format %q: want %s, %s or %s", ErrInvalidEndpoint, ep.Name, ep.Format, FormatStandard, FormatSlack, FormatTeams)
	}
	for _, typ := range ep.Events {
		if !slices.Contains(EventTypes, typ) {
			return fmt.Errorf("%w %q: events: unknown event type %q", ErrInvalidEndpoint, ep.Name, typ)
		}
	}
	return nil
}

// ValidateEndpoints validates each endpoint and that no two share a name
// (the outbox addresses events by name).
func ValidateEndpoints(endpoints []Endpoint) error {
	seen := make(map[string]bool, len(endpoints))
	for i, ep := range endpoints {
		if err := ep.Validate(); err != nil {
			return fmt.Errorf("webhooks[%d]: %w", i, err)
		}
		if seen[ep.Name] {
			return fmt.Errorf("webhooks[%d]: %w: name %q used twice", i, ErrInvalidEndpoint, ep.Name)
		}
		seen[ep.Name] = true
	}
	return nil
}

// validateURL checks the URL. Its errors show the scheme and host only:
// the path of a Slack or Teams webhook URL is its credential.
func (ep Endpoint) validateURL() error {
	u, err := url.Parse(ep.URL)
	if err != nil {
		return redact(err)
	}
	at := origin(ep.URL)
	host := u.Hostname()
	if host == "" {
		return fmt.Errorf("%s has no host", at)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !loopback.Host(host) {
			return fmt.Errorf("%s: plain http is allowed only to a loopback host; use https", at)
		}
	default:
		return fmt.Errorf("%s: scheme %q, want https", at, u.Scheme)
	}
	if ep.AllowPrivate {
		return nil
	}
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return fmt.Errorf("%s: host %s is loopback; set allow_private to use it", at, host)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if why := forbidden(ip); why != "" {
			return fmt.Errorf("%s: address %s is %s; set allow_private to use it", at, host, why)
		}
	}
	return nil
}

// origin returns the scheme and host of a URL, for messages: "https://hooks.slack.com".
func origin(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(unparsable or relative URL)"
	}
	return u.Scheme + "://" + u.Host
}

// key returns the HMAC key of the secret: the base64 after "whsec_".
func (ep Endpoint) key() ([]byte, error) {
	b64, ok := strings.CutPrefix(ep.Secret, secretPrefix)
	if !ok {
		return nil, fmt.Errorf("want %q followed by base64", secretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("not base64 after %q: %w", secretPrefix, err)
	}
	if len(key) == 0 {
		return nil, errors.New("empty key")
	}
	return key, nil
}

// redact drops the URL from an error of the HTTP client: a Slack or
// Teams webhook URL is itself the credential, and errors are logged and
// stored with the item.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
