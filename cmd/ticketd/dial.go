package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/daemon"
	"github.com/ticketd/ticketd/inbox"
	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/oauth"
)

// dialForCommand connects a command that logs in once (quarantine,
// check-config) and selects folder, without creating the processed and
// quarantine folders as the daemon does.
func dialForCommand(ctx context.Context, cfg *config.Config, folder string, stderr io.Writer) (*mailbox.Client, error) {
	icfg := daemon.IMAPConfig(cfg, newLogger(stderr, cfg.Log.Format, "warn"))
	icfg.Mailbox = folder
	icfg.ProcessedMailbox, icfg.QuarantineMailbox = "", ""
	var ts *oauth.TokenSource
	if cfg.IMAP.OAuth2.Enabled() {
		var err error
		if ts, err = oauth.NewTokenSource(cfg.IMAP.OAuth2.TokenConfig("imap.oauth2")); err != nil {
			return nil, err
		}
	}
	c, err := inbox.Dial(ctx, icfg, ts)
	if err != nil {
		return nil, fmt.Errorf("imap %s: %w", cfg.IMAP.Address, err)
	}
	return c, nil
}
