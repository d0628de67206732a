package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/replay"
)

func replayCommand() *cobra.Command {
	var cfgPath, format string
	var workers int
	var verifyDKIM, verbose bool
	var expect []string
	c := &cobra.Command{
		Use:   "replay [flags] PATH...",
		Short: "judge .eml files with the daemon's pipeline, offline",
		Long: "Judge .eml files, or directories of them (recursively), exactly as the daemon judges mail,\n" +
			"without a mailbox, a store or a network connection. Exit status 1 when a file cannot be parsed.",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && len(expect) == 0 {
				return fmt.Errorf("%w: no PATH given (an .eml file or a directory of them)", errUsage)
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(expect) > 0 {
				cfg, err := config.Load(cfgPath)
				if err != nil {
					return err
				}
				err = replay.Expect(cmd.Context(), expect, args, cfg.Policy(), cfg.IntakeLimits(), workers, cmd.OutOrStdout())
				if errors.Is(err, replay.ErrPath) || errors.Is(err, replay.ErrLabels) {
					return fmt.Errorf("%w: %v", errUsage, err)
				}
				return err
			}
			if err := checkFormat(format); err != nil {
				return err
			}
			var v io.Writer
			if verbose {
				v = cmd.ErrOrStderr()
			}
			return runReplay(cmd.Context(), cfgPath, format, workers, verifyDKIM, args, cmd.OutOrStdout(), v)
		},
	}
	c.Flags().StringVar(&cfgPath, "config", "config.example.yaml", "configuration file (only tickets, rules and organizations are used)")
	c.Flags().StringVar(&format, "format", "text", "output format: text or json")
	c.Flags().IntVar(&workers, "workers", runtime.GOMAXPROCS(0), "messages judged in parallel")
	c.Flags().StringArrayVar(&expect, "expect", nil, "label file (JSON lines: file, verdict, rules, reason) to score against: prints precision and recall per rule and the misses; repeatable; with no PATH the labelled files are judged")
	c.Flags().BoolVarP(&verbose, "verbose", "v", false, "also name the files of the directories that were skipped (not .eml), on standard error")
	c.Flags().BoolVar(&verifyDKIM, "verify-dkim", false, "also check DKIM signatures as security.verify_dkim does (DNS lookups; off: no network connection)")
	return c
}

// runReplay judges paths and writes the results to stdout; verbose, when
// set, hears which files of the directories were skipped.
func runReplay(ctx context.Context, cfgPath, format string, workers int, verifyDKIM bool, paths []string, stdout, verbose io.Writer) error {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	files, skipped, err := replay.FindEML(paths)
	if errors.Is(err, replay.ErrPath) {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if err != nil {
		return err
	}
	if verbose != nil {
		for _, f := range skipped {
			fmt.Fprintf(verbose, "skipped %s: not an .eml file\n", strconv.QuoteToASCII(f))
		}
	}
	var auth *registration.Authenticator
	if verifyDKIM {
		auth = registration.NewAuthenticator(cfg.Security.TrustedAuthServIDs, nil)
	}
	results := replay.Judge(ctx, files, cfg.Policy(), cfg.IntakeLimits(), auth, workers)
	if format == "json" {
		err = replay.WriteJSON(stdout, results)
	} else {
		err = replay.WriteText(stdout, results)
	}
	if err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	for _, r := range results {
		if r.Verdict == "error" {
			return errFailed
		}
	}
	return ctx.Err()
}
