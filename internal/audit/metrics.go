package audit

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the audit log's Prometheus metrics. A nil *Metrics records
// nothing.
type Metrics struct {
	events       prometheus.Counter
	pushback     *prometheus.CounterVec
	commitErrors prometheus.Counter
	commitTime   prometheus.Histogram
	queueDepth   prometheus.Gauge
	size         prometheus.Gauge
	record       prometheus.Histogram
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		events: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "bulwark_audit_events_committed_total", Help: "Audit events committed to the store.",
		}),
		pushback: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bulwark_audit_pushback_total", Help: "Times Record found the audit queue full, by backpressure policy.",
		}, []string{"backpressure"}),
		commitErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "bulwark_audit_commit_errors_total", Help: "Failed audit commits (retried in batch mode).",
		}),
		commitTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "bulwark_audit_commit_seconds", Help: "Duration of one audit group commit.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "bulwark_audit_queue_depth", Help: "Audit events accepted and not yet committed (sampled).",
		}),
		size: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "bulwark_audit_tree_size", Help: "Number of entries in the audit Merkle tree.",
		}),
		record: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "bulwark_audit_record_seconds", Help: "Time a request spends in Record (sync mode: until its event is durable).",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}),
	}
	for _, c := range []prometheus.Collector{m.events, m.pushback, m.commitErrors, m.commitTime, m.queueDepth, m.size, m.record} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) committed(n int, d time.Duration) {
	if m == nil {
		return
	}
	m.events.Add(float64(n))
	m.commitTime.Observe(d.Seconds())
}

func (m *Metrics) pushbackInc(b Backpressure) {
	if m == nil {
		return
	}
	m.pushback.WithLabelValues(string(b)).Inc()
}

func (m *Metrics) commitError() {
	if m != nil {
		m.commitErrors.Inc()
	}
}

func (m *Metrics) queued(depth int) {
	if m != nil {
		m.queueDepth.Set(float64(depth))
	}
}

func (m *Metrics) treeSize(n uint64) {
	if m != nil {
		m.size.Set(float64(n))
	}
}

func (m *Metrics) recorded(d time.Duration) {
	if m != nil {
		m.record.Observe(d.Seconds())
	}
}
