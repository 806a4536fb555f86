package delivery

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/qiscus/msgcenter"
)

// Metrics are the pipeline's Prometheus series. A nil *Metrics records nothing.
type Metrics struct {
	events   prometheus.Counter
	messages *prometheus.CounterVec
	attempts *prometheus.CounterVec
	latency  prometheus.Histogram
	requeues prometheus.Counter
	waits    *prometheus.CounterVec
	releases prometheus.Counter
}

// NewMetrics registers the series on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		events: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "msgcenter_messages_raised_total", Help: "Messages raised by events and queued for delivery.",
		}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "msgcenter_messages_total", Help: "Messages that reached a final status, by event, kind, status and reason (event and kind unknown when the message's inputs could not be read).",
		}, []string{"event", "kind", "status", "reason"}),
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "msgcenter_delivery_attempts_total", Help: "Provider send attempts by outcome (sent, retry, failed).",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "msgcenter_provider_send_seconds", Help: "Latency of provider sends.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}),
		requeues: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "msgcenter_messages_requeued_total", Help: "Queued messages whose job was gone and that got a new one.",
		}),
		waits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "msgcenter_delivery_waits_total", Help: "Sends put off without using a try, by reason (provider_unavailable, provider_unauthorized).",
		}, []string{"reason"}),
	}
	m.releases = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "msgcenter_unpaid_orders_released_total", Help: "Orders that expired unpaid and gave their items back to stock.",
	})
	reg.MustRegister(m.events, m.messages, m.attempts, m.latency, m.requeues, m.waits, m.releases)
	return m
}

func (m *Metrics) raised(n int) {
	if m != nil {
		m.events.Add(float64(n))
	}
}

func (m *Metrics) waited(reason msgcenter.Reason) {
	if m != nil {
		m.waits.WithLabelValues(string(reason)).Inc()
	}
}

func (m *Metrics) released() {
	if m != nil {
		m.releases.Inc()
	}
}

func (m *Metrics) requeued(n int) {
	if m != nil {
		m.requeues.Add(float64(n))
	}
}

func (m *Metrics) providerLatency(d time.Duration) {
	if m != nil {
		m.latency.Observe(d.Seconds())
	}
}

func (m *Metrics) recorded(d *msgcenter.Delivery, r msgcenter.DeliveryResult) {
	if m == nil {
		return
	}
	if r.Attempt != nil {
		m.attempts.WithLabelValues(string(r.Attempt.Outcome)).Inc()
	}
	if r.Status != msgcenter.StatusQueued {
		m.messages.WithLabelValues(string(d.Event), string(d.Kind), string(r.Status), string(r.Reason)).Inc()
	}
}

// RegisterQueueDepth adds a gauge of the messages waiting to be sent, read
// from the database at each scrape so every process reports the same queue.
func (s *Service) RegisterQueueDepth(reg prometheus.Registerer) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "msgcenter_messages_queued", Help: "Messages raised and not yet final (queued or retrying).",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var n int64
		if err := s.cfg.SQL.QueryRowContext(ctx, `SELECT COUNT(*) FROM deliveries WHERE status = $1`, msgcenter.StatusQueued).Scan(&n); err != nil {
			return -1
		}
		return float64(n)
	}))
}
