package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/smtp"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/ticketd/ticketd/internal/dovecot"
)

// benchIMAPConfig says how the benchmark reaches its IMAP server.
type benchIMAPConfig struct {
	addr, user, password, security string
}

// benchMailbox is the benchmark's IMAP server: in-process, a private
// Dovecot (--dovecot) or a real one (--imap).
type benchMailbox struct {
	mem     *benchIMAP      // the in-process server, or nil
	dovecot *dovecot.Server // --dovecot, or nil
	cfg     benchIMAPConfig
}

// openBenchMailbox opens the server o names. --dovecot's files go under
// --dir, else under the system's temporary directory: the benchmark's own
// temporary directory is private to root, and Dovecot's mail processes run
// as the user mail.
func openBenchMailbox(o benchOptions) (*benchMailbox, error) {
	switch {
	case o.imapAddr != "":
		return &benchMailbox{cfg: benchIMAPConfig{addr: o.imapAddr, user: o.imapUser, password: o.imapPassword, security: o.imapSecurity}}, nil
	case o.dovecot:
		dc, err := dovecot.Start(o.dir)
		if err != nil {
			return nil, fmt.Errorf("--dovecot: %w", err)
		}
		return &benchMailbox{dovecot: dc, cfg: benchIMAPConfig{addr: dc.Addr, user: dc.User, password: dc.Password, security: "none"}}, nil
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
	if b.dovecot != nil {
		b.dovecot.Close()
	}
}

// appendWindow is how many APPENDs go out before their answers are read:
// filling a real server's INBOX is not what is measured.
const appendWindow = 32

// appendAll puts messages in the INBOX: directly into the in-process
// server, with pipelined APPENDs over one connection into a real one.
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
	for window := range slices.Chunk(msgs, appendWindow) {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		cmds := make([]*imapclient.AppendCommand, 0, len(window))
		for _, raw := range window {
			cmd := c.Append("INBOX", int64(len(raw)), nil)
			if _, err := cmd.Write(raw); err != nil {
				return fmt.Errorf("append: %w", err)
			}
			if err := cmd.Close(); err != nil {
				return fmt.Errorf("append: %w", err)
			}
			cmds = append(cmds, cmd)
		}
		for _, cmd := range cmds {
			if _, err := cmd.Wait(); err != nil {
				return fmt.Errorf("append: %w", err)
			}
		}
	}
	return nil
}

