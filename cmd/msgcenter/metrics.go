package main

import (
	"context"
	"database/sql"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/riverqueue/river"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
)

// registerDBStats adds the database pool's series (in use, idle, waits)
// for each pool the store opens: one on PostgreSQL, a writer and readers on
// SQLite.
func registerDBStats(reg prometheus.Registerer, write, read *sql.DB) {
	reg.MustRegister(collectors.NewDBStatsCollector(write, "write"))
	if read != nil && read != write {
		reg.MustRegister(collectors.NewDBStatsCollector(read, "read"))
	}
}

// jobQueue reports River's jobs by kind and state at each scrape, read from
// the database so every process reports the same queue.
type jobQueue struct {
	db   *sql.DB
	jobs *jobMetrics
	desc *prometheus.Desc
}

func newJobQueue(db *sql.DB, jobs *jobMetrics) *jobQueue {
	return &jobQueue{db: db, jobs: jobs, desc: prometheus.NewDesc("msgcenter_jobs",
		"River jobs not yet finished, by kind and state (available, scheduled, retryable, running).", []string{"kind", "state"}, nil)}
}

// Describe implements prometheus.Collector.
func (q *jobQueue) Describe(ch chan<- *prometheus.Desc) { ch <- q.desc }

// Collect implements prometheus.Collector.
func (q *jobQueue) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	rows, err := q.db.QueryContext(ctx, `SELECT kind, state, COUNT(*) FROM river_job
		WHERE state IN ('available', 'scheduled', 'retryable', 'running') GROUP BY kind, state`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(q.desc, err)
		return
	}
	defer rows.Close()
	// A kind this process has worked reports 0 rather than nothing when
	// none of its jobs waits, so a dashboard's line drops to zero.
	counts := map[[2]string]int64{}
	q.jobs.kinds.Range(func(k, _ any) bool {
		for _, state := range []string{"available", "scheduled", "retryable", "running"} {
			counts[[2]string{k.(string), state}] = 0
		}
		return true
	})
	for rows.Next() {
		var kind, state string
		var n int64
		if err := rows.Scan(&kind, &state, &n); err != nil {
			ch <- prometheus.NewInvalidMetric(q.desc, err)
			return
		}
		counts[[2]string{kind, state}] = n
	}
	for k, n := range counts {
		ch <- prometheus.MustNewConstMetric(q.desc, prometheus.GaugeValue, float64(n), k[0], k[1])
	}
}

// jobMetrics are the worked jobs' series: how long each kind waited for a
// worker and ran, and how it ended.
type jobMetrics struct {
	wait, run *prometheus.HistogramVec
	done      *prometheus.CounterVec
	kinds     sync.Map // the kinds worked, as keys
}

func newJobMetrics(reg prometheus.Registerer) *jobMetrics {
	m := &jobMetrics{
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "msgcenter_job_wait_seconds", Help: "Time a River job waited, available, for a worker; by kind.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 18),
		}, []string{"kind"}),
		run: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "msgcenter_job_run_seconds", Help: "Time a River job ran, by kind.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 18),
		}, []string{"kind"}),
		done: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "msgcenter_jobs_worked_total", Help: "River jobs worked, by kind and outcome (completed, failed, cancelled, snoozed).",
		}, []string{"kind", "outcome"}),
	}
	reg.MustRegister(m.wait, m.run, m.done)
	return m
}

// follow records the events of a service that works jobs until stop is
// called; it returns stop.
func (m *jobMetrics) follow(jobs interface {
	Subscribe(...river.EventKind) (<-chan *river.Event, func())
}) (stop func()) {
	events, cancel := jobs.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed,
		river.EventKindJobCancelled, river.EventKindJobSnoozed)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			if e == nil || e.Job == nil {
				continue
			}
			outcome := map[river.EventKind]string{river.EventKindJobCompleted: "completed", river.EventKindJobFailed: "failed",
				river.EventKindJobCancelled: "cancelled", river.EventKindJobSnoozed: "snoozed"}[e.Kind]
			m.kinds.Store(e.Job.Kind, true)
			m.done.WithLabelValues(e.Job.Kind, outcome).Inc()
			if e.JobStats != nil {
				m.wait.WithLabelValues(e.Job.Kind).Observe(e.JobStats.QueueWaitDuration.Seconds())
				m.run.WithLabelValues(e.Job.Kind).Observe(e.JobStats.RunDuration.Seconds())
			}
		}
	}()
	return func() { cancel(); <-done }
}

