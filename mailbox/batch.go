package mailbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Sized is a message's size and arrival time, as Sizes reports them.
type Sized struct {
	UID          imap.UID
	Size         int64 // RFC822.SIZE
	InternalDate time.Time
}

// Sizes asks RFC822.SIZE and INTERNALDATE of many messages in one command,
// so that a batch can be planned (and oversized mail set aside) before any
// body is downloaded. UIDs the server no longer has are left out.
func (c *Client) Sizes(ctx context.Context, uids []imap.UID) ([]Sized, error) {
	if len(uids) == 0 {
		return nil, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkSelected(); err != nil {
		return nil, err
	}
	var out []Sized
	err := c.run(ctx, fmt.Sprintf("fetch sizes of %d messages", len(uids)), func() error {
		msgs, err := c.imap.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{UID: true, RFC822Size: true, InternalDate: true}).Collect()
		for _, m := range msgs {
			if m.UID != 0 {
				out = append(out, Sized{UID: m.UID, Size: m.RFC822Size, InternalDate: m.InternalDate})
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b Sized) int { return int(a.UID) - int(b.UID) })
	return out, nil
}

// FetchMany downloads the whole raw messages of uids with one BODY.PEEK[]
// command (\Seen is not set) and calls fn with each as it arrives, in the
// server's order. The caller bounds the batch (Sizes first): every body is
// read into memory before fn sees it, but only one at a time. A body over
// maxBytes (maxBytes > 0) is skipped unread and reported to fn with Raw nil
// and an error wrapping ErrTooLarge. fn's error stops the batch.
func (c *Client) FetchMany(ctx context.Context, uids []imap.UID, maxBytes int64, fn func(f *Fetched, err error) error) error {
	if len(uids) == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkSelected(); err != nil {
		return err
	}
	var fnErr error
	err := c.run(ctx, fmt.Sprintf("fetch %d messages", len(uids)), func() error {
		section := &imap.FetchItemBodySection{Peek: true}
		cmd := c.imap.Fetch(imap.UIDSetNum(uids...), &imap.FetchOptions{
			UID:          true,
			RFC822Size:   true,
			InternalDate: true,
			BodySection:  []*imap.FetchItemBodySection{section},
		})
		defer cmd.Close()
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			f := &Fetched{}
			var itemErr error
			for item := msg.Next(); item != nil; item = msg.Next() {
				switch item := item.(type) {
				case imapclient.FetchItemDataUID:
					f.UID = item.UID
				case imapclient.FetchItemDataRFC822Size:
					f.Size = item.Size
				case imapclient.FetchItemDataInternalDate:
					f.InternalDate = item.Time
				case imapclient.FetchItemDataBodySection:
					if item.Literal == nil || !item.MatchCommand(section) || itemErr != nil {
						continue
					}
					size := item.Literal.Size()
					if maxBytes > 0 && size > maxBytes {
						itemErr = fmt.Errorf("mailbox: fetch UID %d: %d bytes, limit %d: %w", f.UID, size, maxBytes, ErrTooLarge)
						continue
					}
					b, err := readLiteral(item.Literal, size, maxBytes)
					if err != nil {
						return fmt.Errorf("reading body: %w", err)
					}
					f.Raw = b
				}
			}
			if f.UID == 0 {
				continue // an unsolicited FETCH (flags changed by someone)
			}
			if fnErr == nil {
				if f.Raw == nil && itemErr == nil {
					itemErr = fmt.Errorf("mailbox: fetch UID %d: no body: %w", f.UID, ErrNotFound)
				}
				fnErr = fn(f, itemErr)
			}
		}
		return cmd.Close()
	})
	if err != nil {
		return err
	}
	return fnErr
}

// MoveMany moves many messages from the selected mailbox to dest with one
// command: UID MOVE, or without MOVE the same safe sequence as MoveTo
// (COPY checked, then \Deleted, then UID EXPUNGE only with UIDPLUS).
func (c *Client) MoveMany(ctx context.Context, uids []imap.UID, dest string) error {
	if len(uids) == 0 {
		return nil
	}
	if slices.Contains(uids, 0) {
		return errors.New("mailbox: move: UID 0")
	}
	if dest == "" {
		return errors.New("mailbox: move: empty destination")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkSelected(); err != nil {
		return err
	}
	if sameMailbox(dest, c.selected) {
		return fmt.Errorf("mailbox: move: destination %q is the selected mailbox", dest)
	}
	set := imap.UIDSetNum(uids...)
	what := fmt.Sprintf("%d messages to %s", len(uids), dest)
	if c.caps.MOVE && c.imap.Caps().Has(imap.CapMove) {
		return c.run(ctx, "move "+what, func() error {
			_, err := c.imap.Move(set, dest).Wait()
			return err
		})
	}
	if err := c.run(ctx, "copy "+what, func() error {
		_, err := c.imap.Copy(set, dest).Wait()
		return err
	}); err != nil {
		return err
	}
	if err := c.run(ctx, "flag deleted "+what, func() error {
		return c.imap.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close()
	}); err != nil {
		return fmt.Errorf("%w (the messages were copied to %s and are still in %s)", err, dest, c.selected)
	}
	if !c.caps.UIDPLUS {
		return nil
	}
	return c.run(ctx, "expunge "+what, func() error {
		return c.imap.UIDExpunge(set).Close()
	})
}
