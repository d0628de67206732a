// Command ticketd-bench measures ticketd against a bare IMAP client on the
// same server (see BENCHMARKS.md): a backlog drained with run --once, the
// latency of one message under IDLE, and the peak memory of the real
// binary on one large message. It carries the in-memory IMAP server the
// shipped ticketd binary must not.
//
// Usage:
//
//	ticketd-bench [--messages N] [--attachment-kb K] [--latency-messages N] [--large-mb M] ...
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// errUsage marks a command-line mistake: exit status 2.
var errUsage = errors.New("usage error")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := runBench(ctx, args, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "ticketd-bench: %v\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "ticketd-bench: %v\n", err)
		return 1
	}
}

// newFlagSet returns a flag set that reports errors instead of exiting;
// -h prints the flags on stdout.
func newFlagSet(stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("ticketd-bench", flag.ContinueOnError)
	fs.SetOutput(stdout)
	return fs
}

// parseFlags parses args, turning flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	return nil
}
