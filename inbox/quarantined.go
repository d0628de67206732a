package inbox

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

// Quarantined is one message of the quarantine folder, as support staff
// see it.
type Quarantined struct {
	UID     imap.UID
	Date    time.Time // the Date header, else when the server received it; zero when neither
	Size    int64
	From    string
	Subject string
	Reason  string // the detailed reason the daemon kept, else what its keyword says
}

// ListQuarantine lists the quarantine folder c has selected, with each
// message's reason: the detailed one kept in db when db is not nil (the
// daemon may hold the file), else the keyword's. maxBytes bounds the
// fetch of a message without a Message-ID, whose reason is keyed by its
// content, and is shown for the messages quarantined as too large.
func ListQuarantine(ctx context.Context, c *mailbox.Client, db *store.DB, maxBytes int64) ([]Quarantined, error) {
	msgs, err := c.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("list quarantine: %w", err)
	}
	out := make([]Quarantined, 0, len(msgs))
	for _, m := range msgs {
		reason := "unknown"
		for kw, text := range ReasonText {
			if mailbox.HasKeyword(m.Flags, kw) {
				reason = text
			}
		}
		if mailbox.HasKeyword(m.Flags, ReasonTooLarge) {
			reason = fmt.Sprintf("too large: %d bytes (imap.max_message_bytes is now %d)", m.Size, maxBytes)
		} else if db != nil {
			if r := storedReason(ctx, c, db, m, maxBytes); r != "" {
				reason = r
			}
		}
		d := m.Date
		if d.IsZero() {
			d = m.InternalDate
		}
		out = append(out, Quarantined{UID: m.UID, Date: d, Size: m.Size, From: m.From, Subject: m.Subject, Reason: reason})
	}
	return out, nil
}

// storedReason is the detailed reason the daemon kept for m, under the
// key it used: the Message-ID, else a hash of the content (which needs the
// message, fetched within maxBytes).
func storedReason(ctx context.Context, c *mailbox.Client, db *store.DB, m mailbox.Summary, maxBytes int64) string {
	key := ""
	if m.MessageID != "" {
		key = "mid:" + m.MessageID
	} else if f, err := c.Fetch(ctx, m.UID, maxBytes); err == nil {
		key = registration.ContentKey(f.Raw)
	}
	if key == "" {
		return ""
	}
	r, _, err := db.QuarantineReason(key)
	if err != nil {
		return ""
	}
	return r
}

// RetryQuarantine moves the given UIDs of the quarantine folder c has
// selected (all of them when uids is empty) back to folder, clearing the
// quarantine keywords, to be processed again; moved hears each one. A UID
// that is not in the folder fails the call before any message moves.
func RetryQuarantine(ctx context.Context, c *mailbox.Client, quarantine, folder string, uids []imap.UID, moved func(imap.UID)) error {
	present, err := c.UIDs(ctx)
	if err != nil {
		return fmt.Errorf("list quarantine: %w", err)
	}
	if len(uids) == 0 {
		uids = present
	}
	var missing []string
	for _, uid := range uids {
		if !slices.Contains(present, uid) {
			missing = append(missing, strconv.FormatUint(uint64(uid), 10))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no UID %s in %s (see quarantine list)", strings.Join(missing, ", "), quarantine)
	}
	for _, uid := range uids {
		for kw := range ReasonText {
			_ = c.RemoveKeyword(ctx, uid, kw)
		}
		if err := c.MoveTo(ctx, uid, folder); err != nil {
			return fmt.Errorf("move uid %d to %s: %w", uid, folder, err)
		}
		if moved != nil {
			moved(uid)
		}
	}
	return nil
}
