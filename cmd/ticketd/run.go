package main

import (
	"context"
	"github.com/ticketd/ticketd/store"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ticketd/ticketd/daemon"
)

func runCommand() *cobra.Command {
	var cfgPath string
	var once bool
	c := &cobra.Command{
		Use:   "run [flags]",
		Short: "run the daemon: IMAP in, tickets, SMTP receipts out",
		Long: "Run the daemon until SIGTERM or SIGINT; SIGHUP reloads the organizations, contacts and rules.\n" +
			"With --once, process what is in the mailbox now, try every queued email once, and exit.",
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDaemon(cmd.Context(), cfgPath, once, cmd.ErrOrStderr())
		},
	}
	c.Flags().StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	c.Flags().BoolVar(&once, "once", false, "process what is in the mailbox now, try every queued email once, and exit")
	return c
}

func runDaemon(ctx context.Context, cfgPath string, once bool, stderr io.Writer) error {
	cfg, err := daemon.LoadConfig(cfgPath)
	if err != nil {
		return err
	}
	if err := store.EnsureDir(cfg.Store.Path); err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Log.Format, cfg.Log.Level)
	d, err := daemon.New(cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	if once {
		return d.RunOnce(ctx)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reloadCtx, stopReloads := context.WithCancel(ctx)
	reloads := make(chan struct{})
	go func() {
		defer close(reloads)
		d.WatchReloads(reloadCtx, cfgPath, hup)
	}()
	err = d.Run(ctx)
	stopReloads()
	<-reloads
	return err
}
