package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/spf13/cobra"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/daemon"
	"github.com/ticketd/ticketd/inbox"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/mailbox"
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
				return quarantineList(ctx, c, cfg.Store.Path, cmd.OutOrStdout())
			})
		},
	}
	retry := &cobra.Command{
		Use:   "retry [flags] [UID...]",
		Short: "move quarantined messages (all without UIDs) back to the inbox",
		RunE: func(cmd *cobra.Command, args []string) error {
			return withQuarantine(cmd, cfgPath, func(ctx context.Context, c *mailbox.Client, cfg *config.Config) error {
				return quarantineRetry(ctx, c, cfg.IMAP.Mailbox, args, cmd.OutOrStdout())
			})
		},
	}
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

func quarantineList(ctx context.Context, c *mailbox.Client, dbPath string, w io.Writer) error {
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
		if db != nil && m.MessageID != "" {
			if r, _, err := db.QuarantineReason("mid:" + m.MessageID); err == nil && r != "" {
				reason = r
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\n", m.UID, m.Date.Format(time.DateTime), m.Size, m.From, oneline.Cut(m.Subject, 50), reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(msgs) == 0 {
		fmt.Fprintln(w, "quarantine is empty")
	}
	return nil
}

// quarantineRetry moves the given UIDs (all when none is given) back to
// the inbox, clearing the quarantine keywords, to be processed again.
func quarantineRetry(ctx context.Context, c *mailbox.Client, folder string, args []string, w io.Writer) error {
	var uids []imap.UID
	for _, a := range args {
		n, err := strconv.ParseUint(a, 10, 32)
		if err != nil || n == 0 {
			return fmt.Errorf("%w: %q is not a UID", errUsage, a)
		}
		uids = append(uids, imap.UID(n))
	}
	if len(uids) == 0 {
		all, err := c.UIDs(ctx)
		if err != nil {
			return fmt.Errorf("list quarantine: %w", err)
		}
		uids = all
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
