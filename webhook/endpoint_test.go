package webhook_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/webhook"
)

// Validate refuses what delivery would refuse, naming the field.
func TestValidate(t *testing.T) {
	ok := webhook.Endpoint{Name: "ops", URL: "https://hooks.example/ticketd", Secret: "whsec_" + base64.StdEncoding.EncodeToString([]byte("a test key"))}
	for _, tc := range []struct {
		name string
		edit func(*webhook.Endpoint)
		want string // "" valid; else in the error
	}{
		{"https", func(*webhook.Endpoint) {}, ""},
		{"slack without a secret", func(ep *webhook.Endpoint) { ep.Format, ep.Secret = webhook.FormatSlack, "" }, ""},
		{"teams", func(ep *webhook.Endpoint) { ep.Format = webhook.FormatTeams }, ""},
		{"known events", func(ep *webhook.Endpoint) { ep.Events = []string{webhook.TicketCreated, webhook.MessageHeld} }, ""},
		{"http to loopback, allowed", func(ep *webhook.Endpoint) { ep.URL, ep.AllowPrivate = "http://127.0.0.1:8080/hook", true }, ""},
		{"http to localhost, allowed", func(ep *webhook.Endpoint) { ep.URL, ep.AllowPrivate = "http://localhost:8080/hook", true }, ""},
		{"https to a private address, allowed", func(ep *webhook.Endpoint) { ep.URL, ep.AllowPrivate = "https://10.1.2.3/hook", true }, ""},
		{"no name", func(ep *webhook.Endpoint) { ep.Name = "" }, "no name"},
		{"http to a public host", func(ep *webhook.Endpoint) { ep.URL = "http://hooks.example/ticketd" }, "use https"},
		{"http to a public host, private allowed", func(ep *webhook.Endpoint) { ep.URL, ep.AllowPrivate = "http://hooks.example/ticketd", true }, "use https"},
		{"http to a private address", func(ep *webhook.Endpoint) { ep.URL, ep.AllowPrivate = "http://10.0.0.1/", true }, "use https"},
		{"http to loopback, not allowed", func(ep *webhook.Endpoint) { ep.URL = "http://127.0.0.1:8080/hook" }, "allow_private"},
		{"https to localhost, not allowed", func(ep *webhook.Endpoint) { ep.URL = "https://localhost/hook" }, "allow_private"},
		{"https to a private address", func(ep *webhook.Endpoint) { ep.URL = "https://192.168.1.10/hook" }, "private"},
		{"https to link-local metadata", func(ep *webhook.Endpoint) { ep.URL = "https://169.254.169.254/latest" }, "link-local"},
		{"https to an IPv4-mapped loopback", func(ep *webhook.Endpoint) { ep.URL = "https://[::ffff:127.0.0.1]/" }, "loopback"},
		{"plain http to Slack", func(ep *webhook.Endpoint) {
			ep.URL, ep.Format = "http://hooks.slack.com/services/T000/B000/XXXXsecretXXXX", webhook.FormatSlack
		}, "use https"},
		{"ftp", func(ep *webhook.Endpoint) { ep.URL = "ftp://hooks.example/" }, "scheme"},
		{"relative URL", func(ep *webhook.Endpoint) { ep.URL = "/hooks" }, "no host"},
		{"unparsable URL", func(ep *webhook.Endpoint) { ep.URL = "https://hooks.example/%zz" }, "url"},
		{"standard without a secret", func(ep *webhook.Endpoint) { ep.Secret = "" }, "secret"},
		{"secret without whsec_", func(ep *webhook.Endpoint) { ep.Secret = "c2VjcmV0" }, "whsec_"},
		{"secret not base64", func(ep *webhook.Endpoint) { ep.Secret = "whsec_not*base64" }, "base64"},
		{"empty secret key", func(ep *webhook.Endpoint) { ep.Secret = "whsec_" }, "secret"},
		{"unknown format", func(ep *webhook.Endpoint) { ep.Format = "discord" }, "format"},
		{"unknown event", func(ep *webhook.Endpoint) { ep.Events = []string{"ticket.create"} }, "ticket.create"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ep := ok
			tc.edit(&ep)
			err := ep.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tc.want != "" && (!errors.Is(err, webhook.ErrInvalidEndpoint) || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Validate = %v, want ErrInvalidEndpoint mentioning %q", err, tc.want)
			case err != nil && ep.Secret != "" && len(ep.Secret) > len("whsec_") && strings.Contains(err.Error(), ep.Secret):
				t.Errorf("the error quotes the secret: %v", err)
			case err != nil && strings.Contains(err.Error(), "secretXXXX"):
				t.Errorf("the error quotes the URL's path, a Slack or Teams credential: %v", err)
			}
		})
	}
	if err := webhook.ValidateEndpoints([]webhook.Endpoint{ok, ok}); !errors.Is(err, webhook.ErrInvalidEndpoint) || !strings.Contains(err.Error(), "twice") {
		t.Errorf("ValidateEndpoints with a name twice = %v", err)
	}
}
