package mailbox

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
)

// UIDs returns the UID of every message in the selected mailbox that is not
// flagged \Deleted, ascending. It never looks at \Seen: people read the
// support mailbox too.
//
// It asks UID SEARCH UNDELETED. When the answer cannot be trusted (an
// ESEARCH reply without the UID atom, or no UIDs while the mailbox has
// messages) it asks again with FETCH 1:* (UID FLAGS).
func (c *Client) UIDs(ctx context.Context) ([]imap.UID, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.uidsLocked(ctx)
}

func (c *Client) uidsLocked(ctx context.Context) ([]imap.UID, error) {
	if err := c.checkSelected(); err != nil {
		return nil, err
	}
	// Whatever arrived before this search is reflected in its answer.
	c.drainUpdates()

	var data *imap.SearchData
	if err := c.run(ctx, "uid search", func() error {
		var err error
		data, err = c.imap.UIDSearch(&imap.SearchCriteria{
			NotFlag: []imap.Flag{imap.FlagDeleted},
		}, nil).Wait()
		return err
	}); err != nil {
		return nil, err
	}
	exists, err := c.numMessages()
	if err != nil {
		return nil, err
	}
	uids, trusted := searchUIDs(data)
	if trusted && (len(uids) > 0 || exists == 0) {
		return uids, nil
	}
	if exists == 0 {
		return nil, nil
	}
	c.log.Debug("imap search answer not trusted, fetching flags", "exists", exists, "all", data.All)
	return c.undeletedByFetch(ctx)
}

// searchUIDs returns the UIDs of a UID SEARCH answer, sorted, and whether
// the answer can be trusted. go-imap leaves All nil for an ESEARCH answer
// without ALL (empty, or the server is confused) and makes it a SeqSet when
// the server forgot the UID atom.
func searchUIDs(data *imap.SearchData) ([]imap.UID, bool) {
	set, ok := data.All.(imap.UIDSet)
	if !ok {
		return nil, false
	}
	uids, ok := set.Nums()
	if !ok {
		return nil, false
	}
	slices.Sort(uids)
	return slices.Compact(uids), true
}

// undeletedByFetch lists UIDs with FETCH 1:* (UID FLAGS), skipping \Deleted.
func (c *Client) undeletedByFetch(ctx context.Context) ([]imap.UID, error) {
	var uids []imap.UID
	err := c.run(ctx, "fetch flags", func() error {
		msgs, err := c.imap.Fetch(imap.SeqSet{{Start: 1, Stop: 0}}, &imap.FetchOptions{
			UID:   true,
			Flags: true,
		}).Collect()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if m.UID == 0 {
				return errors.New("server sent a FETCH answer without UID")
			}
			if !hasFlag(m.Flags, imap.FlagDeleted) {
				uids = append(uids, m.UID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(uids)
	return slices.Compact(uids), nil
}

// hasFlag reports whether flags holds flag; flags are case-insensitive.
func hasFlag(flags []imap.Flag, flag imap.Flag) bool {
	return slices.ContainsFunc(flags, func(f imap.Flag) bool {
		return strings.EqualFold(string(f), string(flag))
	})
}

// oneUID returns the set holding only uid, refusing 0: go-imap encodes 0
// as "*", the last message of the mailbox.
func oneUID(uid imap.UID) (imap.UIDSet, error) {
	if uid == 0 {
		return nil, errors.New("mailbox: UID 0 is not a valid UID")
	}
	return imap.UIDSetNum(uid), nil
}
