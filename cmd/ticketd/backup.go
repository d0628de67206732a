package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"
	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/store"
)

func backupCommand() *cobra.Command {
	var cfgPath string
	c := &cobra.Command{
		Use:   "backup [flags] OUT",
		Short: "write a consistent copy of the database, also while the daemon runs",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBackup(cmd.Context(), cfgPath, args[0], cmd.OutOrStdout())
		},
	}
	c.Flags().StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	return c
}

// runBackup writes a consistent copy of the database to OUT: through the
// daemon's admin API while it runs (bbolt's Tx.WriteTo in one read
// transaction, so ticketd keeps working), from the file when it does not.
// The copy is written to a temporary file beside OUT, synced, then renamed,
// so OUT is never a partial database.
func runBackup(ctx context.Context, cfgPath, out string, stdout io.Writer) error {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return err
	}
	if err := cfg.ValidateStore(); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".ticketd-backup-*")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename this fails harmlessly
	n, via, err := writeBackup(ctx, cfg, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes, %s)\n", out, n, via)
	return nil
}

func writeBackup(ctx context.Context, cfg *config.Config, w io.Writer) (int64, string, error) {
	if cfg.Admin.Listen != "" {
		c := admin.NewClient(cfg.Admin.Listen, time.Hour)
		up, err := c.Up(ctx)
		if err != nil {
			return 0, "", err // names the admin API
		}
		if up {
			n, err := c.Backup(ctx, w)
			return n, "from the running daemon", err
		}
	}
	db, err := store.Open(cfg.Store.Path, store.Options{Timeout: cfg.Store.LockTimeout, ReadOnly: true})
	if err != nil {
		return 0, "", err
	}
	defer db.Close()
	n, err := db.WriteBackup(w)
	return n, "from " + cfg.Store.Path, err
}
