package mailbox

import (
	"context"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// MoveTo moves the message uid from the selected mailbox to dest.
//
// With MOVE it sends UID MOVE. Without it, it sends UID COPY and stops there
// if the copy failed (the message stays, unflagged); otherwise it flags the
// message \Deleted and, only with UIDPLUS, removes it with UID EXPUNGE.
// Without UIDPLUS the message stays flagged \Deleted (a plain EXPUNGE would
// also remove what others flagged); UIDs and List skip such messages.
// go-imap's Move is not used without MOVE: its fallback expunges even when
// the copy failed.
func (c *Client) MoveTo(ctx context.Context, uid imap.UID, dest string) error {
	set, err := oneUID(uid)
	if err != nil {
		return err
	}
	if dest == "" {
		return fmt.Errorf("mailbox: move UID %d: empty destination", uid)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkSelected(); err != nil {
		return err
	}
	if sameMailbox(dest, c.selected) {
		return fmt.Errorf("mailbox: move UID %d: destination %q is the selected mailbox", uid, dest)
	}

	// imapclient's Move falls back to the lossy COPY+STORE+EXPUNGE when its
	// own cached capabilities lack MOVE: ask it too, so that cannot happen.
	if c.caps.MOVE && c.imap.Caps().Has(imap.CapMove) {
		return c.run(ctx, fmt.Sprintf("move UID %d to %s", uid, dest), func() error {
			_, err := c.imap.Move(set, dest).Wait()
			return err
		})
	}

	if err := c.run(ctx, fmt.Sprintf("copy UID %d to %s", uid, dest), func() error {
		_, err := c.imap.Copy(set, dest).Wait()
		return err
	}); err != nil {
		return err
	}
	if err := c.run(ctx, fmt.Sprintf("flag UID %d deleted", uid), func() error {
		return c.imap.Store(set, &imap.StoreFlags{
			Op:     imap.StoreFlagsAdd,
			Silent: true,
			Flags:  []imap.Flag{imap.FlagDeleted},
		}, nil).Close()
	}); err != nil {
		return fmt.Errorf("%w (the message was copied to %s and is still in %s)", err, dest, c.selected)
	}
	if !c.caps.UIDPLUS {
		return nil
	}
	return c.run(ctx, fmt.Sprintf("expunge UID %d", uid), func() error {
		return c.imap.UIDExpunge(set).Close()
	})
}
