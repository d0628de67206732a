package config

import (
	"time"

	"github.com/ticketd/ticketd/rules"
)

// Config is the whole configuration file. Field tags name the YAML keys.
type Config struct {
	Log           Log            `mapstructure:"log"`
	Tickets       Tickets        `mapstructure:"tickets"`
	Rules         Rules          `mapstructure:"rules"`
	IMAP          IMAP           `mapstructure:"imap"`
	SMTP          SMTP           `mapstructure:"smtp"`
	Store         Store          `mapstructure:"store"`
	Receipt       Receipt        `mapstructure:"receipt"`
	Admin         Admin          `mapstructure:"admin"`
	Security      Security       `mapstructure:"security"`
	Limits        Limits         `mapstructure:"limits"`
	Desk          Desk           `mapstructure:"desk"`
	Console       Console        `mapstructure:"console"`
	Webhooks      []Webhook      `mapstructure:"webhooks"`
	Organizations []Organization `mapstructure:"organizations"`

	// File is the path the configuration was read from ("" for defaults).
	File string `mapstructure:"-"`
}

// Log configures logging.
type Log struct {
	Level  string `mapstructure:"level"`  // debug | info | warn | error
	Format string `mapstructure:"format"` // auto | text | json
}

// Tickets configures ticket numbering.
type Tickets struct {
	Prefix string `mapstructure:"prefix"`
}

// Rules holds the rule settings.
type Rules struct {
	SubjectMinWords     int      `mapstructure:"subject_min_words"`
	DescriptionMinWords int      `mapstructure:"description_min_words"`
	DocumentURLPatterns []string `mapstructure:"document_url_patterns"`
	// Keywords extend the shipped English and Spanish keyword sets.
	Keywords Keywords `mapstructure:"keywords"`
	// SupportAddresses are ticketd's own addresses (mail from them is a loop).
	SupportAddresses []string `mapstructure:"support_addresses"`
	// EvidenceHosts are the recording and file-share hosts whose links
	// count as evidence and as an upload's files.
	EvidenceHosts []string `mapstructure:"evidence_hosts"`
	// PlusAddressing makes alice+tag@ count as the contact alice@.
	PlusAddressing bool `mapstructure:"plus_addressing"`
	// MaxNewTicketsPerContactPerHour holds a contact's new tickets beyond
	// it in any hour (sub-addresses count as their contact) for support to
	// release; 0 turns the rate off.
	MaxNewTicketsPerContactPerHour int `mapstructure:"max_new_tickets_per_contact_per_hour"`
}

// Keywords are extra words for each keyword set of the rules.
type Keywords struct {
	GenericSubject []string `mapstructure:"generic_subject"`
	Incident       []string `mapstructure:"incident"`
	APIError       []string `mapstructure:"api_error"`
	Upload         []string `mapstructure:"upload"`
	BulkUpload     []string `mapstructure:"bulk_upload"`
	Document       []string `mapstructure:"document"`
	SelfService    []string `mapstructure:"self_service"`
	Question       []string `mapstructure:"question"`
	MultipleIssues []string `mapstructure:"multiple_issues"`
}

// IMAP configures the support mailbox.
type IMAP struct {
	Address            string        `mapstructure:"address"`
	Security           string        `mapstructure:"security"` // tls | starttls | none
	InsecureSkipVerify bool          `mapstructure:"insecure_skip_verify"`
	Username           string        `mapstructure:"username"`
	Password           string        `mapstructure:"password"`
	PasswordFile       string        `mapstructure:"password_file"`
	Mailbox            string        `mapstructure:"mailbox"`
	ProcessedMailbox   string        `mapstructure:"processed_mailbox"`
	QuarantineMailbox  string        `mapstructure:"quarantine_mailbox"`
	PollInterval       time.Duration `mapstructure:"poll_interval"`
	IdleTimeout        time.Duration `mapstructure:"idle_timeout"`
	MaxMessageBytes    int64         `mapstructure:"max_message_bytes"`
	BatchSize          int           `mapstructure:"batch_size"`
	DialTimeout        time.Duration `mapstructure:"dial_timeout"`
	CommandTimeout     time.Duration `mapstructure:"command_timeout"`
	ReconnectMin       time.Duration `mapstructure:"reconnect_min"`
	ReconnectMax       time.Duration `mapstructure:"reconnect_max"`
	OAuth2             OAuth2        `mapstructure:"oauth2"`
}

