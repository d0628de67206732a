package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/go-viper/mapstructure/v2"
	"github.com/spf13/viper"
)

// decodeHook is viper's default (durations, comma-separated lists) plus
// dates: YAML reads an unquoted 2026-12-31 as a timestamp, and the
// configuration keeps dates as YYYY-MM-DD strings.
func decodeHook() mapstructure.DecodeHookFunc {
	return mapstructure.ComposeDecodeHookFunc(
		mapstructure.StringToTimeDurationHookFunc(),
		mapstructure.StringToSliceHookFunc(","),
		func(from, to reflect.Type, data any) (any, error) {
			if t, ok := data.(time.Time); ok && to.Kind() == reflect.String {
				return t.Format(dateLayout), nil
			}
			return data, nil
		},
	)
}

// invalidKeys matches mapstructure's report of unknown keys.
var invalidKeys = regexp.MustCompile(`'([^']*)' has invalid keys: ([^\n]+)`)

// explainDecodeError rewrites mapstructure's errors to name full keys:
// "'imap' has invalid keys: pasword" becomes "unknown key imap.pasword".
func explainDecodeError(err error) string {
	msg := err.Error()
	m := invalidKeys.FindStringSubmatch(msg)
	if m == nil {
		return strings.TrimSpace(strings.ReplaceAll(msg, "decoding failed due to the following error(s):\n\n", ""))
	}
	var keys []string
	for _, k := range strings.Split(m[2], ", ") {
		if m[1] != "" {
			k = m[1] + "." + k
		}
		keys = append(keys, k)
	}
	return "unknown key " + strings.Join(keys, ", ") + " (see config.example.yaml for every key)"
}

// EnvPrefix prefixes every environment override: imap.password is
// TICKETD_IMAP_PASSWORD.
const EnvPrefix = "TICKETD"

// Load reads the YAML file at path over the defaults, applies environment
// overrides, resolves secrets and validates everything that every command
// needs (tickets, rules, organizations). Commands that talk to servers or
// the store call ValidateDaemon as well.
func Load(path string) (*Config, error) {
	cfg, err := read(path)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// read loads the file and the environment without validating.
func read(path string) (*Config, error) {
	v := viper.NewWithOptions(viper.ExperimentalBindStruct())
	v.SetConfigFile(path)
	v.SetConfigType("yaml")
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	if err := v.ReadInConfig(); err != nil {
		var notFound viper.ConfigFileNotFoundError
		if errors.As(err, &notFound) || errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("config %s: file not found", path)
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg := Default()
	if err := v.UnmarshalExact(&cfg, viper.DecodeHook(decodeHook())); err != nil {
		return nil, fmt.Errorf("config %s: %s", path, explainDecodeError(err))
	}
	cfg.File = path
	if err := cfg.resolveSecrets(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// secretRef is one secret: the key that holds it, its *_file key and the
// systemd credential it may come from.
type secretRef struct {
	key        string
	value      *string
	file       string
	credential string
}

// resolveSecrets fills empty passwords from their *_file keys, then from
// systemd credentials ($CREDENTIALS_DIRECTORY/imap_password, smtp_password).
func (c *Config) resolveSecrets() error {
	secrets := []secretRef{
		{"imap.password", &c.IMAP.Password, c.IMAP.PasswordFile, "imap_password"},
		{"smtp.password", &c.SMTP.Password, c.SMTP.PasswordFile, "smtp_password"},
		{"imap.oauth2.client_secret", &c.IMAP.OAuth2.ClientSecret, c.IMAP.OAuth2.ClientSecretFile, "imap_oauth2_client_secret"},
		{"imap.oauth2.refresh_token", &c.IMAP.OAuth2.RefreshToken, c.IMAP.OAuth2.RefreshTokenFile, "imap_oauth2_refresh_token"},
		{"smtp.oauth2.client_secret", &c.SMTP.OAuth2.ClientSecret, c.SMTP.OAuth2.ClientSecretFile, "smtp_oauth2_client_secret"},
		{"smtp.oauth2.refresh_token", &c.SMTP.OAuth2.RefreshToken, c.SMTP.OAuth2.RefreshTokenFile, "smtp_oauth2_refresh_token"},
	}
	for i := range c.Webhooks {
		w := &c.Webhooks[i]
		secrets = append(secrets, secretRef{fmt.Sprintf("webhooks[%d].secret", i), &w.Secret, w.SecretFile, "webhook_" + w.EndpointName() + "_secret"})
	}
	for _, s := range secrets {
		if *s.value != "" {
			continue
		}
		path := s.file
		if path == "" {
			dir := os.Getenv("CREDENTIALS_DIRECTORY")
			if dir == "" {
				continue
			}
			path = filepath.Join(dir, s.credential)
			if _, err := os.Stat(path); err != nil {
				continue
			}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("config %s: %s (from %s): %w", c.File, s.key, path, err)
		}
		*s.value = strings.TrimRight(string(b), "\r\n")
	}
	return nil
}
