package metrics

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// outboxCollector reports the outgoing queue by calling the current
// [OutboxFunc] at scrape time. Without a func it reports nothing; when the
// func fails it leaves the gauges out (so that absent() alerts fire) and
// counts the failure, rather than failing the whole scrape.
type outboxCollector struct {
	f          *atomic.Pointer[OutboxFunc]
	depth      *prometheus.Desc
	oldest     *prometheus.Desc
	readErrors prometheus.Counter
}

func newOutboxCollector(f *atomic.Pointer[OutboxFunc]) *outboxCollector {
	return &outboxCollector{
		f: f,
		depth: prometheus.NewDesc(namespace+"_outbox_depth",
			"Emails waiting in the outbox.", nil, nil),
		oldest: prometheus.NewDesc(namespace+"_outbox_oldest_age_seconds",
			"How long the oldest email in the outbox has waited (0 when empty).", nil, nil),
		readErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: namespace,
			Name:      "outbox_read_errors_total",
			Help:      "Scrapes that could not read the outbox.",
		}),
	}
}

// Describe implements prometheus.Collector.
func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.oldest
	c.readErrors.Describe(ch)
}

// Collect implements prometheus.Collector.
func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	if f := c.f.Load(); f != nil {
		depth, oldest, err := (*f)()
		if err != nil {
			c.readErrors.Inc()
		} else {
			ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(depth))
			ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, max(oldest.Seconds(), 0))
		}
	}
	c.readErrors.Collect(ch)
}
