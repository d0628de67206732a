package mailbox

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"
)

// ensureMailbox creates the mailbox name unless it exists, then verifies
// with LIST that it exists and can be selected.
func (c *Client) ensureMailbox(ctx context.Context, name string) error {
	createErr := c.run(ctx, "create "+name, func() error {
		return c.imap.Create(name, nil).Wait()
	})
	var imapErr *imap.Error
	switch {
	case createErr == nil:
		c.log.Info("imap mailbox created", "mailbox", name)
	case errors.Is(createErr, ErrConnClosed):
		return createErr
	case errors.As(createErr, &imapErr) && imapErr.Code == imap.ResponseCodeAlreadyExists:
		createErr = nil
	}

	var found *imap.ListData
	if err := c.run(ctx, "list "+name, func() error {
		list, err := c.imap.List("", name, nil).Collect()
		for _, d := range list {
			if sameMailbox(d.Mailbox, name) {
				found = d
			}
		}
		return err
	}); err != nil {
		return err
	}
	if found == nil || slices.Contains(found.Attrs, imap.MailboxAttrNonExistent) {
		if createErr != nil {
			return fmt.Errorf("mailbox: %q is missing and could not be created: %w", name, createErr)
		}
		return fmt.Errorf("mailbox: %q is missing after CREATE", name)
	}
	if slices.Contains(found.Attrs, imap.MailboxAttrNoSelect) {
		return fmt.Errorf("mailbox: %q cannot hold messages (\\Noselect)", name)
	}
	if createErr != nil {
		// Some servers answer NO without ALREADYEXISTS for an existing folder.
		c.log.Debug("imap create failed but mailbox exists", "mailbox", name, "err", createErr)
	}
	return nil
}

// Select selects mailbox (SELECT, read-write); later calls act on it. On
// failure no mailbox is selected.
func (c *Client) Select(ctx context.Context, mailbox string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.selectLocked(ctx, mailbox)
}

func (c *Client) selectLocked(ctx context.Context, mailbox string) error {
	c.selected = ""
	c.uidValidity.Store(0)
	var data *imap.SelectData
	if err := c.run(ctx, "select "+mailbox, func() error {
		var err error
		data, err = c.imap.Select(mailbox, nil).Wait()
		return err
	}); err != nil {
		return err
	}
	if data.UIDValidity == 0 {
		return fmt.Errorf("mailbox: select %s: server sent no UIDVALIDITY", mailbox)
	}
	c.selected = mailbox
	c.uidValidity.Store(data.UIDValidity)
	c.drainUpdates()
	return nil
}

// checkSelected returns an error unless a mailbox is selected on a live
// connection.
func (c *Client) checkSelected() error {
	if c.imap.State() == imap.ConnStateLogout {
		return fmt.Errorf("mailbox: %w", ErrConnClosed)
	}
	if c.selected == "" {
		return fmt.Errorf("mailbox: %w", ErrNoMailboxSelected)
	}
	return nil
}

// numMessages returns the message count of the selected mailbox, kept
// current by EXISTS and EXPUNGE responses. go-imap updates its state after
// waking the caller of a command, so this is only reliable once a later
// command has completed: never call it right after SELECT.
func (c *Client) numMessages() (uint32, error) {
	mbox := c.imap.Mailbox()
	if mbox == nil {
		if c.imap.State() == imap.ConnStateLogout {
			return 0, fmt.Errorf("mailbox: %w", ErrConnClosed)
		}
		return 0, fmt.Errorf("mailbox: %w", ErrNoMailboxSelected)
	}
	return mbox.NumMessages, nil
}