// SMTP configures delivery of the emails ticketd sends.
type SMTP struct {
	Address            string        `mapstructure:"address"`
	Security           string        `mapstructure:"security"` // tls | starttls | none
	InsecureSkipVerify bool          `mapstructure:"insecure_skip_verify"`
	Username           string        `mapstructure:"username"`
	Password           string        `mapstructure:"password"`
	PasswordFile       string        `mapstructure:"password_file"`
	From               string        `mapstructure:"from"`
	FromName           string        `mapstructure:"from_name"`
	EnvelopeFrom       string        `mapstructure:"envelope_from"`
	HeloName           string        `mapstructure:"helo_name"`
	Timeout            time.Duration `mapstructure:"timeout"`
	// Connections is how many SMTP connections the outbox delivers over
	// at once when it has more than one batch of emails due.
	Connections int    `mapstructure:"connections"`
	OAuth2      OAuth2 `mapstructure:"oauth2"`
}

// OAuth2 logs in with SASL XOAUTH2 or OAUTHBEARER and an access token
// refreshed from a refresh token (Gmail, Microsoft 365), instead of a
// password. It is on when token_url is set.
type OAuth2 struct {
	ClientID         string        `mapstructure:"client_id"`
	ClientSecret     string        `mapstructure:"client_secret"`
	ClientSecretFile string        `mapstructure:"client_secret_file"`
	TokenURL         string        `mapstructure:"token_url"`
	RefreshToken     string        `mapstructure:"refresh_token"`
	RefreshTokenFile string        `mapstructure:"refresh_token_file"`
	Scopes           []string      `mapstructure:"scopes"`
	Mechanism        string        `mapstructure:"mechanism"` // xoauth2 | oauthbearer
	RefreshBefore    time.Duration `mapstructure:"refresh_before"`
}

// Enabled reports whether OAuth2 login is configured.
func (o OAuth2) Enabled() bool { return o.TokenURL != "" }

// Store configures the bbolt database.
type Store struct {
	Path        string         `mapstructure:"path"`
	LockTimeout time.Duration  `mapstructure:"lock_timeout"`
	Retention   StoreRetention `mapstructure:"retention"`
}

// StoreRetention says how long the store keeps bulky copies; 0 keeps them
// forever. Tickets, turned-away records, the ledger and outbox records
// always stay.
type StoreRetention struct {
	// TurnedAway: raw messages of rejected and ignored mail (720h).
	TurnedAway time.Duration `mapstructure:"turned_away"`
	// SentEmails: stored copies of delivered emails (2160h).
	SentEmails time.Duration `mapstructure:"sent_emails"`
	// ClosedTickets: raw messages of closed tickets, after closing (0).
	ClosedTickets time.Duration `mapstructure:"closed_tickets"`
}

// Receipt configures the emails ticketd sends.
type Receipt struct {
	MaxPerSenderPerHour int `mapstructure:"max_per_sender_per_hour"`
	// MaxRejectionsPerHour caps the rejections to all senders together in
	// any hour; 0 means no cap.
	MaxRejectionsPerHour int           `mapstructure:"max_rejections_per_hour"`
	MaxRetryAge          time.Duration `mapstructure:"max_retry_age"`
	RetryMin             time.Duration `mapstructure:"retry_min"`
	RetryMax             time.Duration `mapstructure:"retry_max"`
	StuckAfter           time.Duration `mapstructure:"stuck_after"`
	HowToReach           Localized     `mapstructure:"how_to_reach"`
}

