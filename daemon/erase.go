package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/inbox"
	"github.com/ticketd/ticketd/oauth"
	"github.com/ticketd/ticketd/store"
)

// backend is the admin API's backend in the daemon: the store, with an
// erasure that also cleans the mail folders.
type backend struct {
	*store.DB
	d *Daemon
}

// Erase erases the sender's data from the store, then their messages from
// the processed and quarantine folders (EraseFromFolders). A folder
// failure does not undo the store's part: the result says what was not
// done, and running the erasure again finishes it.
func (b backend) Erase(ctx context.Context, addr, requestedBy string) (*admin.EraseResult, error) {
	st, err := b.DB.EraseSender(ctx, addr, requestedBy)
	if err != nil {
		return nil, err
	}
	res := &admin.EraseResult{Stats: st}
	EraseFromFolders(ctx, b.d.cfg, b.d.imapTokens, st.Keys, res, b.d.log)
	return res, nil
}

// EraseFromFolders removes the messages with the dedupe keys keys (those
// of store.EraseStats) from the processed and quarantine folders over one
// IMAP connection, and records in res what it removed, how many keys name
// no Message-ID (a message without one cannot be searched for) and any
// failure. ts is the OAuth2 token source (nil with a password).
func EraseFromFolders(ctx context.Context, cfg *config.Config, ts *oauth.TokenSource, keys []string, res *admin.EraseResult, log *slog.Logger) {
	var ids []string
	for _, k := range keys {
		if id, ok := strings.CutPrefix(k, "mid:"); ok {
			ids = append(ids, id)
		} else {
			res.Unsearchable++
		}
	}
	res.Folders = map[string]int{}
	if len(ids) == 0 {
		return
	}
	icfg := IMAPConfig(cfg, log)
	icfg.Mailbox = cfg.IMAP.ProcessedMailbox
	icfg.ProcessedMailbox, icfg.QuarantineMailbox = "", ""
	c, err := inbox.Dial(ctx, icfg, ts)
	if err != nil {
		res.MailboxError = fmt.Sprintf("imap %s: %v", cfg.IMAP.Address, err)
		return
	}
	defer c.Close()
	var errs []error
	for i, folder := range []string{cfg.IMAP.ProcessedMailbox, cfg.IMAP.QuarantineMailbox} {
		if i > 0 {
			if err := c.Select(ctx, folder); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		n, expunged, err := c.DeleteByMessageID(ctx, ids)
		res.Folders[folder] = n
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", folder, err))
		} else if n > 0 && !expunged {
			errs = append(errs, fmt.Errorf("%s: %d messages flagged \\Deleted but not expunged (the server lacks UIDPLUS): expunge the folder", folder, n))
		}
	}
	if err := errors.Join(errs...); err != nil {
		res.MailboxError = err.Error()
	}
}
