package mailbox

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
)

// Summary describes one message from its envelope, for listings such as
// `ticketd quarantine list`.
type Summary struct {
	UID          imap.UID
	Date         time.Time // Date header; zero when missing or unparsable
	InternalDate time.Time // when the server received the message
	From         string    // address of the first From, e.g. "ana@example.com"
	FromName     string    // display name of the first From, decoded
	Subject      string    // decoded
	MessageID    string    // without angle brackets
	Size         int64     // RFC822.SIZE
	Seen         bool      // flagged \Seen by someone
	Flags        []string  // every flag and keyword, e.g. "$TicketdTooLarge"
}

// List returns a Summary of every message in the selected mailbox that is
// not flagged \Deleted, by ascending UID. It downloads envelopes only.
func (c *Client) List(ctx context.Context) ([]Summary, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	uids, err := c.uidsLocked(ctx)
	if err != nil || len(uids) == 0 {
		return nil, err
	}

	var list []Summary
	err = c.run(ctx, "fetch envelopes", func() error {
		cmd := c.imap.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
			UID:          true,
			Flags:        true,
			Envelope:     true,
			InternalDate: true,
			RFC822Size:   true,
		})
		defer cmd.Close()
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			buf, err := msg.Collect() // no body section: small
			if err != nil {
				return err
			}
			if buf.UID == 0 {
				return errors.New("server sent a FETCH answer without UID")
			}
			if hasFlag(buf.Flags, imap.FlagDeleted) {
				continue
			}
			list = append(list, summarize(buf.UID, buf.Flags, buf.Envelope, buf.InternalDate, buf.RFC822Size))
		}
		return cmd.Close()
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(list, func(a, b Summary) int { return cmp.Compare(a.UID, b.UID) })
	return list, nil
}

func summarize(uid imap.UID, flags []imap.Flag, env *imap.Envelope, internal time.Time, size int64) Summary {
	s := Summary{
		UID:          uid,
		InternalDate: internal,
		Size:         size,
		Seen:         hasFlag(flags, imap.FlagSeen),
	}
	for _, f := range flags {
		s.Flags = append(s.Flags, string(f))
	}
	if env == nil {
		return s
	}
	s.Date = env.Date
	s.Subject = env.Subject
	s.MessageID = env.MessageID
	if len(env.From) > 0 {
		s.From = env.From[0].Addr()
		s.FromName = env.From[0].Name
	}
	return s
}
