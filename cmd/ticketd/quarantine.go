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
	c, err := daemon.DialFolder(cmd.Context(), cfg, cfg.IMAP.QuarantineMailbox, newLogger(cmd.ErrOrStderr(), cfg.Log.Format, "warn"))
	if err != nil {
		return err
	}
	defer c.Close()
	return fn(cmd.Context(), c, cfg)
}

func quarantineList(ctx context.Context, c *mailbox.Client, dbPath string, maxBytes int64, w io.Writer) error {
	// The detailed reasons live in the store; while the daemon holds it,
	// the keyword alone says why.
	db, dbErr := store.Open(dbPath, store.Options{Timeout: 500 * time.Millisecond, ReadOnly: true})
	if dbErr == nil {
		defer db.Close()
	} else {
		db = nil
	}
	msgs, err := inbox.ListQuarantine(ctx, c, db, maxBytes)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "UID\tDATE\tSIZE\tFROM\tSUBJECT\tREASON")
	for _, m := range msgs {
		date := "-"
		if !m.Date.IsZero() {
			date = m.Date.UTC().Format(time.DateTime)
		}
		fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\n", m.UID, date, m.Size, oneline.Cut(m.From, 60), oneline.Cut(m.Subject, 50), oneline.Cut(m.Reason, 200))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(msgs) == 0 {
		fmt.Fprintln(w, "quarantine is empty")
	}
	return nil
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
// the inbox and says so for each.
func quarantineRetry(ctx context.Context, c *mailbox.Client, quarantine, folder string, uids []imap.UID, w io.Writer) error {
	n := 0
	err := inbox.RetryQuarantine(ctx, c, quarantine, folder, uids, func(uid imap.UID) {
		n++
		fmt.Fprintf(w, "uid %d moved back to %s\n", uid, folder)
	})
	if err == nil && n == 0 {
		fmt.Fprintln(w, "quarantine is empty")
	}
	return err
}
