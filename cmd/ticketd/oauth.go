package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/oauth"
)

// tokenSources builds the OAuth2 token sources of the imap and smtp
// sections (nil when a section uses a password). A rotated refresh token
// is saved to its refresh_token_file when one is configured.
func (d *daemon) tokenSources() error {
	for _, s := range []struct {
		key string
		o   config.OAuth2
		ts  **oauth.TokenSource
	}{
		{"imap.oauth2", d.cfg.IMAP.OAuth2, &d.imapTokens},
		{"smtp.oauth2", d.cfg.SMTP.OAuth2, &d.smtpTokens},
	} {
		if !s.o.Enabled() {
			continue
		}
		oc := s.o.TokenConfig(s.key)
		oc.Logger = d.log
		key, file := s.key, s.o.RefreshTokenFile
		oc.OnRefreshTokenChange = func(token string) { d.saveRefreshToken(key, file, token) }
		ts, err := oauth.NewTokenSource(oc)
		if err != nil {
			return err
		}
		*s.ts = ts
	}
	return nil
}

// saveRefreshToken keeps a rotated refresh token: the old one expires on
// its own schedule, and a restart must use the new one.
func (d *daemon) saveRefreshToken(key, file, token string) {
	if file == "" {
		d.log.Warn("the token endpoint issued a new refresh token; set "+key+".refresh_token_file to a writable file so that it is kept", "setting", key+".refresh_token")
		return
	}
	tmp := file + ".tmp"
	err := os.WriteFile(tmp, []byte(token+"\n"), 0o600)
	if err == nil {
		err = os.Rename(tmp, file)
	}
	if err != nil {
		d.log.Error("cannot save the new refresh token", "file", file, "err", err)
		return
	}
	d.log.Info("new refresh token saved", "file", filepath.Clean(file))
}

// dialMailbox connects to the mailbox of icfg. With OAuth2 (ts not nil)
// it logs in with a fresh access token; a refresh failure is returned
// wrapping oauth.ErrRefresh, and the caller retries: the mail waits on the
// server.
func dialMailbox(ctx context.Context, icfg mailbox.Config, ts *oauth.TokenSource) (*mailbox.Client, error) {
	if ts != nil {
		client, err := ts.SASLClient(ctx, icfg.Username)
		if err != nil {
			return nil, fmt.Errorf("imap login: %w", err)
		}
		icfg.Auth = client
	}
	return mailbox.Dial(ctx, icfg)
}

// checkAuth records the outcome of a login attempt for readiness: an
// OAuth2 refresh failure or a refused login is loud (logged with what to
// renew, readiness fails, a metric counts it); a success clears it.
func (d *daemon) checkAuth(err error) {
	switch {
	case err == nil:
		d.health.SetAuthFailing(nil)
	case errors.Is(err, oauth.ErrRefresh):
		d.metrics.OAuthRefreshFailed()
		d.health.SetAuthFailing(err)
		d.log.Error("mailbox authentication failing", "err", err)
	case errors.Is(err, mailbox.ErrAuthFailed):
		d.health.SetAuthFailing(err)
		d.log.Error("mailbox login refused", "err", err)
	}
}

// dialForCommand connects a command that logs in once (quarantine,
// check-config) and selects folder, without creating the processed and
// quarantine folders as the daemon does.
func dialForCommand(ctx context.Context, cfg *config.Config, folder string, stderr io.Writer) (*mailbox.Client, error) {
	icfg := imapConfig(cfg, newLogger(stderr, cfg.Log.Format, "warn"))
	icfg.Mailbox = folder
	icfg.ProcessedMailbox, icfg.QuarantineMailbox = "", ""
	var ts *oauth.TokenSource
	if cfg.IMAP.OAuth2.Enabled() {
		var err error
		if ts, err = oauth.NewTokenSource(cfg.IMAP.OAuth2.TokenConfig("imap.oauth2")); err != nil {
			return nil, err
		}
	}
	c, err := dialMailbox(ctx, icfg, ts)
	if err != nil {
		return nil, fmt.Errorf("imap %s: %w", cfg.IMAP.Address, err)
	}
	return c, nil
}