// deleteFolder removes a folder a phase filled, so that every phase finds
// the server as the first did (and a real server's disk is not filled with
// copies). A folder that does not exist is fine.
func (b *benchMailbox) deleteFolder(ctx context.Context, name string) error {
	c, err := benchDial(ctx, b.cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Delete(name).Wait(); err != nil {
		var ierr *imap.Error
		if errors.As(err, &ierr) && ierr.Type == imap.StatusResponseTypeNo {
			return nil
		}
		return fmt.Errorf("delete %s: %w", name, err)
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

// bareBatch is how many messages the batched bare client fetches with one
// UID FETCH and moves with one UID MOVE.
const bareBatch = 100

// bareDrain is the limit ticketd is measured against: the same library
// and server, a client with no parsing, rules or storage that fetches the
// whole bodies (BODY.PEEK[]) of bareBatch messages with one UID FETCH and
// moves them to dest with one UID MOVE, as a careful engineer would write
// it with go-imap v2. With reply, it also answers each message with one
// short email over reply's one SMTP session, between the fetch and the
// move (the end-to-end limit).
func bareDrain(ctx context.Context, cfg benchIMAPConfig, dest string, reply *bareReplier) (time.Duration, error) {
	c, err := dialWithFolder(ctx, cfg, dest)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	start := time.Now()
	if reply != nil {
		if err := reply.connect(); err != nil {
			return 0, err
		}
		defer reply.close()
	}
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		return 0, err
	}
	data, err := c.UIDSearch(&imap.SearchCriteria{}, nil).Wait()
	if err != nil {
		return 0, err
	}
	var bodies [][]byte
	for chunk := range slices.Chunk(data.AllUIDs(), bareBatch) {
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		set := imap.UIDSetNum(chunk...)
		cmd := c.Fetch(set, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
		bodies = bodies[:0]
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				body, ok := item.(imapclient.FetchItemDataBodySection)
				if !ok || body.Literal == nil {
					continue
				}
				if reply == nil {
					if _, err := io.Copy(io.Discard, body.Literal); err != nil {
						return 0, err
					}
					continue
				}
				raw, err := io.ReadAll(body.Literal)
				if err != nil {
					return 0, err
				}
				bodies = append(bodies, raw)
			}
		}
		if err := cmd.Close(); err != nil {
			return 0, fmt.Errorf("fetch %d messages: %w", len(chunk), err)
		}
		for _, raw := range bodies {
			if err := reply.send(raw); err != nil {
				return 0, err
			}
		}
		if _, err := c.Move(set, dest).Wait(); err != nil {
			return 0, fmt.Errorf("move %d messages: %w", len(chunk), err)
		}
	}
	return time.Since(start), nil
}

// bareDrainOne is the benchmark's first bare client, kept as a second
// line: one UID FETCH and one UID MOVE per message.
func bareDrainOne(ctx context.Context, cfg benchIMAPConfig, dest string) (time.Duration, error) {
	c, err := dialWithFolder(ctx, cfg, dest)
	if err != nil {
		return 0, err
	}
	defer c.Close()
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

// dialWithFolder logs in as benchDial does and creates the folder dest
// the bare client moves messages to, unless it exists.
func dialWithFolder(ctx context.Context, cfg benchIMAPConfig, dest string) (*imapclient.Client, error) {
	c, err := benchDial(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := c.Create(dest, nil).Wait(); err != nil {
		var ierr *imap.Error
		if !errors.As(err, &ierr) || ierr.Code != imap.ResponseCodeAlreadyExists {
			c.Close()
			return nil, fmt.Errorf("create %s: %w", dest, err)
		}
	}
	return c, nil
}

// bareReplier answers messages over one SMTP session with the standard
// library's client: MAIL, RCPT, DATA and the final dot, one round trip
// each, as a careful engineer's simple client sends mail.
type bareReplier struct {
	addr, from string
	c          *smtp.Client
	seq        int
}

func (r *bareReplier) connect() error {
	c, err := smtp.Dial(r.addr)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", r.addr, err)
	}
	if err := c.Hello("bench.example"); err != nil {
		c.Close()
		return fmt.Errorf("smtp EHLO: %w", err)
	}
	r.c = c
	return nil
}

func (r *bareReplier) close() {
	if r.c != nil {
		_ = r.c.Quit()
		r.c = nil
	}
}

// send answers raw with a short text email to its sender.
func (r *bareReplier) send(raw []byte) error {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	from, err := mail.ParseAddress(m.Header.Get("From"))
	if err != nil {
		return fmt.Errorf("reply: From: %w", err)
	}
	r.seq++
	if err := r.c.Mail(r.from); err != nil {
		return fmt.Errorf("reply: MAIL: %w", err)
	}
	if err := r.c.Rcpt(from.Address); err != nil {
		return fmt.Errorf("reply: RCPT: %w", err)
	}
	w, err := r.c.Data()
	if err != nil {
		return fmt.Errorf("reply: DATA: %w", err)
	}
	fmt.Fprintf(w, "From: Support <%s>\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <bare-%d@bench.example>\r\nIn-Reply-To: %s\r\nDate: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nWe have received your message and will answer it soon.\r\n",
		r.from, from.Address, m.Header.Get("Subject"), r.seq, m.Header.Get("Message-ID"), time.Now().Format(time.RFC1123Z))
	if err := w.Close(); err != nil {
		return fmt.Errorf("reply: end of data: %w", err)
	}
	return nil
}
