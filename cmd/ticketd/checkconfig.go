package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
	"github.com/ticketd/ticketd/daemon"
)

func checkConfigCommand() *cobra.Command {
	var cfgPath string
	var connect bool
	c := &cobra.Command{
		Use:   "check-config [flags]",
		Short: "validate a configuration; --connect also logs in to IMAP and SMTP",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheckConfig(cmd.Context(), cfgPath, connect, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	c.Flags().StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	c.Flags().BoolVar(&connect, "connect", false, "also log in to the IMAP and SMTP servers and report what they support")
	return c
}

// runCheckConfig validates a configuration file and, with connect, logs
// in to the IMAP and SMTP servers and reports what they support.
func runCheckConfig(ctx context.Context, cfgPath string, connect bool, stdout, stderr io.Writer) error {
	cfg, err := daemon.LoadConfig(cfgPath)
	if err != nil {
		return err
	}
	p := cfg.Policy()
	contacts := 0
	for _, o := range p.Organizations {
		contacts += len(o.Contacts)
	}
	fmt.Fprintf(stdout, "%s: valid (%d organizations, %d contacts)\n", cfgPath, len(p.Organizations), contacts)
	for _, w := range daemon.ConfigWarnings(cfg) {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if !connect {
		return nil
	}
	if !daemon.CheckConnect(ctx, cfg, stdout, stderr, newLogger(io.Discard, cfg.Log.Format, "warn")) {
		return errFailed
	}
	return nil
}
