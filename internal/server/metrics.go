package server

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/strata-sec/strata/internal/watch"
)

// metrics are the server's Prometheus metrics, in a registry of their own: nothing global.
type metrics struct {
	reg        *prometheus.Registry
	evaluation prometheus.Histogram
	lag        prometheus.Histogram
	events     *prometheus.CounterVec
}

func newMetrics(s *Server) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		evaluation: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "strata_evaluation_duration_seconds", Help: "Time the engine took to evaluate one batch of changes.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16),
		}),
		lag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "strata_event_lag_seconds", Help: "Time from the oldest change of a batch reaching the watcher to its events being published.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 14),
		}),
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "strata_events_total", Help: "Posture events published, by type (new, resolved, changed).",
		}, []string{"type"}),
	}
	for _, t := range []string{"new", "resolved", "changed"} {
		m.events.WithLabelValues(t)
	}
	m.reg.MustRegister(m.evaluation, m.lag, m.events, &stateCollector{s: s},
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(b watch.Batch) {
	m.evaluation.Observe(b.Evaluation.Seconds())
	if b.Lag > 0 || len(b.Events) > 0 {
		m.lag.Observe(b.Lag.Seconds())
	}
	for _, ev := range b.Events {
		m.events.WithLabelValues(string(ev.Type)).Inc()
	}
}

var (
	findingsDesc = prometheus.NewDesc("strata_findings", "Open findings, by layer, severity and check.",
		[]string{"layer", "severity", "check"}, nil)
	syncedDesc = prometheus.NewDesc("strata_informer_synced", "1 when the informer of a kind has synced, else 0.",
		[]string{"kind"}, nil)
	writeErrorsDesc = prometheus.NewDesc("strata_ledger_write_errors_total", "Failed ledger writes since start.", nil, nil)
	queueDesc       = prometheus.NewDesc("strata_ledger_queue_length", "Events and snapshots waiting to be written to the ledger.", nil, nil)
)

// stateCollector reads the current posture and status at scrape time, so the gauges are never
// out of step with the API.
type stateCollector struct{ s *Server }

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- findingsDesc
	ch <- syncedDesc
	ch <- writeErrorsDesc
	ch <- queueDesc
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	type key struct{ layer, sev, check string }
	counts := map[key]int{}
	if p := c.s.opts.Source.Posture(); p != nil {
		for _, f := range p.Findings {
			if f != nil && f.Check != nil {
				counts[key{string(f.Check.Layer), f.Severity.String(), f.Check.ID}]++
			}
		}
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(findingsDesc, prometheus.GaugeValue, float64(n), k.layer, k.sev, k.check)
	}
	seen := map[string]bool{}
	for _, k := range c.s.opts.Source.Status().Kinds {
		if seen[k.Name] {
			continue
		}
		seen[k.Name] = true
		v := 0.0
		if k.Synced {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(syncedDesc, prometheus.GaugeValue, v, k.Name)
	}
	if l := c.s.opts.Ledger; l != nil {
		ch <- prometheus.MustNewConstMetric(writeErrorsDesc, prometheus.CounterValue, float64(l.WriteErrors()))
		ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(l.QueueLength()))
	}
}
