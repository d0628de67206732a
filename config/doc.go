// Package config loads ticketd's YAML configuration with viper, applies
// defaults and TICKETD_* environment overrides, resolves secrets from
// *_file keys and systemd credentials, and validates the result with errors
// that name the key and the file. It turns the organizations and rule
// settings into a rules.Policy.
package config
