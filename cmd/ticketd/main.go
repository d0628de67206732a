// Command ticketd is the support-desk mail daemon: it reads the support
// inbox over IMAP, registers each email as a ticket held to the vendor's
// registration rules, stores it in bbolt and answers the sender over SMTP.
//
// Usage:
//
//	ticketd run [--config FILE] [--once]
//	ticketd replay [--config FILE] [--format text|json] PATH...
//	ticketd quarantine list|retry [--config FILE] [UID...|--all]
//	ticketd tickets list|show|export|warranty|close ...
//	ticketd held list|release [ID|--all]
//	ticketd turned-away list [--since D] [--reason R] [--format text|json]
//	ticketd erase --sender ADDRESS
//	ticketd users list|add|passwd|disable|enable [NAME] [--role agent|lead] [--password-file FILE]
//	ticketd ledger | check-config | check-store | backup | compact | version | man | completion
//
// This package is the command line only: one file per command, each
// calling the library packages (daemon, registration, admin, store).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ticketd/ticketd/desk"
)

// errUsage marks a command-line mistake: exit status 2.
var errUsage = desk.ErrUsage

// errFailed marks a command that ran but reported failures: exit status 1
// with nothing more to print.
var errFailed = errors.New("failed")

// defaultConfig is where the daemon's configuration lives by default.
const defaultConfig = "/etc/ticketd/ticketd.yaml"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(runIn(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status: 0, 1 when
// the command failed, 2 for a usage error. Standard input is the
// process's.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runIn(ctx, args, os.Stdin, stdout, stderr)
}

// runIn is run with stdin as standard input (where `users add` and
// `users passwd` read a password when it is not a terminal).
func runIn(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot()
	if unknownHelpTopic(root, args, stderr) {
		return 2
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errFailed):
		return 1
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), err)
		fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		return 2
	case strings.HasPrefix(err.Error(), "unknown command"):
		fmt.Fprintf(stderr, "ticketd: %v\nRun 'ticketd --help' for usage.\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), err)
		return 1
	}
}

// newRoot builds the command tree.
func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "ticketd",
		Short: "Support-desk mail daemon: IMAP in, tickets, SMTP receipts out",
		Long: "ticketd reads the support inbox over IMAP, registers each email as a ticket held to the\n" +
			"registration rules, stores it in bbolt and answers the sender over SMTP.",
		SilenceErrors: true,
		SilenceUsage:  true,
		// Without a command: the usage on standard error, exit 2.
		RunE: func(cmd *cobra.Command, args []string) error {
			cmd.SetOut(cmd.ErrOrStderr())
			_ = cmd.Usage()
			return fmt.Errorf("%w: no command given", errUsage)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return fmt.Errorf("%w: %w", errUsage, err)
	})
	root.AddCommand(
		runCommand(), replayCommand(), quarantineCommand(), ticketsCommand(), ledgerCommand(),
		checkConfigCommand(), backupCommand(), checkStoreCommand(), compactCommand(), heldCommand(),
		turnedAwayCommand(), eraseCommand(), usersCommand(), versionCommand(), manCommand(root),
	)
	return root
}

// group is a command that only holds subcommands: without one, or with an
// unknown one, it is a usage error.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return fmt.Errorf("%w: unknown subcommand %q", errUsage, args[0])
			}
			return fmt.Errorf("%w: a subcommand is needed", errUsage)
		},
	}
	c.AddCommand(subs...)
	return c
}

// exactArgs wants n positional arguments, a usage error otherwise.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return fmt.Errorf("%w: %s takes %d argument(s), got %d", errUsage, cmd.CommandPath(), n, len(args))
		}
		return nil
	}
}

// checkFormat refuses an output format other than text or json.
func checkFormat(format string) error {
	if format != "text" && format != "json" {
		return fmt.Errorf("%w: --format must be text or json", errUsage)
	}
	return nil
}
