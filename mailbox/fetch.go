package mailbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// maxPrealloc bounds the buffer allocated up front from a size the server
// announced, when the caller set no limit.
const maxPrealloc = 64 << 20

// Fetched is one downloaded message.
type Fetched struct {
	UID          imap.UID
	Size         int64 // RFC822.SIZE as reported by the server
	InternalDate time.Time
	Raw          []byte // the whole message, exactly as stored
}

// Fetch downloads the whole raw message with BODY.PEEK[], so \Seen is not
// set. It first asks RFC822.SIZE and returns an error wrapping ErrTooLarge,
// without downloading, when the size is over maxBytes (maxBytes <= 0: no
// limit). An unknown UID gives an error wrapping ErrNotFound.
func (c *Client) Fetch(ctx context.Context, uid imap.UID, maxBytes int64) (*Fetched, error) {
	set, err := oneUID(uid)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.checkSelected(); err != nil {
		return nil, err
	}

	f := &Fetched{UID: uid}
	var found bool
	if err := c.run(ctx, fmt.Sprintf("fetch size of UID %d", uid), func() error {
		msgs, err := c.imap.Fetch(set, &imap.FetchOptions{
			UID:          true,
			RFC822Size:   true,
			InternalDate: true,
		}).Collect()
		for _, m := range msgs {
			if m.UID == uid {
				found = true
				f.Size = m.RFC822Size
				f.InternalDate = m.InternalDate
			}
		}
		return err
	}); err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("mailbox: fetch UID %d: %w", uid, ErrNotFound)
	}
	if maxBytes > 0 && f.Size > maxBytes {
		return nil, fmt.Errorf("mailbox: fetch UID %d: %d bytes, limit %d: %w", uid, f.Size, maxBytes, ErrTooLarge)
	}

	err = c.run(ctx, fmt.Sprintf("fetch UID %d", uid), func() error {
		var err error
		f.Raw, err = c.fetchBody(set, uid, maxBytes)
		return err
	})
	if err != nil {
		return nil, err
	}
	if f.Raw == nil {
		return nil, fmt.Errorf("mailbox: fetch UID %d: %w", uid, ErrNotFound)
	}
	if int64(len(f.Raw)) != f.Size {
		c.log.Debug("imap RFC822.SIZE differs from body length", "uid", uid, "size", f.Size, "len", len(f.Raw))
	}
	return f, nil
}

// fetchBody streams BODY.PEEK[] of uid into a buffer sized from the literal.
// It returns nil, nil when the server sent no body for uid.
func (c *Client) fetchBody(set imap.UIDSet, uid imap.UID, maxBytes int64) ([]byte, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	cmd := c.imap.Fetch(set, &imap.FetchOptions{
		UID:         true,
		BodySection: []*imap.FetchItemBodySection{section},
	})
	// Close drains whatever was not read, so the connection stays in sync.
	defer cmd.Close()

	var raw []byte
	for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
		var msgUID imap.UID
		for item := msg.Next(); item != nil; item = msg.Next() {
			switch item := item.(type) {
			case imapclient.FetchItemDataUID:
				msgUID = item.UID
			case imapclient.FetchItemDataBodySection:
				if (msgUID != 0 && msgUID != uid) || item.Literal == nil || !item.MatchCommand(section) {
					continue
				}
				size := item.Literal.Size()
				if maxBytes > 0 && size > maxBytes {
					return nil, fmt.Errorf("%d bytes, limit %d: %w", size, maxBytes, ErrTooLarge)
				}
				b, err := readLiteral(item.Literal, size, maxBytes)
				if err != nil {
					return nil, fmt.Errorf("reading body: %w", err)
				}
				raw = b
			}
		}
	}
	if err := cmd.Close(); err != nil {
		return nil, err
	}
	return raw, nil
}

// readLiteral reads exactly size bytes from r. The buffer is allocated in
// one piece when the size is within the caller's limit (maxBytes > 0, and
// checked before) or plausible; an implausibly large size with no limit
// makes it grow as the data really arrives.
func readLiteral(r io.Reader, size, maxBytes int64) ([]byte, error) {
	if size < 0 {
		return nil, fmt.Errorf("negative literal size %d", size)
	}
	if size <= maxPrealloc || (maxBytes > 0 && size <= maxBytes) {
		buf := make([]byte, size)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	var buf bytes.Buffer
	buf.Grow(maxPrealloc)
	n, err := buf.ReadFrom(io.LimitReader(r, size))
	if err != nil {
		return nil, err
	}
	if n != size {
		return nil, errors.New("literal shorter than announced")
	}
	return buf.Bytes(), nil
}
