// Command ticketd is the support-desk mail daemon: it reads the support
// inbox over IMAP, registers each email as a ticket held to the vendor's
// registration rules, stores it in bbolt and answers the sender over SMTP.
//
// Usage:
//
//	ticketd replay --config FILE [--format text|json] PATH...
//	ticketd run --config FILE [--once]
//	ticketd quarantine list|retry --config FILE [UID...]
//	ticketd tickets list|show|export ...
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// errUsage marks a command-line mistake: exit status 2.
var errUsage = errors.New("usage error")

// errFailed marks a command that ran but reported failures: exit status 1
// with nothing more to print.
var errFailed = errors.New("failed")

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"replay", "judge .eml files with the daemon's pipeline, offline", runReplay},
		{"run", "run the daemon: IMAP in, tickets, SMTP receipts out", runDaemon},
		{"quarantine", "list or retry quarantined messages", runQuarantine},
		{"tickets", "list, show, export, mark warranty or close tickets", runTickets},
		{"ledger", "tickets used against each organization's plan, per period", runLedger},
		{"check-config", "validate a configuration; --connect also logs in to IMAP and SMTP", runCheckConfig},
		{"backup", "write a consistent copy of the database, also while the daemon runs", runBackup},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "ticketd %s: %v\n", c.name, err)
			return 2
		case errors.Is(err, errFailed):
			return 1
		default:
			fmt.Fprintf(stderr, "ticketd %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "ticketd: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: ticketd COMMAND [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run 'ticketd COMMAND -h' for a command's flags.")
}
