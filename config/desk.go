package config

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/ticketd/ticketd/webhook"
)

// Desk configures the support team's side: who hears of tickets and who
// may answer them by email.
type Desk struct {
	// TeamAddresses receive a notification for each new ticket, each
	// ticket that becomes complete, each customer follow-up and each
	// ticket abandoned in needs_info. Empty: no notifications.
	TeamAddresses []string `mapstructure:"team_addresses"`
	// Agents may answer a notification by email: the answer is relayed
	// to the customer, "#note" records an internal note, "#close" and
	// "#warranty" act on the ticket.
	Agents []Agent `mapstructure:"agents"`
	// NeedsInfoReminderAfter is how long a needs_info ticket waits for
	// the customer before the customer is reminded once and the team
	// told (0: never).
	NeedsInfoReminderAfter time.Duration `mapstructure:"needs_info_reminder_after"`
	// ClosingEmail sends the customer a short email when a ticket is
	// closed (on by default).
	ClosingEmail bool `mapstructure:"closing_email"`
	// NotificationMaxAttachmentBytes caps the customer's attachments a
	// notification carries, all together; over it they are listed with
	// a note instead (0: never carried).
	NotificationMaxAttachmentBytes int64 `mapstructure:"notification_max_attachment_bytes"`
}

// Agent is one person of the support team who may answer by email.
type Agent struct {
	Email string `mapstructure:"email"`
	Name  string `mapstructure:"name"`
}

// Webhook is one endpoint of webhooks[].
type Webhook struct {
	Name         string   `mapstructure:"name"`
	URL          string   `mapstructure:"url"`
	Secret       string   `mapstructure:"secret"`
	SecretFile   string   `mapstructure:"secret_file"`
	Events       []string `mapstructure:"events"`
	Format       string   `mapstructure:"format"` // standard | slack | teams
	AllowPrivate bool     `mapstructure:"allow_private"`
}

// WebhookEndpoints are webhooks[] as the webhook package's endpoints,
// each named (its URL's host when unnamed).
func (c *Config) WebhookEndpoints() []webhook.Endpoint {
	out := make([]webhook.Endpoint, 0, len(c.Webhooks))
	for _, w := range c.Webhooks {
		out = append(out, webhook.Endpoint{
			Name: w.EndpointName(), URL: w.URL, Secret: w.Secret, Events: w.Events,
			Format: w.Format, AllowPrivate: w.AllowPrivate,
		})
	}
	return out
}

// EndpointName is the endpoint's name, or its URL's host when unnamed.
func (w Webhook) EndpointName() string {
	if w.Name != "" {
		return w.Name
	}
	rest := w.URL
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// validateDesk checks desk.* and webhooks[].
func (c *Config) validateDesk(add func(error)) {
	own := append([]string{c.SMTP.From}, c.Rules.SupportAddresses...)
	for i, a := range c.Desk.TeamAddresses {
		key := fmt.Sprintf("desk.team_addresses[%d]", i)
		switch {
		case !bareAddress(a):
			add(c.fieldError(key, "%q is not a bare email address", a))
		case containsFold(own, a):
			add(c.fieldError(key, "%q is ticketd's own address (smtp.from or rules.support_addresses): notifications would come back as mail to judge", a))
		}
	}
	seen := map[string]bool{}
	for i, a := range c.Desk.Agents {
		key := strings.ToLower(strings.TrimSpace(a.Email))
		switch {
		case !bareAddress(a.Email):
			add(c.fieldError(fmt.Sprintf("desk.agents[%d].email", i), "%q is not a bare email address", a.Email))
		case seen[key]:
			add(c.fieldError(fmt.Sprintf("desk.agents[%d].email", i), "%q is listed twice", a.Email))
		}
		seen[key] = true
		for _, o := range c.Organizations {
			for _, ct := range o.Contacts {
				if strings.EqualFold(strings.TrimSpace(ct.Email), key) {
					add(c.fieldError(fmt.Sprintf("desk.agents[%d].email", i), "%q is also a contact of organization %q: an agent cannot be a customer", a.Email, o.ID))
				}
			}
		}
	}
	if c.Desk.NeedsInfoReminderAfter < 0 {
		add(c.fieldError("desk.needs_info_reminder_after", "must not be negative (0 turns reminders off)"))
	}
	if c.Desk.NotificationMaxAttachmentBytes < 0 {
		add(c.fieldError("desk.notification_max_attachment_bytes", "must not be negative (0 carries no attachments)"))
	}
	names := map[string]bool{}
	for i, ep := range c.WebhookEndpoints() {
		key := fmt.Sprintf("webhooks[%d]", i)
		if names[ep.Name] {
			add(c.fieldError(key+".name", "%q names two endpoints: give each its own name", ep.Name))
		}
		names[ep.Name] = true
		if err := ep.Validate(); err != nil {
			add(c.fieldError(key, "%v", err))
		}
	}
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(strings.TrimSpace(x), strings.TrimSpace(s)) {
			return true
		}
	}
	return false
}

// bareAddress reports whether s is one address without a display name.
func bareAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Name == "" && strings.EqualFold(a.Address, strings.TrimSpace(s))
}
