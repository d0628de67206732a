// Package daemon assembles ticketd from its parts for `ticketd run`: the
// store, registration, the inbox and outbox workers, the admin API with
// the metrics and health checks, systemd's notifications and watchdog,
// and configuration reloads on SIGHUP. settings.go is the one place where
// the configuration becomes the libraries' settings.
//
// It owns the lifecycle (start both workers, stop taking mail on
// shutdown, let the work in hand finish) and nothing of the mail's
// handling itself.
package daemon
