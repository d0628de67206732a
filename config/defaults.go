package config

import (
	"slices"
	"time"

	"github.com/ticketd/ticketd/rules"
)

// Default returns the configuration every file is read over.
func Default() Config {
	return Config{
		Log:     Log{Level: "info", Format: "auto"},
		Tickets: Tickets{Prefix: "SUP"},
		Rules: Rules{
			SubjectMinWords:     3,
			DescriptionMinWords: 20,
			EvidenceHosts:       slices.Clone(rules.DefaultEvidenceHosts),
			PlusAddressing:      true,

			MaxNewTicketsPerContactPerHour: 10,
		},
		IMAP: IMAP{
			Security:          "tls",
			Mailbox:           "INBOX",
			ProcessedMailbox:  "Processed",
			QuarantineMailbox: "Quarantine",
			PollInterval:      60 * time.Second,
			IdleTimeout:       25 * time.Minute,
			MaxMessageBytes:   50 << 20,
			BatchSize:         64,
			DialTimeout:       15 * time.Second,
			CommandTimeout:    2 * time.Minute,
			ReconnectMin:      time.Second,
			ReconnectMax:      5 * time.Minute,
		},
		SMTP: SMTP{
			Security:    "starttls",
			Timeout:     30 * time.Second,
			Connections: 2,
		},
		Store: Store{
			Path:        "/var/lib/ticketd/ticketd.db",
			LockTimeout: 3 * time.Second,
			Retention:   StoreRetention{TurnedAway: 720 * time.Hour, SentEmails: 2160 * time.Hour},
		},
		Receipt: Receipt{
			MaxPerSenderPerHour:  20,
			MaxRejectionsPerHour: 30,
			MaxRetryAge:          72 * time.Hour,
			RetryMin:             30 * time.Second,
			RetryMax:             time.Hour,
			StuckAfter:           time.Hour,
			HowToReach: Localized{
				EN: "Please ask one of your organization's authorized support contacts to email us, or call the support phone line included in your plan.",
				ES: "Pida a uno de los contactos de soporte autorizados de su organización que nos escriba, o llame a la línea telefónica de soporte incluida en su plan.",
			},
		},
		Admin:   Admin{Listen: "127.0.0.1:9120"},
		Console: Console{SessionIdle: 12 * time.Hour},
		Desk: Desk{
			NeedsInfoReminderAfter:         72 * time.Hour,
			ClosingEmail:                   true,
			NotificationMaxAttachmentBytes: 10 << 20,
		},
	}
}
