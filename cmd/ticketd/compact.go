package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/store"
)

func compactCommand() *cobra.Command {
	var cfgPath string
	c := &cobra.Command{
		Use:   "compact [flags]",
		Short: "shrink the database file to its live data (with the daemon stopped)",
		Long: "bbolt reuses the pages that retention and erasure free but never shrinks its file. compact writes\n" +
			"the live data to a new file, checks it, keeps the old file as a backup beside it (printed) and\n" +
			"renames the new one into place. Offline only: stop the daemon first.",
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runCompact(cmd.Context(), cfgPath, cmd.OutOrStdout())
		},
	}
	c.Flags().StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	return c
}

// runCompact compacts store.path into PATH.compact-TIME, keeps the
// original as PATH.before-compact-TIME (a hard link, so no byte is copied
// and the original stays whole) and renames the copy over PATH.
func runCompact(ctx context.Context, cfgPath string, stdout io.Writer) error {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	if err := cfg.ValidateStore(); err != nil {
		return err
	}
	if err := refuseWhileRunning(ctx, cfg, "compact"); err != nil {
		return err
	}
	path := cfg.Store.Path
	before, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	stamp := time.Now().UTC().Format("20060102T150405Z")
	tmp, backup := path+".compact-"+stamp, path+".before-compact-"+stamp
	if err := store.Compact(path, tmp); err != nil {
		return fmt.Errorf("%w (stop the daemon first: compact works offline)", err)
	}
	if err := os.Link(path, backup); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("compact: keep the original as %s: %w", backup, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		_ = os.Remove(backup)
		return fmt.Errorf("compact: %w", err)
	}
	after, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	fmt.Fprintf(stdout, "compacted %s: %d bytes, now %d\nthe original is kept as %s: delete it once ticketd runs well\n",
		path, before.Size(), after.Size(), backup)
	return nil
}
