package mailbox

import (
	"context"
	"errors"
	"fmt"
)

// Append adds raw as a new message to mailbox.
func (c *Client) Append(ctx context.Context, mailbox string, raw []byte) error {
	if mailbox == "" {
		return errors.New("mailbox: append: empty mailbox name")
	}
	if len(raw) == 0 {
		return errors.New("mailbox: append: empty message")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.run(ctx, fmt.Sprintf("append %d bytes to %s", len(raw), mailbox), func() error {
		cmd := c.imap.Append(mailbox, int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			// A half-written literal leaves the protocol out of step.
			c.closeConn()
			return err
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		_, err := cmd.Wait()
		return err
	})
}
