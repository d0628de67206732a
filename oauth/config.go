package oauth

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/loopback"
)

// SASL mechanisms for Config.Mechanism.
const (
	MechanismXOAuth2     = "xoauth2"     // Google's XOAUTH2; Gmail and Microsoft 365
	MechanismOAuthBearer = "oauthbearer" // RFC 7628 OAUTHBEARER; Gmail and others
)

// Defaults applied by NewTokenSource to zero Config fields.
const (
	DefaultRefreshBefore = 5 * time.Minute
	DefaultConfigKey     = "oauth2"
)

// Config holds the OAuth2 client credentials and the refresh token of one
// mailbox account.
type Config struct {
	ClientID string
	// ClientSecret may be empty for a public client (e.g. a Microsoft app
	// registration that allows public client flows).
	ClientSecret string
	// TokenURL is the token endpoint, e.g.
	// https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token or
	// https://oauth2.googleapis.com/token. It must be https, except on a
	// loopback address.
	TokenURL     string
	RefreshToken string
	// Scopes are sent with every refresh when set. Microsoft needs them:
	// without them it may issue a token for another audience (Graph), which
	// IMAP refuses. E.g. "https://outlook.office.com/IMAP.AccessAsUser.All",
	// "https://outlook.office.com/SMTP.Send", "offline_access"; Gmail:
	// "https://mail.google.com/".
	Scopes []string
	// Mechanism is MechanismXOAuth2 (default) or MechanismOAuthBearer,
	// case-insensitive.
	Mechanism string
	// RefreshBefore makes Token refresh the access token when it expires
	// within this long (default 5m).
	RefreshBefore time.Duration
	// HTTPClient is used for the token endpoint (default
	// http.DefaultClient). Each refresh is also bounded by a 30s timeout.
	HTTPClient *http.Client
	// ConfigKey names these settings in error messages, so that they say
	// exactly what to renew: "imap.oauth2" gives "renew
	// imap.oauth2.refresh_token". Default "oauth2".
	ConfigKey string
	// OnRefreshTokenChange, when set, is called with the new refresh token
	// when the endpoint issues one (Microsoft does on every refresh). Save
	// it so that a restart uses it: the old one expires on its own schedule.
	// It is called while other Token calls wait: it must not call Token.
	OnRefreshTokenChange func(refreshToken string)
	// Logger receives warnings such as a refresh that failed while the
	// cached token was still usable (default: discard).
	Logger *slog.Logger
}

// Validate reports the first invalid field, named as in the configuration
// (ConfigKey + "." + field).
func (c Config) Validate() error {
	key := c.key()
	field := func(name string) string { return key + "." + name }
	if strings.TrimSpace(c.ClientID) == "" {
		return fmt.Errorf("oauth: %s is empty", field("client_id"))
	}
	if strings.TrimSpace(c.RefreshToken) == "" {
		return fmt.Errorf("oauth: %s is empty", field("refresh_token"))
	}
	if err := checkTokenURL(c.TokenURL); err != nil {
		return fmt.Errorf("oauth: %s: %w", field("token_url"), err)
	}
	if _, err := normalizeMechanism(c.Mechanism); err != nil {
		return fmt.Errorf("oauth: %s: %w", field("mechanism"), err)
	}
	if c.RefreshBefore < 0 {
		return fmt.Errorf("oauth: %s %v is negative", field("refresh_before"), c.RefreshBefore)
	}
	for _, s := range c.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n") {
			return fmt.Errorf("oauth: %s: scope %q is empty or contains white space", field("scopes"), s)
		}
	}
	return nil
}

// withDefaults returns c with defaults filled in and the mechanism
// normalised; c must be valid.
func (c Config) withDefaults() Config {
	c.ConfigKey = c.key()
	c.Mechanism, _ = normalizeMechanism(c.Mechanism)
	if c.RefreshBefore == 0 {
		c.RefreshBefore = DefaultRefreshBefore
	}
	if c.HTTPClient == nil {
		c.HTTPClient = http.DefaultClient
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	c.Scopes = append([]string(nil), c.Scopes...)
	return c
}

func (c Config) key() string {
	if k := strings.TrimSpace(c.ConfigKey); k != "" {
		return k
	}
	return DefaultConfigKey
}

func normalizeMechanism(m string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(m)) {
	case "", MechanismXOAuth2:
		return MechanismXOAuth2, nil
	case MechanismOAuthBearer:
		return MechanismOAuthBearer, nil
	}
	return "", fmt.Errorf("%q: want %q or %q", m, MechanismXOAuth2, MechanismOAuthBearer)
}

// checkTokenURL accepts an absolute https URL, or http on a loopback
// address (tests, local proxies): the client secret and refresh token must
// not cross a network in clear text.
func checkTokenURL(raw string) error {
	if strings.TrimSpace(raw) == "" {
		return errors.New("is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Host == "" {
		return fmt.Errorf("%q: want an absolute https URL", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if loopback.Host(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q: http is only allowed for a loopback address; use https", raw)
	}
	return fmt.Errorf("%q: want an https URL", raw)
}
