package mailbox

import (
	"context"

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
	if _, err := oneUID(uid); err != nil {
		return err
	}
	return c.MoveMany(ctx, []imap.UID{uid}, dest)
}
