package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ticketd/ticketd/admin"
	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/daemon"
	"github.com/ticketd/ticketd/internal/oneline"
	"github.com/ticketd/ticketd/registration"
	"github.com/ticketd/ticketd/store"
)

func heldCommand() *cobra.Command {
	var cfgPath, format string
	var all bool
	list := &cobra.Command{
		Use:   "list [flags]",
		Short: "list the mail held over a contact's hourly rate of new tickets",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format); err != nil {
				return err
			}
			hb, closeFn, err := openHeld(cmd.Context(), cfgPath, false)
			if err != nil {
				return err
			}
			defer closeFn()
			rs, err := hb.Held()
			if err != nil {
				return err
			}
			return writeHeld(cmd.OutOrStdout(), rs, format)
		},
	}
	release := &cobra.Command{
		Use:   "release [flags] ID|--all",
		Short: "register held mail as if it arrived now: numbered, deducted in the current period, answered",
		RunE: func(cmd *cobra.Command, args []string) error {
			var id uint64
			switch {
			case all && len(args) == 0:
			case !all && len(args) == 1:
				var err error
				if id, err = strconv.ParseUint(args[0], 10, 64); err != nil {
					return fmt.Errorf("%w: %q is not a held message ID (see ticketd held list)", errUsage, args[0])
				}
			default:
				return fmt.Errorf("%w: give one held message ID or --all", errUsage)
			}
			hb, closeFn, err := openHeld(cmd.Context(), cfgPath, true)
			if err != nil {
				return err
			}
			defer closeFn()
			var rels []admin.Released
			if all {
				rels, err = hb.ReleaseAll(cmd.Context())
			} else {
				var rel admin.Released
				rel, err = hb.Release(cmd.Context(), id)
				if err == nil {
					rels = append(rels, rel)
				}
			}
			out := cmd.OutOrStdout()
			for _, r := range rels {
				if r.Ticket != "" {
					fmt.Fprintf(out, "held message %d registered as %s (%d email(s) queued)\n", r.ID, r.Ticket, r.Queued)
				} else {
					fmt.Fprintf(out, "held message %d judged again: %s, no ticket\n", r.ID, r.Verdict)
				}
			}
			return err
		},
	}
	release.Flags().BoolVar(&all, "all", false, "release every held message")
	c := group("held list|release", "list or release mail held over a contact's hourly rate of new tickets", list, release)
	pf := c.PersistentFlags()
	pf.StringVar(&cfgPath, "config", defaultConfig, "configuration file")
	pf.StringVar(&format, "format", "text", "text or json (list)")
	return c
}

// heldBackend is the running daemon's admin API or, when it is down, the
// database file with a registrar of its own.
type heldBackend interface {
	TurnedAway(since time.Time) ([]store.TurnedAwayRecord, error)
	Held() ([]store.TurnedAwayRecord, error)
	Release(ctx context.Context, id uint64) (admin.Released, error)
	ReleaseAll(ctx context.Context) ([]admin.Released, error)
}

// heldClient is the admin API as a heldBackend.
type heldClient struct {
	ctx context.Context
	c   *admin.Client
}

func (h heldClient) Held() ([]store.TurnedAwayRecord, error) { return h.c.Held(h.ctx) }
func (h heldClient) TurnedAway(since time.Time) ([]store.TurnedAwayRecord, error) {
	return h.c.TurnedAway(h.ctx, since)
}
func (h heldClient) Release(ctx context.Context, id uint64) (admin.Released, error) {
	return h.c.ReleaseHeld(ctx, id)
}
func (h heldClient) ReleaseAll(ctx context.Context) ([]admin.Released, error) {
	return h.c.ReleaseAllHeld(ctx)
}

// openHeld reaches held mail through the daemon's admin API while it runs,
// else opens the database (for writing when write is set). Released
// messages' receipts then wait in the outbox for the daemon's next start.
func openHeld(ctx context.Context, cfgPath string, write bool) (heldBackend, func(), error) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, nil, err
	}
	if err := cfg.ValidateStore(); err != nil {
		return nil, nil, err
	}
	if cfg.Admin.Listen != "" {
		c := admin.NewClient(cfg.Admin.Listen, 5*time.Minute)
		up, err := c.Up(ctx)
		if err != nil {
			return nil, nil, err
		}
		if up {
			return heldClient{ctx: ctx, c: c}, c.Close, nil
		}
	}
	db, err := store.Open(cfg.Store.Path, store.Options{Timeout: cfg.Store.LockTimeout, ReadOnly: !write})
	if err != nil {
		return nil, nil, fmt.Errorf("%w (and no ticketd admin API answers at admin.listen %q)", err, cfg.Admin.Listen)
	}
	reg := registration.New(db, cfg.Policy(), daemon.RegistrationSettings(cfg, slog.New(slog.DiscardHandler)))
	return &daemon.HeldDesk{DB: db, Reg: reg}, func() { _ = db.Close() }, nil
}

func writeHeld(w io.Writer, rs []store.TurnedAwayRecord, format string) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		for i := range rs {
			if err := enc.Encode(&rs[i]); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tRECEIVED\tCONTACT\tFROM\tSUBJECT")
	for _, r := range rs {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", r.ID, r.ReceivedAt.Format(time.DateTime), r.Contact, r.From, oneline.Cut(r.Subject, 50))
	}
	return tw.Flush()
}
