package metrics

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
)

// StoreFunc reports whether store writes succeed: nil, or why they fail
// (store.DB.Healthy). It is called at scrape and readiness time.
type StoreFunc func() error

// SetStoreHealth makes the gauge ticketd_store_writes_healthy read f at
// scrape time: 1 while writes succeed, 0 while they fail. Without a func
// the gauge is absent.
func (m *Metrics) SetStoreHealth(f StoreFunc) {
	if m == nil {
		return
	}
	m.store.Store(&f)
}

// storeCollector reports the store's write health at scrape time.
type storeCollector struct {
	f    *atomic.Pointer[StoreFunc]
	desc *prometheus.Desc
}

func newStoreCollector(f *atomic.Pointer[StoreFunc]) *storeCollector {
	return &storeCollector{f: f, desc: prometheus.NewDesc(namespace+"_store_writes_healthy",
		"1 while store writes succeed, 0 after a write failed (e.g. ENOSPC) until one succeeds again.", nil, nil)}
}

// Describe implements prometheus.Collector.
func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	f := c.f.Load()
	if f == nil || *f == nil {
		return
	}
	v := 1.0
	if (*f)() != nil {
		v = 0
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v)
}
