package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/spf13/cobra"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/daemon"
	"github.com/ticketd/ticketd/inbox"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/mailbox"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

func quarantineCommand() *cobra.Command {
	var cfgPath string
	list := &cobra.Command{
		Use:   "list [flags]",
		Short: "what sits in the quarantine folder, and why",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withQuarantine(cmd, cfgPath, func(ctx context.Context, c *mailbox.Client, cfg *config.Config) error {
				return quarantineList(ctx, c, cfg.Store.Path, cfg.IMAP.MaxMessageBytes, cmd.OutOrStdout())
			})
		},
	}
	var all bool
	retry := &cobra.Command{
		Use:   "retry [flags] UID...|--all",
		Short: "move quarantined messages (every one with --all) back to the inbox",
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case all && len(args) > 0:
				return fmt.Errorf("%w: give UIDs or --all, not both", errUsage)
			case !all && len(args) == 0:
				return fmt.Errorf("%w: which messages? give their UIDs (see quarantine list), or --all for every one", errUsage)
			}
			uids, err := parseUIDs(args)
			if err != nil {
				return err
			}
			return withQuarantine(cmd, cfgPath, func(ctx context.Context, c *mailbox.Client, cfg *config.Config) error {
				return quarantineRetry(ctx, c, cfg.IMAP.QuarantineMailbox, cfg.IMAP.Mailbox, uids, cmd.OutOrStdout())
			})
		},
	}
	retry.Flags().BoolVar(&all, "all", false, "retry every quarantined message")
	c := group("quarantine list|retry", "list or retry quarantined messages", list, retry)
	c.PersistentFlags().StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	return c
}

// withQuarantine logs in to the quarantine folder and runs fn.
func withQuarantine(cmd *cobra.Command, cfgPath string, fn func(context.Context, *mailbox.Client, *config.Config) error) error {
	cfg, err := daemon.LoadConfig(cfgPath)
	if err != nil {
		return err
	}
	c, err := dialForCommand(cmd.Context(), cfg, cfg.IMAP.QuarantineMailbox, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	defer c.Close()
	return fn(cmd.Context(), c, cfg)
}

func quarantineList(ctx context.Context, c *mailbox.Client, dbPath string, maxBytes int64, w io.Writer) error {
	msgs, err := c.List(ctx)
	if err != nil {
		return fmt.Errorf("list quarantine: %w", err)
	}
	// The detailed reasons live in the store; while the daemon holds it,
	// the keyword alone says why.
	db, dbErr := store.Open(dbPath, store.Options{Timeout: 500 * time.Millisecond, ReadOnly: true})
	if dbErr == nil {
		defer db.Close()
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UID\tDATE\tSIZE\tFROM\tSUBJECT\tREASON")
	for _, m := range msgs {
		reason := "unknown"
		for kw, text := range inbox.ReasonText {
			if mailbox.HasKeyword(m.Flags, kw) {
				reason = text
			}
		}
		if mailbox.HasKeyword(m.Flags, inbox.ReasonTooLarge) {
			reason = fmt.Sprintf("too large: %d bytes (imap.max_message_bytes is now %d)", m.Size, maxBytes)
		} else if db != nil {
			if r := storedReason(ctx, c, db, m, maxBytes); r != "" {
				reason = r
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\n", m.UID, quarantineDate(m), m.Size, oneline.Cut(m.From, 60), oneline.Cut(m.Subject, 50), oneline.Cut(reason, 200))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(msgs) == 0 {
		fmt.Fprintln(w, "quarantine is empty")
	}
	return nil
}

// storedReason is the detailed reason the daemon kept for m, under the
// key it used: the Message-ID, else a hash of the content (which needs the
// message, fetched within maxBytes).
func storedReason(ctx context.Context, c *mailbox.Client, db *store.DB, m mailbox.Summary, maxBytes int64) string {
	key := ""
	if m.MessageID != "" {
		key = "mid:" + m.MessageID
	} else if f, err := c.Fetch(ctx, m.UID, maxBytes); err == nil {
		key = registration.ContentKey(f.Raw)
	}
	if key == "" {
		return ""
	}
	r, _, err := db.QuarantineReason(key)
	if err != nil {
		return ""
	}
	return r
}

// quarantineDate is when the message was written (its Date header), else
// when the server received it (INTERNALDATE), in UTC.
func quarantineDate(m mailbox.Summary) string {
	d := m.Date
	if d.IsZero() {
		d = m.InternalDate
	}
	if d.IsZero() {
		return "-"
	}
	return d.UTC().Format(time.DateTime)
}

// parseUIDs reads the UIDs of quarantine retry: anything else is a usage
// error.
func parseUIDs(args []string) ([]imap.UID, error) {
	var uids []imap.UID
	for _, a := range args {
		n, err := strconv.ParseUint(a, 10, 32)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("%w: %q is not a UID", errUsage, oneline.Cut(a, 40))
		}
		uids = append(uids, imap.UID(n))
	}
	return uids, nil
}

// quarantineRetry moves the given UIDs (all when none is given) back to
// the inbox, clearing the quarantine keywords, to be processed again. A
// UID that is not in the quarantine folder fails the command before any
// message moves.
func quarantineRetry(ctx context.Context, c *mailbox.Client, quarantine, folder string, uids []imap.UID, w io.Writer) error {
	present, err := c.UIDs(ctx)
	if err != nil {
		return fmt.Errorf("list quarantine: %w", err)
	}
	if len(uids) == 0 {
		uids = present
		if len(uids) == 0 {
			fmt.Fprintln(w, "quarantine is empty")
		}
	}
	var missing []string
	for _, uid := range uids {
		if !slices.Contains(present, uid) {
			missing = append(missing, strconv.FormatUint(uint64(uid), 10))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("no UID %s in %s (see quarantine list)", strings.Join(missing, ", "), quarantine)
	}
	for _, uid := range uids {
		for kw := range inbox.ReasonText {
			_ = c.RemoveKeyword(ctx, uid, kw)
		}
		if err := c.MoveTo(ctx, uid, folder); err != nil {
			return fmt.Errorf("move uid %d to %s: %w", uid, folder, err)
		}
		fmt.Fprintf(w, "uid %d moved back to %s\n", uid, folder)
	}
	return nil
}
