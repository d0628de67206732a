package main

import (
	"context"
	"fmt"
	"io"
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

// runCompact compacts store.path offline (store.CompactFile) and says
// where the original was kept.
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
	before, after, backup, err := store.CompactFile(path, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "compacted %s: %d bytes, now %d\nthe original is kept as %s: delete it once ticketd runs well\n",
		path, before, after, backup)
	return nil
}
