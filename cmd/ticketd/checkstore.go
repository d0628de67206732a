package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/store"
)

func checkStoreCommand() *cobra.Command {
	var cfgPath string
	c := &cobra.Command{
		Use:   "check-store [flags]",
		Short: "run the store's full consistency check (with the daemon stopped)",
		Long: "Open the database read-only and run bbolt's full consistency check plus the store's own page walk.\n" +
			"Prints OK, or what is damaged and how to restore (exit 1). The daemon holds the file while it runs:\n" +
			"stop it first (`ticketd run` runs the same check at start on files up to 64 MiB).",
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCheckStore(cmd.Context(), cfgPath, cmd.OutOrStdout())
		},
	}
	c.Flags().StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	return c
}

// runCheckStore checks the database file offline: Open refuses a damaged
// file (ErrDamaged) before mapping it, then CheckContext walks every page.
func runCheckStore(ctx context.Context, cfgPath string, stdout io.Writer) error {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	if err := cfg.ValidateStore(); err != nil {
		return err
	}
	path := cfg.Store.Path
	if err := refuseWhileRunning(ctx, cfg, "check-store"); err != nil {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("check-store: %w", err)
	}
	db, err := store.Open(path, store.Options{Timeout: cfg.Store.LockTimeout, ReadOnly: true})
	if errors.Is(err, store.ErrLocked) {
		return fmt.Errorf("check-store: %s is held by another process (a running ticketd?): stop the daemon first; check-store works offline", path)
	}
	if err != nil {
		return fmt.Errorf("check-store: %w", err)
	}
	defer db.Close()
	if err := db.CheckContext(ctx); err != nil {
		return fmt.Errorf("check-store: %w", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("check-store: %w", err)
	}
	fmt.Fprintf(stdout, "%s: OK (%d bytes)\n", path, fi.Size())
	return nil
}

// refuseWhileRunning fails when the daemon's admin API answers: what
// follows needs the database file to itself.
func refuseWhileRunning(ctx context.Context, cfg *config.Config, what string) error {
	if cfg.Admin.Listen == "" {
		return nil
	}
	c := admin.NewClient(cfg.Admin.Listen, 0)
	defer c.Close()
	if up, _ := c.Up(ctx); up {
		return fmt.Errorf("%s: ticketd is running (its admin API answers at %s) and holds %s: stop the daemon first; %s works offline",
			what, cfg.Admin.Listen, cfg.Store.Path, what)
	}
	return nil
}
