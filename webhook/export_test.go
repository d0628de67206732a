package webhook

import (
	"crypto/x509"
	"log/slog"
	"time"

	"github.com/ticketd/ticketd/metrics"
)

// NewTestDestination is NewDestination with a client that trusts roots
// and dials resolve[host:port] instead of resolving host.
func NewTestDestination(endpoints []Endpoint, m *metrics.Metrics, log *slog.Logger, now func() time.Time, roots *x509.CertPool, resolve map[string]string) *Destination {
	return newDestination(endpoints, m, log, now, transportOptions{roots: roots, resolve: resolve})
}
