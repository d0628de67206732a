package desk

import (
	"context"
	"log/slog"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/daemon"
	"github.com/ticketd/ticketd/oauth"
)

// Erase removes what ticketd holds about sender (GDPR art. 17): through the
// running daemon, or on the file and then in the processed and quarantine
// IMAP folders. by is who asked, kept in the erasure record. via says
// where it was done, for the operator. A result whose MailboxError is set
// finished in the store but not in the folders.
func (a *Desk) Erase(ctx context.Context, sender, by string, log *slog.Logger) (res *admin.EraseResult, via string, err error) {
	if a.client != nil {
		res, err = a.client.Erase(ctx, sender, by)
		return res, "through the running daemon", err
	}
	st, err := a.db.EraseSender(ctx, sender, by)
	if err != nil {
		return nil, "", err
	}
	res = &admin.EraseResult{Stats: st}
	var ts *oauth.TokenSource
	if a.cfg.IMAP.OAuth2.Enabled() {
		if ts, err = oauth.NewTokenSource(a.cfg.IMAP.OAuth2.TokenConfig("imap.oauth2")); err != nil {
			res.MailboxError = err.Error()
		}
	}
	if res.MailboxError == "" {
		daemon.EraseFromFolders(ctx, a.cfg, ts, st.Keys, res, log)
	}
	return res, "in " + a.cfg.Store.Path, nil
}
