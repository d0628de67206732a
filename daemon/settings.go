package daemon

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/inbox"
	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/metrics"
	"github.com/ticketd/ticketd/outbox"
	"github.com/ticketd/ticketd/receipt"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
	"github.com/ticketd/ticketd/webhook"
)

// This file is where the configuration becomes the libraries' settings,
// section by section; nothing else in the daemon reads config fields.

// SMTPConfig is the smtp section as the sender's settings (without the
// OAuth2 token, which the caller adds).
func SMTPConfig(cfg *config.Config) receipt.SMTPConfig {
	return receipt.SMTPConfig{
		Address:            cfg.SMTP.Address,
		Security:           cfg.SMTP.Security,
		InsecureSkipVerify: cfg.SMTP.InsecureSkipVerify,
		Username:           cfg.SMTP.Username,
		Password:           cfg.SMTP.Password,
		EnvelopeFrom:       cfg.SMTP.EnvelopeFrom,
		HeloName:           cfg.SMTP.HeloName,
		From:               cfg.SMTP.From,
		Timeout:            cfg.SMTP.Timeout,
	}
}

// IMAPConfig is the imap section as the mailbox's settings (without the
// OAuth2 login, see inbox.Dial).
func IMAPConfig(cfg *config.Config, log *slog.Logger) mailbox.Config {
	return mailbox.Config{
		Address:            cfg.IMAP.Address,
		Security:           cfg.IMAP.Security,
		InsecureSkipVerify: cfg.IMAP.InsecureSkipVerify,
		Username:           cfg.IMAP.Username,
		Password:           cfg.IMAP.Password,
		Mailbox:            cfg.IMAP.Mailbox,
		ProcessedMailbox:   cfg.IMAP.ProcessedMailbox,
		QuarantineMailbox:  cfg.IMAP.QuarantineMailbox,
		DialTimeout:        cfg.IMAP.DialTimeout,
		CommandTimeout:     cfg.IMAP.CommandTimeout,
		Logger:             log,
	}
}

// newSender builds the SMTP sender; token, when smtp.oauth2 is set,
// fetches its access token.
func newSender(cfg *config.Config, token func(context.Context) (string, error)) (*receipt.Sender, error) {
	scfg := SMTPConfig(cfg)
	if cfg.SMTP.OAuth2.Enabled() {
		scfg.Token = token
	}
	s, err := receipt.NewSender(scfg)
	if err != nil {
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return s, nil
}

// storeOptions are the store section as the store's options for the
// daemon, its one writer: a file up to store.DefaultCheckMaxSize gets the
// full consistency check at start.
func storeOptions(cfg *config.Config) store.Options {
	return store.Options{Timeout: cfg.Store.LockTimeout, CheckMaxSize: store.DefaultCheckMaxSize}
}

// storeRetention is store.retention as the store's Retention.
func storeRetention(cfg *config.Config) store.Retention {
	r := cfg.Store.Retention
	return store.Retention{TurnedAway: r.TurnedAway, SentEmails: r.SentEmails, ClosedTickets: r.ClosedTickets}
}

// RegistrationSettings are the tickets, smtp (sender's address), receipt,
// rules (rates), limits and security sections as registration's settings;
// `ticketd held release` registers with them when the daemon is down.
func RegistrationSettings(cfg *config.Config, log *slog.Logger) registration.Settings {
	s := registration.Settings{
		Prefix:                         cfg.Tickets.Prefix,
		From:                           cfg.SMTP.From,
		FromName:                       cfg.SMTP.FromName,
		HowToReach:                     cfg.Receipt.HowToReach.Text(),
		MaxAutoRepliesPerHour:          cfg.Receipt.MaxPerSenderPerHour,
		MaxRejectionsPerHour:           cfg.Receipt.MaxRejectionsPerHour,
		MaxNewTicketsPerContactPerHour: cfg.Rules.MaxNewTicketsPerContactPerHour,
		Limits:                         cfg.IntakeLimits(),
		Desk:                           deskSettings(cfg),
		Log:                            log,
	}
	if cfg.Security.VerifyDKIM {
		s.Auth = registration.NewAuthenticator(cfg.Security.TrustedAuthServIDs, nil)
	}
	return s
}

// deskSettings are desk.* and webhooks[] as registration's Desk.
func deskSettings(cfg *config.Config) registration.Desk {
	agents := make(map[string]string, len(cfg.Desk.Agents))
	for _, a := range cfg.Desk.Agents {
		agents[strings.ToLower(strings.TrimSpace(a.Email))] = a.Name
	}
	return registration.Desk{
		TeamAddresses:      cfg.Desk.TeamAddresses,
		Agents:             agents,
		ClosingEmail:       cfg.Desk.ClosingEmail,
		MaxAttachmentBytes: cfg.Desk.NotificationMaxAttachmentBytes,
		Webhooks:           cfg.WebhookEndpoints(),
		ConsoleURL:         consoleURL(cfg.Console.BaseURL),
	}
}

// consoleURL is console.base_url ending in "/" ("" when unset).
func consoleURL(base string) string {
	if base == "" || strings.HasSuffix(base, "/") {
		return base
	}
	return base + "/"
}

// inboxOptions are the imap section as the inbox worker's options; the
// caller adds the parts (registrar, store, outbox, metrics).
func inboxOptions(cfg *config.Config, log *slog.Logger) inbox.Options {
	return inbox.Options{
		Mailbox:         IMAPConfig(cfg, log),
		BatchSize:       cfg.IMAP.BatchSize,
		MaxMessageBytes: cfg.IMAP.MaxMessageBytes,
		PollInterval:    cfg.IMAP.PollInterval,
		IdleTimeout:     cfg.IMAP.IdleTimeout,
		ReconnectMin:    cfg.IMAP.ReconnectMin,
		ReconnectMax:    cfg.IMAP.ReconnectMax,
		Log:             log,
	}
}

// outboxOptions are the smtp and receipt sections as the outbox worker's
// options, with SMTP receipts as its destination.
func outboxOptions(cfg *config.Config, db *store.DB, sender *receipt.Sender, m *metrics.Metrics, log *slog.Logger) outbox.Options {
	return outbox.Options{
		Store:       db,
		Destination: &outbox.SMTP{Sender: sender, Connections: cfg.SMTP.Connections, Metrics: m},
		Retry:       outbox.Retry{Min: cfg.Receipt.RetryMin, Max: cfg.Receipt.RetryMax, MaxAge: cfg.Receipt.MaxRetryAge},
		Connections: cfg.SMTP.Connections,
		ExceptKinds: []string{webhook.OutboxKind},
		Metrics:     m,
		Log:         log,
	}
}

// webhookOptions are the webhook worker's options: webhooks[] as its
// destination, the events of the outbox as its items.
func webhookOptions(cfg *config.Config, db *store.DB, m *metrics.Metrics, log *slog.Logger) outbox.Options {
	return outbox.Options{
		Store:       db,
		Destination: webhook.NewDestination(cfg.WebhookEndpoints(), m, log, nil),
		Retry:       webhook.DefaultRetry,
		Kinds:       []string{webhook.OutboxKind},
		Connections: 1,
		Metrics:     m,
		Log:         log,
		Item:        "webhook event",
	}
}
