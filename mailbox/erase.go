package mailbox

import (
	"context"
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"
)

// DeleteByMessageID removes from the selected mailbox the messages whose
// Message-ID header is one of ids (given without angle brackets): UID
// SEARCH HEADER Message-ID for each, then STORE \Deleted and, with
// UIDPLUS, UID EXPUNGE of exactly those UIDs. Without UIDPLUS the
// messages stay flagged \Deleted (a plain EXPUNGE would also remove
// messages someone else flagged) and expunged is false. It returns how
// many messages matched.
func (c *Client) DeleteByMessageID(ctx context.Context, ids []string) (found int, expunged bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkSelected(); err != nil {
		return 0, false, err
	}
	var uids []imap.UID
	for _, id := range ids {
		if id == "" {
			continue
		}
		var data *imap.SearchData
		if err := c.run(ctx, "uid search message-id", func() error {
			var err error
			data, err = c.imap.UIDSearch(&imap.SearchCriteria{
				Header: []imap.SearchCriteriaHeaderField{{Key: "Message-ID", Value: "<" + id + ">"}},
			}, nil).Wait()
			return err
		}); err != nil {
			return 0, false, err
		}
		// A server that answers without UIDs finds nothing here: the
		// caller reports 0 for the folder rather than guess.
		got, _ := searchUIDs(data)
		uids = append(uids, got...)
	}
	slices.Sort(uids)
	uids = slices.Compact(uids)
	if len(uids) == 0 {
		return 0, false, nil
	}
	set := imap.UIDSetNum(uids...)
	what := fmt.Sprintf("%d messages in %s", len(uids), c.selected)
	if err := c.run(ctx, "flag deleted "+what, func() error {
		return c.imap.Store(set, &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}, nil).Close()
	}); err != nil {
		return 0, false, err
	}
	if !c.caps.UIDPLUS {
		return len(uids), false, nil
	}
	if err := c.run(ctx, "expunge "+what, func() error {
		return c.imap.UIDExpunge(set).Close()
	}); err != nil {
		return len(uids), false, err
	}
	return len(uids), true, nil
}
