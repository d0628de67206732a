package mailbox

import (
	"context"
	"fmt"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// AddKeyword sets a keyword (a user flag such as "$TicketdTooLarge") on
// one message of the selected mailbox. Keywords survive MOVE and COPY, so
// a reason can travel with a message.
func (c *Client) AddKeyword(ctx context.Context, uid imap.UID, keyword string) error {
	return c.storeKeyword(ctx, uid, keyword, imap.StoreFlagsAdd)
}

// RemoveKeyword clears a keyword from one message of the selected mailbox.
func (c *Client) RemoveKeyword(ctx context.Context, uid imap.UID, keyword string) error {
	return c.storeKeyword(ctx, uid, keyword, imap.StoreFlagsDel)
}

func (c *Client) storeKeyword(ctx context.Context, uid imap.UID, keyword string, op imap.StoreFlagsOp) error {
	set, err := oneUID(uid)
	if err != nil {
		return err
	}
	if keyword == "" || keyword[0] == '\\' {
		return fmt.Errorf("mailbox: %q is not a keyword", keyword)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkSelected(); err != nil {
		return err
	}
	return c.run(ctx, fmt.Sprintf("store keyword %s on UID %d", keyword, uid), func() error {
		return c.imap.Store(set, &imap.StoreFlags{Op: op, Silent: true, Flags: []imap.Flag{imap.Flag(keyword)}}, nil).Close()
	})
}

// HasKeyword reports whether flags holds keyword. Flags compare
// case-insensitively, as servers may change their case.
func HasKeyword(flags []string, keyword string) bool {
	for _, f := range flags {
		if strings.EqualFold(f, keyword) {
			return true
		}
	}
	return false
}
