package config

import (
	"github.com/ticketd/ticketd/oauth"
)

// TokenConfig returns the oauth package's configuration for the section
// key ("imap.oauth2" or "smtp.oauth2", which names it in errors).
func (o OAuth2) TokenConfig(key string) oauth.Config {
	return oauth.Config{
		ClientID:      o.ClientID,
		ClientSecret:  o.ClientSecret,
		TokenURL:      o.TokenURL,
		RefreshToken:  o.RefreshToken,
		Scopes:        o.Scopes,
		Mechanism:     o.Mechanism,
		RefreshBefore: o.RefreshBefore,
		ConfigKey:     key,
	}
}
