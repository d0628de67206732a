package inbox

import (
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2"

	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/mailbox"
)

// Quarantine reasons travel with the message as IMAP keywords, so that
// `ticketd quarantine list` can say why without the store; the store keeps
// the detailed error text when the message could be read.
const (
	ReasonTooLarge    = "$TicketdTooLarge"
	ReasonUnparseable = "$TicketdUnparseable"
)

// ReasonText describes each quarantine keyword.
var ReasonText = map[string]string{
	ReasonTooLarge:    "too large",
	ReasonUnparseable: "cannot be parsed",
}

// maxReason bounds a quarantine reason as logged and stored.
const maxReason = 300

// quarantine files a message that ticketd cannot take in: the reason is
// logged, kept in the store when the message has a key, set as a keyword,
// and the message is moved (never deleted) to the quarantine folder.
func (w *Worker) quarantine(ctx context.Context, c *mailbox.Client, uid imap.UID, keyword, key, reason string) error {
	folder := w.o.Mailbox.QuarantineMailbox
	// A parser's complaint may quote the message's bytes: never raw in the
	// log, the store or quarantine list.
	reason = oneline.Quote(reason, maxReason)
	w.o.Metrics.Verdict("quarantined")
	w.o.Log.Warn("message quarantined", "uid", uint32(uid), "reason", reason, "key", key, "folder", folder)
	if key != "" {
		if err := w.o.Store.SetQuarantineReason(key, reason, w.o.Now()); err != nil {
			return w.orStorePaused(fmt.Errorf("record quarantine reason: %w", err))
		}
	}
	if err := c.AddKeyword(ctx, uid, keyword); err != nil {
		// Servers without keyword support still get the message moved.
		w.o.Log.Warn("cannot set quarantine keyword", "uid", uint32(uid), "keyword", keyword, "err", err)
	}
	if err := c.MoveTo(ctx, uid, folder); err != nil {
		return &sessionError{fmt.Errorf("move uid %d to %s: %w", uid, folder, err)}
	}
	return nil
}
