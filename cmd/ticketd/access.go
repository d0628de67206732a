package main

import (
	"context"

	"github.com/ticketd/ticketd/config"
	"github.com/ticketd/ticketd/desk"
)

// openDesk loads the configuration and opens the support desk: through
// the running daemon's admin API, else on the store file (for writing when
// write is set).
func openDesk(ctx context.Context, cfgPath string, write bool) (*desk.Desk, error) {
	cfg, err := config.Load(cfgPath)
	if err != nil {
		return nil, err
	}
	return desk.Open(ctx, cfg, write)
}