// Localized is a text in English and Spanish.
type Localized struct {
	EN string `mapstructure:"en"`
	ES string `mapstructure:"es"`
}

// Admin configures the loopback admin listener (metrics, health, admin API).
type Admin struct {
	Listen string `mapstructure:"listen"`
}

// Security decides when a sender counts as authentic.
type Security struct {
	// TrustedAuthServIDs are the receiving servers whose
	// Authentication-Results headers are trusted; others are forged by
	// definition.
	TrustedAuthServIDs []string `mapstructure:"trusted_authserv_ids"`
	// RequireAuthenticatedSender requires dmarc=pass, or dkim=pass for the
	// From domain, for a contact to count. Unset: on when trusted ids are
	// set or verify_dkim is on.
	RequireAuthenticatedSender *bool `mapstructure:"require_authenticated_sender"`
	// VerifyDKIM makes ticketd verify DKIM signatures itself when no
	// trusted Authentication-Results header is present.
	VerifyDKIM bool `mapstructure:"verify_dkim"`
}

// RequireAuthenticated reports the effective require_authenticated_sender.
func (s Security) RequireAuthenticated() bool {
	if s.RequireAuthenticatedSender != nil {
		return *s.RequireAuthenticatedSender
	}
	return len(s.TrustedAuthServIDs) > 0 || s.VerifyDKIM
}

// Limits bound the work done for one message (hostile mail). Zero values
// take intake's defaults; imap.max_message_bytes bounds the raw size.
type Limits struct {
	MaxHeaderBytes  int           `mapstructure:"max_header_bytes"`
	MaxParts        int           `mapstructure:"max_parts"`
	MaxDepth        int           `mapstructure:"max_depth"`
	MaxAttachments  int           `mapstructure:"max_attachments"`
	MaxDecodedBytes int64         `mapstructure:"max_decoded_bytes"`
	MaxTextBytes    int           `mapstructure:"max_text_bytes"`
	MaxURLs         int           `mapstructure:"max_urls"`
	MaxDuration     time.Duration `mapstructure:"max_duration"`
	// MaxInspectBytes bounds the decoded bytes of one attachment held to
	// look inside it (ZIP, winmail.dat, PDF); MaxInspectEntries the entries
	// listed per container; MaxInspectText the bytes of a text attachment
	// (.txt, .json, .log, .har) kept for the rules.
	MaxInspectBytes   int64 `mapstructure:"max_inspect_bytes"`
	MaxInspectEntries int   `mapstructure:"max_inspect_entries"`
	MaxInspectText    int   `mapstructure:"max_inspect_text"`
}

// Organization is one customer organization and its plan.
type Organization struct {
	ID              string    `mapstructure:"id"`
	Name            string    `mapstructure:"name"`
	TicketsIncluded int       `mapstructure:"tickets_included"`
	PlanPeriod      string    `mapstructure:"plan_period"` // monthly | yearly
	PlanStart       string    `mapstructure:"plan_start"`  // YYYY-MM-DD
	WarrantyUntil   string    `mapstructure:"warranty_until"`
	ContactMethods  []string  `mapstructure:"contact_methods"`
	OverPlan        string    `mapstructure:"over_plan"` // register | reject
	Contacts        []Contact `mapstructure:"contacts"`
	// SLAFirstResponse and SLAResolution are the organization's targets,
	// measured on a ticket's SLA clock (the console shows them; 0: none).
	SLAFirstResponse time.Duration `mapstructure:"sla_first_response"`
	SLAResolution    time.Duration `mapstructure:"sla_resolution"`
}

// Contact is an authorized support contact.
type Contact struct {
	Email string `mapstructure:"email"`
	Name  string `mapstructure:"name"`
}

// Text is the localized text as the rules' type.
func (l Localized) Text() rules.Text { return rules.Text{EN: l.EN, ES: l.ES} }
