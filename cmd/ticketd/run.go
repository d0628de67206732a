package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ticketd/ticketd/daemon"
)

func runDaemon(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("run", stderr)
	cfgPath := fs.String("config", "/etc/ticketd/ticketd.yaml", "configuration file")
	once := fs.Bool("once", false, "process what is in the mailbox now, try every queued email once, and exit")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := daemon.LoadConfig(*cfgPath)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Log.Format, cfg.Log.Level)
	d, err := daemon.New(cfg, log)
	if err != nil {
		return err
	}
	defer d.Close()
	if *once {
		return d.RunOnce(ctx)
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reloadCtx, stopReloads := context.WithCancel(ctx)
	reloads := make(chan struct{})
	go func() {
		defer close(reloads)
		d.WatchReloads(reloadCtx, *cfgPath, hup)
	}()
	err = d.Run(ctx)
	stopReloads()
	<-reloads
	return err
}
