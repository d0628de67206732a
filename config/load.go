package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/viper"
)

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
	if err := v.UnmarshalExact(&cfg); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg.File = path
	if err := cfg.resolveSecrets(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// resolveSecrets fills empty passwords from their *_file keys, then from
// systemd credentials ($CREDENTIALS_DIRECTORY/imap_password, smtp_password).
func (c *Config) resolveSecrets() error {
	secrets := []struct {
		key        string
		value      *string
		file       string
		credential string
	}{
		{"imap.password", &c.IMAP.Password, c.IMAP.PasswordFile, "imap_password"},
		{"smtp.password", &c.SMTP.Password, c.SMTP.PasswordFile, "smtp_password"},
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
			return fmt.Errorf("config %s: %s_file: %w", c.File, s.key, err)
		}
		*s.value = strings.TrimRight(string(b), "\r\n")
	}
	return nil
}
