package oauth

import (
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	valid := Config{
		ClientID:     "id",
		ClientSecret: "secret",
		TokenURL:     "https://login.microsoftonline.com/common/oauth2/v2.0/token",
		RefreshToken: "rt",
		ConfigKey:    "imap.oauth2",
	}
	tests := []struct {
		name    string
		edit    func(*Config)
		wantErr string // "" for valid
	}{
		{"valid", func(*Config) {}, ""},
		{"public client without secret", func(c *Config) { c.ClientSecret = "" }, ""},
		{"oauthbearer any case", func(c *Config) { c.Mechanism = "OAuthBearer" }, ""},
		{"http on loopback", func(c *Config) { c.TokenURL = "http://127.0.0.1:8080/token" }, ""},
		{"no client id", func(c *Config) { c.ClientID = " " }, "imap.oauth2.client_id is empty"},
		{"no refresh token", func(c *Config) { c.RefreshToken = "" }, "imap.oauth2.refresh_token is empty"},
		{"no token url", func(c *Config) { c.TokenURL = "" }, "imap.oauth2.token_url: is empty"},
		{"relative token url", func(c *Config) { c.TokenURL = "/token" }, "imap.oauth2.token_url: \"/token\": want an absolute https URL"},
		{"http elsewhere", func(c *Config) { c.TokenURL = "http://login.example.com/token" }, "http is only allowed for a loopback address"},
		{"ftp", func(c *Config) { c.TokenURL = "ftp://login.example.com/token" }, "want an https URL"},
		{"unknown mechanism", func(c *Config) { c.Mechanism = "plain" }, "imap.oauth2.mechanism: \"plain\": want \"xoauth2\" or \"oauthbearer\""},
		{"negative refresh_before", func(c *Config) { c.RefreshBefore = -time.Second }, "imap.oauth2.refresh_before -1s is negative"},
		{"scope with space", func(c *Config) { c.Scopes = []string{"a b"} }, "imap.oauth2.scopes: scope \"a b\""},
		{"default key", func(c *Config) { c.ConfigKey = ""; c.ClientID = "" }, "oauth2.client_id is empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := valid
			tt.edit(&c)
			err := c.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				if _, err := NewTokenSource(c); err != nil {
					t.Fatalf("NewTokenSource: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Validate = %v, want an error containing %q", err, tt.wantErr)
			}
			if _, err := NewTokenSource(c); err == nil {
				t.Fatal("NewTokenSource accepted an invalid config")
			}
		})
	}
}

func TestNewTokenSourceDefaults(t *testing.T) {
	ts, err := NewTokenSource(Config{ClientID: "id", TokenURL: "https://oauth2.googleapis.com/token", RefreshToken: "rt"})
	if err != nil {
		t.Fatal(err)
	}
	if ts.Mechanism() != MechanismXOAuth2 || ts.cfg.RefreshBefore != DefaultRefreshBefore || ts.cfg.ConfigKey != DefaultConfigKey {
		t.Errorf("defaults: mechanism %q, refresh before %v, key %q", ts.Mechanism(), ts.cfg.RefreshBefore, ts.cfg.ConfigKey)
	}
	ts, err = NewTokenSource(Config{ClientID: "id", TokenURL: "https://oauth2.googleapis.com/token", RefreshToken: "rt", Mechanism: " OAUTHBEARER "})
	if err != nil {
		t.Fatal(err)
	}
	if ts.Mechanism() != MechanismOAuthBearer {
		t.Errorf("Mechanism = %q, want %q", ts.Mechanism(), MechanismOAuthBearer)
	}
}

func TestShortDescription(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"AADSTS700082: expired.\r\nTrace ID: x", "AADSTS700082: expired."},
		{"bad\x1b[31m token", "bad[31m token"},
		{strings.Repeat("é", 150), strings.Repeat("é", 100) + "…"}, // 300 bytes cut at a rune boundary
	}
	for _, tt := range tests {
		if got := shortDescription(tt.in); got != tt.want {
			t.Errorf("shortDescription(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
