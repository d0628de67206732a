package main

import (
	"context"
	"fmt"
	"io"
	"os/user"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ticketd/ticketd/admin"
)

func eraseCommand() *cobra.Command {
	var cfgPath, sender, by string
	c := &cobra.Command{
		Use:   "erase --sender ADDRESS [flags]",
		Short: "erase a person's data (GDPR art. 17): messages, attachments, emails, personal fields, mail folders",
		Long: "Erase everything ticketd holds about the sender ADDRESS: their raw messages and attachments,\n" +
			"the stored emails to them, the personal fields of their tickets and turned-away records, and\n" +
			"their messages in the processed and quarantine IMAP folders. Ticket numbers, ledger counts and\n" +
			"an erasure record (who asked, when, counts; no address) stay. Through the running daemon, or on\n" +
			"the file when it is stopped. Backups taken earlier still hold the data until they are rotated.",
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(sender) == "" {
				return fmt.Errorf("%w: --sender ADDRESS is required", errUsage)
			}
			if by == "" {
				if u, err := user.Current(); err == nil {
					by = u.Username
				}
			}
			return runErase(cmd.Context(), cfgPath, sender, by, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	c.Flags().StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	c.Flags().StringVar(&sender, "sender", "", "the address whose data is erased (required)")
	c.Flags().StringVar(&by, "requested-by", "", "who asked, kept in the erasure record (default: the current user)")
	return c
}

func runErase(ctx context.Context, cfgPath, sender, by string, stdout, stderr io.Writer) error {
	a, err := openDesk(ctx, cfgPath, true)
	if err != nil {
		return err
	}
	defer a.Close()
	res, via, err := a.Erase(ctx, sender, by, newLogger(stderr, a.Config().Log.Format, "warn"))
	if err != nil {
		return err
	}
	writeErase(stdout, sender, via, res)
	if res.MailboxError != "" {
		return fmt.Errorf("erase: the store is done, but not the mail folders: %s (run the same command again to finish)", res.MailboxError)
	}
	return nil
}

func writeErase(w io.Writer, sender, via string, res *admin.EraseResult) {
	st := res.Stats
	fmt.Fprintf(w, "erased %s %s:\n", sender, via)
	fmt.Fprintf(w, "  tickets: %d (their messages: %d)\n  turned-away records: %d\n  raw messages deleted: %d\n  emails to them: %d\n  bytes deleted: %d\n",
		st.Tickets, st.Messages, st.TurnedAway, st.RawMessages, st.Emails, st.Bytes)
	folders := make([]string, 0, len(res.Folders))
	for f := range res.Folders {
		folders = append(folders, f)
	}
	slices.Sort(folders)
	for _, f := range folders {
		fmt.Fprintf(w, "  removed from IMAP folder %s: %d\n", f, res.Folders[f])
	}
	if res.Unsearchable > 0 {
		fmt.Fprintf(w, "  messages without a Message-ID (not searchable in the folders; remove by hand): %d\n", res.Unsearchable)
	}
	fmt.Fprintln(w, "  backups taken earlier still hold this data until they are rotated")
}
