package daemon

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/oauth"
)

// tokenSources builds the OAuth2 token sources of the imap and smtp
// sections (nil when a section uses a password). A rotated refresh token
// is saved to its refresh_token_file when one is configured.
func (d *Daemon) tokenSources() error {
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
func (d *Daemon) saveRefreshToken(key, file, token string) {
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

// smtpToken fetches the SMTP access token, reporting refresh failures.
func (d *Daemon) smtpToken(ctx context.Context) (string, error) {
	tok, err := d.smtpTokens.Token(ctx)
	if err != nil && errors.Is(err, oauth.ErrRefresh) {
		d.metrics.OAuthRefreshFailed()
		d.log.Error("smtp authentication failing", "err", err)
	}
	return tok, err
}