// providerMetrics are the provider calls' series, by provider and call.
type providerMetrics struct {
	latency *prometheus.HistogramVec
	errors  *prometheus.CounterVec
}

func newProviderMetrics(reg prometheus.Registerer) *providerMetrics {
	m := &providerMetrics{
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "msgcenter_provider_call_seconds", Help: "Latency of calls to a provider, by provider (sandbox, qiscus) and call (send, send_template).",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 18),
		}, []string{"provider", "call"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "msgcenter_provider_errors_total", Help: "Failed calls to a provider, by provider, call and kind (transient, permanent, session_expired).",
		}, []string{"provider", "call", "kind"}),
	}
	reg.MustRegister(m.latency, m.errors)
	return m
}

func (m *providerMetrics) observe(provider, call string, start time.Time, err error) {
	m.latency.WithLabelValues(provider, call).Observe(time.Since(start).Seconds())
	if err != nil {
		kind := "transient"
		switch msgcenter.ProviderErrorOf(err).Kind {
		case msgcenter.ProviderPermanent:
			kind = "permanent"
		case msgcenter.ProviderSessionExpired:
			kind = "session_expired"
		}
		m.errors.WithLabelValues(provider, call, kind).Inc()
	}
}

// measuredProviders times the sends of the providers it resolves. A store's
// app on the local Qiscus is named "sandbox", every other app "qiscus".
type measuredProviders struct {
	msgcenter.Providers
	local *localQiscus
	m     *providerMetrics
}

// ProviderFor implements msgcenter.Providers.
func (p *measuredProviders) ProviderFor(ctx context.Context, storeID int64) (msgcenter.FullProvider, error) {
	fp, err := p.Providers.ProviderFor(ctx, storeID)
	if err != nil {
		return nil, err
	}
	return p.wrap(fp), nil
}

func (p *measuredProviders) wrap(fp msgcenter.FullProvider) msgcenter.FullProvider {
	mp := &measuredProvider{FullProvider: fp, name: "qiscus", m: p.m}
	if c, ok := fp.(*qiscus.Client); ok && p.local != nil && p.local.isLocal(c.BaseURL()) {
		// The local Qiscus shows its balance to the process it runs in; a
		// real app reports none (qiscus.CreditsUnknown).
		mp.name, mp.credits = "sandbox", p.local.sb.Credits
	}
	if rf, ok := fp.(msgcenter.RoomFactsProvider); ok {
		// The delivery worker asks the platform for a room's facts.
		return &measuredRoomsProvider{measuredProvider: mp, rf: rf}
	}
	return mp
}

// measuredRoomsProvider is a measured provider that reports room facts.
type measuredRoomsProvider struct {
	*measuredProvider
	rf msgcenter.RoomFactsProvider
}

// RoomFacts implements msgcenter.RoomFactsProvider.
func (p *measuredRoomsProvider) RoomFacts(ctx context.Context, storeID int64, externalRoomID string) (*msgcenter.RoomFacts, error) {
	return p.rf.RoomFacts(ctx, storeID, externalRoomID)
}

// measuredProvider times one provider's sends.
type measuredProvider struct {
	msgcenter.FullProvider
	name    string
	m       *providerMetrics
	credits func(ctx context.Context, storeID int64) (int64, error) // nil: the provider's
}

// Credits implements msgcenter.TemplateProvider.
func (p *measuredProvider) Credits(ctx context.Context, storeID int64) (int64, error) {
	if p.credits != nil {
		return p.credits(ctx, storeID)
	}
	return p.FullProvider.Credits(ctx, storeID)
}

// Send implements msgcenter.Provider.
func (p *measuredProvider) Send(ctx context.Context, msg *msgcenter.OutboundMessage) (*msgcenter.SendResult, error) {
	start := time.Now()
	r, err := p.FullProvider.Send(ctx, msg)
	p.m.observe(p.name, "send", start, err)
	return r, err
}

// SendTemplate implements msgcenter.TemplateProvider.
func (p *measuredProvider) SendTemplate(ctx context.Context, msg *msgcenter.TemplateMessage) (*msgcenter.SendResult, error) {
	start := time.Now()
	r, err := p.FullProvider.SendTemplate(ctx, msg)
	p.m.observe(p.name, "send_template", start, err)
	return r, err
}
