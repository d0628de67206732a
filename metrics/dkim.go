package metrics

import "github.com/prometheus/client_golang/prometheus"

// SetDKIMSkipped exports ticketd_dkim_signatures_skipped_total: the DKIM
// signatures ticketd's own check left unverified because a message carried
// more than it verifies. skipped reads the running count. Call it once.
func (m *Metrics) SetDKIMSkipped(skipped func() int64) {
	if m == nil {
		return
	}
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Namespace: namespace,
		Name:      "dkim_signatures_skipped_total",
		Help:      "DKIM signatures left unverified: a message carried more than the check verifies.",
	}, func() float64 { return float64(skipped()) }))
}
