package config

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/loopback"
)

// dateLayout is the layout of plan_start and warranty_until.
const dateLayout = "2006-01-02"

// fieldError names the file and the key a problem was found at.
func (c *Config) fieldError(key, format string, args ...any) error {
	return fmt.Errorf("config %s: %s: %s", c.File, key, fmt.Sprintf(format, args...))
}

var prefixPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,9}$`)

// Validate checks what every command needs: tickets, rules and
// organizations. Every error names the key and the file.
func (c *Config) Validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if !prefixPattern.MatchString(c.Tickets.Prefix) {
		add(c.fieldError("tickets.prefix", "%q must be 1 to 10 upper-case letters or digits, starting with a letter", c.Tickets.Prefix))
	}
	if c.Rules.SubjectMinWords < 1 {
		add(c.fieldError("rules.subject_min_words", "must be at least 1"))
	}
	if c.Rules.MaxNewTicketsPerContactPerHour < 0 {
		add(c.fieldError("rules.max_new_tickets_per_contact_per_hour", "must not be negative (0 turns the rate off)"))
	}
	if c.Rules.DescriptionMinWords < 1 {
		add(c.fieldError("rules.description_min_words", "must be at least 1"))
	}
	for i, p := range c.Rules.DocumentURLPatterns {
		if _, err := regexp.Compile(p); err != nil {
			add(c.fieldError(fmt.Sprintf("rules.document_url_patterns[%d]", i), "bad regular expression: %v", err))
		}
	}
	switch c.Log.Format {
	case "auto", "text", "json":
	default:
		add(c.fieldError("log.format", "%q is not one of auto, text, json", c.Log.Format))
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		add(c.fieldError("log.level", "%q is not one of debug, info, warn, error", c.Log.Level))
	}
	for i, id := range c.Security.TrustedAuthServIDs {
		if strings.TrimSpace(id) == "" || strings.ContainsAny(id, " ;\t") {
			add(c.fieldError(fmt.Sprintf("security.trusted_authserv_ids[%d]", i), "%q is not an authserv-id (a host name such as mx.example.com)", id))
		}
	}
	if c.Security.RequireAuthenticated() && len(c.Security.TrustedAuthServIDs) == 0 && !c.Security.VerifyDKIM {
		add(c.fieldError("security.require_authenticated_sender", "needs security.trusted_authserv_ids or security.verify_dkim: nothing could authenticate a sender"))
	}
	c.validateDesk(add)
	c.validateConsole(add)
	for key, v := range map[string]int64{
		"limits.max_header_bytes": int64(c.Limits.MaxHeaderBytes), "limits.max_parts": int64(c.Limits.MaxParts),
		"limits.max_depth": int64(c.Limits.MaxDepth), "limits.max_attachments": int64(c.Limits.MaxAttachments),
		"limits.max_decoded_bytes": c.Limits.MaxDecodedBytes, "limits.max_text_bytes": int64(c.Limits.MaxTextBytes),
		"limits.max_urls": int64(c.Limits.MaxURLs), "limits.max_duration": int64(c.Limits.MaxDuration),
		"limits.max_inspect_bytes": c.Limits.MaxInspectBytes, "limits.max_inspect_entries": int64(c.Limits.MaxInspectEntries),
		"limits.max_inspect_text": int64(c.Limits.MaxInspectText),
	} {
		if v < 0 {
			add(c.fieldError(key, "must not be negative (0 takes the default)"))
		}
	}
	add(c.validateOrganizations())
	add(c.validateSupportAddresses())
	return errors.Join(errs...)
}

func (c *Config) validateOrganizations() error {
	var errs []error
	if len(c.Organizations) == 0 {
		errs = append(errs, c.fieldError("organizations", "at least one organization is required"))
	}
	ids := map[string]int{}
	contacts := map[string]string{}
	for i, o := range c.Organizations {
		key := fmt.Sprintf("organizations[%d]", i)
		if o.ID == "" {
			errs = append(errs, c.fieldError(key+".id", "required"))
		} else if j, dup := ids[o.ID]; dup {
			errs = append(errs, c.fieldError(key+".id", "%q duplicates organizations[%d]", o.ID, j))
		}
		ids[o.ID] = i
		if o.TicketsIncluded < 0 {
			errs = append(errs, c.fieldError(key+".tickets_included", "must not be negative"))
		}
		switch o.PlanPeriod {
		case "", "monthly", "yearly":
		default:
			errs = append(errs, c.fieldError(key+".plan_period", "%q is not monthly or yearly", o.PlanPeriod))
		}
		switch o.OverPlan {
		case "", "register", "reject":
		default:
			errs = append(errs, c.fieldError(key+".over_plan", "%q is not register or reject", o.OverPlan))
		}
		for _, d := range []struct{ name, value string }{{"plan_start", o.PlanStart}, {"warranty_until", o.WarrantyUntil}} {
			if d.value == "" {
				continue
			}
			if _, err := time.Parse(dateLayout, d.value); err != nil {
				errs = append(errs, c.fieldError(key+"."+d.name, "%q is not a date (YYYY-MM-DD)", d.value))
			}
		}
		for _, m := range o.ContactMethods {
			switch m {
			case "email", "phone", "portal", "chat":
			default:
				errs = append(errs, c.fieldError(key+".contact_methods", "%q is not one of email, phone, portal, chat", m))
			}
		}
		if len(o.Contacts) == 0 {
			errs = append(errs, c.fieldError(key+".contacts", "at least one contact is required"))
		}
		for k, ct := range o.Contacts {
			ckey := fmt.Sprintf("%s.contacts[%d].email", key, k)
			addr := strings.ToLower(strings.TrimSpace(ct.Email))
			if !plausibleAddress(addr) {
				errs = append(errs, c.fieldError(ckey, "%q is not an email address", ct.Email))
				continue
			}
			if prev, dup := contacts[addr]; dup {
				errs = append(errs, c.fieldError(ckey, "duplicate contact %s (already at %s)", addr, prev))
				continue
			}
			contacts[addr] = ckey
		}
	}
	return errors.Join(errs...)
}

// validateSupportAddresses refuses a support address that is also a
// contact: mail from ticketd's own addresses is treated as a loop and
// ignored, so that contact could never open a ticket.
func (c *Config) validateSupportAddresses() error {
	contacts := map[string]string{}
	for i, o := range c.Organizations {
		for k, ct := range o.Contacts {
			contacts[strings.ToLower(strings.TrimSpace(ct.Email))] = fmt.Sprintf("organizations[%d].contacts[%d]", i, k)
		}
	}
	var errs []error
	for i, a := range c.Rules.SupportAddresses {
		if at, ok := contacts[strings.ToLower(strings.TrimSpace(a))]; ok {
			errs = append(errs, c.fieldError(fmt.Sprintf("rules.support_addresses[%d]", i), "%s is also a contact (%s): its mail would be ignored as a loop", a, at))
		}
	}
	return errors.Join(errs...)
}

// ValidateDaemon checks what `ticketd run` and the commands that talk to
// the servers or open the store need on top of Validate.
func (c *Config) ValidateDaemon() error {
	var errs []error
	add := func(key, format string, args ...any) {
		errs = append(errs, c.fieldError(key, format, args...))
	}
	if _, _, err := net.SplitHostPort(c.IMAP.Address); err != nil {
		add("imap.address", "%q is not host:port", c.IMAP.Address)
	}
	if !oneOf(c.IMAP.Security, "tls", "starttls", "none") {
		add("imap.security", "%q is not one of tls, starttls, none", c.IMAP.Security)
	}
	if c.IMAP.Username == "" {
		add("imap.username", "required")
	}
	for key, o := range map[string]OAuth2{"imap.oauth2": c.IMAP.OAuth2, "smtp.oauth2": c.SMTP.OAuth2} {
		if !o.Enabled() {
			continue
		}
		if err := o.TokenConfig(key).Validate(); err != nil {
			errs = append(errs, fmt.Errorf("config %s: %w", c.File, err))
		}
	}
	if c.SMTP.OAuth2.Enabled() && c.SMTP.Username == "" {
		add("smtp.username", "required with smtp.oauth2")
	}
	for key, v := range map[string]string{"imap.mailbox": c.IMAP.Mailbox, "imap.processed_mailbox": c.IMAP.ProcessedMailbox, "imap.quarantine_mailbox": c.IMAP.QuarantineMailbox} {
		if v == "" {
			add(key, "required")
		}
	}
	if c.IMAP.ProcessedMailbox == c.IMAP.Mailbox || c.IMAP.QuarantineMailbox == c.IMAP.Mailbox || c.IMAP.ProcessedMailbox == c.IMAP.QuarantineMailbox {
		add("imap.processed_mailbox", "mailbox, processed_mailbox and quarantine_mailbox must differ")
	}
	if c.IMAP.PollInterval < time.Second {
		add("imap.poll_interval", "must be at least 1s")
	}
	if c.SMTP.Connections < 1 || c.SMTP.Connections > 16 {
		add("smtp.connections", "must be from 1 to 16")
	}
	if c.IMAP.BatchSize < 1 || c.IMAP.BatchSize > 1000 {
		add("imap.batch_size", "must be from 1 to 1000")
	}
	if c.IMAP.MaxMessageBytes < 1024 {
		add("imap.max_message_bytes", "must be at least 1024")
	}
	if c.IMAP.ReconnectMin <= 0 || c.IMAP.ReconnectMax < c.IMAP.ReconnectMin {
		add("imap.reconnect_max", "reconnect_min must be positive and reconnect_max at least reconnect_min")
	}
	if _, _, err := net.SplitHostPort(c.SMTP.Address); err != nil {
		add("smtp.address", "%q is not host:port", c.SMTP.Address)
	}
	if !oneOf(c.SMTP.Security, "tls", "starttls", "none") {
		add("smtp.security", "%q is not one of tls, starttls, none", c.SMTP.Security)
	}
	if !plausibleAddress(strings.ToLower(c.SMTP.From)) {
		add("smtp.from", "%q is not an email address", c.SMTP.From)
	}
	if c.Store.Path == "" {
		add("store.path", "required")
	}
	for key, d := range map[string]time.Duration{
		"store.retention.turned_away":    c.Store.Retention.TurnedAway,
		"store.retention.sent_emails":    c.Store.Retention.SentEmails,
		"store.retention.closed_tickets": c.Store.Retention.ClosedTickets,
	} {
		if d < 0 || (d > 0 && d < time.Hour) {
			add(key, "%s: must be 0 (keep forever) or at least 1h", d)
		}
	}
	if c.Receipt.MaxPerSenderPerHour < 0 {
		add("receipt.max_per_sender_per_hour", "must not be negative")
	}
	if c.Receipt.MaxRejectionsPerHour < 0 {
		add("receipt.max_rejections_per_hour", "must not be negative (0: no cap)")
	}
	if c.Receipt.MaxRetryAge <= 0 {
		add("receipt.max_retry_age", "must be positive")
	}
	if c.Receipt.RetryMin <= 0 || c.Receipt.RetryMax < c.Receipt.RetryMin {
		add("receipt.retry_max", "retry_min must be positive and retry_max at least retry_min")
	}
	if c.Admin.Listen != "" {
		if host, _, err := net.SplitHostPort(c.Admin.Listen); err != nil {
			add("admin.listen", "%q is not host:port", c.Admin.Listen)
		} else if !loopback.Host(host) {
			// The admin API has no authentication: `ticketd run` refuses
			// to listen anywhere else, so check-config does too.
			add("admin.listen", "%q is not a loopback address (127.0.0.1, ::1 or localhost): the admin API has no authentication", c.Admin.Listen)
		}
	}
	return errors.Join(errs...)
}

// ValidateStore checks what the commands that only open the store need.
func (c *Config) ValidateStore() error {
	if c.Store.Path == "" {
		return c.fieldError("store.path", "required")
	}
	return nil
}

func oneOf(v string, options ...string) bool {
	for _, o := range options {
		if v == o {
			return true
		}
	}
	return false
}

// plausibleAddress is a light syntax check of an addr-spec: one @, a
// non-empty local part and a domain with a dot, no spaces.
func plausibleAddress(a string) bool {
	at := strings.LastIndexByte(a, '@')
	if at <= 0 || at == len(a)-1 || strings.ContainsAny(a, " \t\r\n<>,") {
		return false
	}
	return strings.Contains(a[at+1:], ".")
}
