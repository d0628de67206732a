package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// benchIMAPConfig says how the benchmark reaches its IMAP server.
type benchIMAPConfig struct {
	addr, user, password, security string
}

// benchMailbox is the benchmark's IMAP server: in-process, or a real one.
type benchMailbox struct {
	mem *benchIMAP // nil with a real server
	cfg benchIMAPConfig
}

func openBenchMailbox(o benchOptions) (*benchMailbox, error) {
	if o.imapAddr != "" {
		return &benchMailbox{cfg: benchIMAPConfig{addr: o.imapAddr, user: o.imapUser, password: o.imapPassword, security: o.imapSecurity}}, nil
	}
	mem, err := startBenchIMAP()
	if err != nil {
		return nil, fmt.Errorf("imap server: %w", err)
	}
	return &benchMailbox{mem: mem, cfg: benchIMAPConfig{addr: mem.addr, user: benchUser, password: benchPassword, security: "none"}}, nil
}

func (b *benchMailbox) config() benchIMAPConfig { return b.cfg }

func (b *benchMailbox) Close() {
	if b.mem != nil {
		b.mem.Close()
	}
}

// appendAll puts messages in the INBOX: directly into the in-process
// server, with APPEND over one connection into a real one.
func (b *benchMailbox) appendAll(ctx context.Context, msgs [][]byte) error {
	if b.mem != nil {
		for _, raw := range msgs {
			if err := b.mem.append("INBOX", raw); err != nil {
				return fmt.Errorf("append: %w", err)
			}
		}
		return nil
	}
	c, err := benchDial(ctx, b.cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, raw := range msgs {
		cmd := c.Append("INBOX", int64(len(raw)), nil)
		if _, err := cmd.Write(raw); err != nil {
			return fmt.Errorf("append: %w", err)
		}
		if err := cmd.Close(); err != nil {
			return fmt.Errorf("append: %w", err)
		}
		if _, err := cmd.Wait(); err != nil {
			return fmt.Errorf("append: %w", err)
		}
	}
	return nil
}

// benchDial logs in with the bare go-imap client.
func benchDial(ctx context.Context, cfg benchIMAPConfig) (*imapclient.Client, error) {
	opts := &imapclient.Options{TLSConfig: &tls.Config{InsecureSkipVerify: true}} // #nosec G402 -- a benchmark against a test server
	var (
		c   *imapclient.Client
		err error
	)
	switch cfg.security {
	case "tls":
		c, err = imapclient.DialTLS(cfg.addr, opts)
	case "starttls":
		c, err = imapclient.DialStartTLS(cfg.addr, opts)
	default:
		c, err = imapclient.DialInsecure(cfg.addr, opts)
	}
	if err != nil {
		return nil, fmt.Errorf("imap %s: %w", cfg.addr, err)
	}
	if err := c.Login(cfg.user, cfg.password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("imap login: %w", err)
	}
	return c, nil
}

// bareDrain is the limit ticketd is measured against: the same library
// and server, fetching every message's whole body and moving it to dest,
// one message at a time, with no parsing, rules or storage.
func bareDrain(ctx context.Context, cfg benchIMAPConfig, dest string) (time.Duration, error) {
	c, err := benchDial(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if err := c.Create(dest, nil).Wait(); err != nil {
		var ierr *imap.Error
		if !errors.As(err, &ierr) || ierr.Code != imap.ResponseCodeAlreadyExists {
			return 0, fmt.Errorf("create %s: %w", dest, err)
		}
	}
	start := time.Now()
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		return 0, err
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		return 0, err
	}
	for _, uid := range data.AllUIDs() {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		set := imap.UIDSetNum(uid)
		cmd := c.Fetch(set, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				if body, ok := item.(imapclient.FetchItemDataBodySection); ok {
					if _, err := io.Copy(io.Discard, body.Literal); err != nil {
						return 0, err
					}
				}
			}
		}
		if err := cmd.Close(); err != nil {
			return 0, fmt.Errorf("fetch %d: %w", uid, err)
		}
		if _, err := c.Move(set, dest).Wait(); err != nil {
			return 0, fmt.Errorf("move %d: %w", uid, err)
		}
	}
	return time.Since(start), nil
}
