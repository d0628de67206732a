package daemon

import (
	"context"
	"os"
	"reflect"

	"github.com/ticketd/ticketd/config"
)

// reload re-reads the configuration file and swaps in its organizations,
// contacts and rule settings atomically; the IMAP connection and the store
// are untouched. A file with errors is refused: the configuration in force
// stays. Changes to the connection, store or ticket settings are reported
// as needing a restart.
func (d *Daemon) reload(path string) error {
	cfg, err := LoadConfig(path)
	if err != nil {
		d.log.Error("configuration reload refused; the previous configuration stays in force", "file", path, "err", err)
		return err
	}
	policy := cfg.Policy()
	d.reg.SetPolicy(policy)
	contacts := 0
	for _, o := range policy.Organizations {
		contacts += len(o.Contacts)
	}
	d.log.Info("configuration reloaded", "file", path, "organizations", len(policy.Organizations), "contacts", contacts)
	for key, changed := range map[string]bool{
		"imap":     !reflect.DeepEqual(cfg.IMAP, d.cfg.IMAP),
		"smtp":     !reflect.DeepEqual(cfg.SMTP, d.cfg.SMTP),
		"store":    !reflect.DeepEqual(cfg.Store, d.cfg.Store),
		"tickets":  !reflect.DeepEqual(cfg.Tickets, d.cfg.Tickets),
		"receipt":  !reflect.DeepEqual(cfg.Receipt, d.cfg.Receipt),
		"admin":    !reflect.DeepEqual(cfg.Admin, d.cfg.Admin),
		"log":      !reflect.DeepEqual(cfg.Log, d.cfg.Log),
		"desk":     !reflect.DeepEqual(cfg.Desk, d.cfg.Desk),
		"webhooks": !reflect.DeepEqual(cfg.Webhooks, d.cfg.Webhooks),
		"rules.max_new_tickets_per_contact_per_hour": cfg.Rules.MaxNewTicketsPerContactPerHour != d.cfg.Rules.MaxNewTicketsPerContactPerHour,
	} {
		if changed {
			d.log.Warn("configuration section changed; it takes effect at the next restart", "section", key)
		}
	}
	return nil
}

// WatchReloads reloads the configuration at path on every signal from
// hup until ctx ends, telling systemd (RELOADING=1, then READY=1).
func (d *Daemon) WatchReloads(ctx context.Context, path string, hup <-chan os.Signal) {
	d.watchReloads(ctx, path, hup, func(state string) { sdNotify(d.log, state) })
}

// watchReloads is WatchReloads with notify in place of systemd.
func (d *Daemon) watchReloads(ctx context.Context, path string, hup <-chan os.Signal, notify func(state string)) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			notify("RELOADING=1")
			_ = d.reload(path)
			notify("READY=1")
		}
	}
}

// LoadConfig loads the configuration file at path and checks that the
// daemon can run with it.
func LoadConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, err
	}
	if err := cfg.ValidateDaemon(); err != nil {
		return nil, err
	}
	return cfg, nil
}
