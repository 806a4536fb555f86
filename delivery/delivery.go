// Package delivery turns raised events into messages: it works the delivery
// jobs that the store commits with each state change, resolves the store's
// configuration at send time, renders, applies the WhatsApp 24-hour rule,
// sends through the provider and records every outcome. Jobs run on River,
// on SQLite or PostgreSQL.
package delivery

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

// QueueDeliveries is the River queue of message jobs.
const QueueDeliveries = "deliveries"

// Config holds what the service needs and its tunables; zero values take
// the defaults documented on each field.
type Config struct {
	// SQL is the database handle the store uses; jobs live in it too.
	SQL *sql.DB
	// Engine is the store's engine, sqlstore.EngineSQLite (the default)
	// or sqlstore.EnginePostgres. On PostgreSQL workers are woken by LISTEN/NOTIFY on
	// a small pgx pool of their own, connected to DatabaseURL.
	Engine      string
	DatabaseURL string
	// Workers, when set, adds job kinds of the program's own to the
	// service's client, worked on its queues under the same settings and
	// inserted with Insert.
	Workers func(*river.Workers)

	Store     msgcenter.DeliveryWorkStore
	Commerce  msgcenter.CommerceService
	Flow      msgcenter.OrderFlowService
	Providers msgcenter.Providers

	// PublicURL is the base of every customer link, with a trailing slash.
	PublicURL string
	// CTABaseURLs are the base URLs a fallback template's dynamic URL button
	// may have (render.CTABases: empty means the public URL and the spec's
	// base). A template is checked against them again when it is sent.
	CTABaseURLs []string
	Now         func() time.Time
	Logger      *slog.Logger
	Metrics     *Metrics

	// Work runs workers in this process; false makes an insert-only client.
	Work bool
	// MaxWorkers is how many messages one process sends at once (default 50).
	MaxWorkers int
	// MaxAttempts bounds the provider tries of one message (default 8).
	MaxAttempts int
	// JobMaxAttempts bounds the runs of one job, which also fail when the
	// database is unreachable (default 25: hours, with RetryMax backoff).
	JobMaxAttempts int
	// RetryBase is the first retry's delay, doubled per attempt up to
	// RetryMax (defaults 1 s and 10 min), with jitter.
	RetryBase, RetryMax time.Duration
	// MaxWait is the longest a message waits for an unavailable platform
	// or a rejected key before it fails with that reason (default 24 h),
	// counted from the message's creation. Waiting uses none of its tries.
	MaxWait time.Duration
	// ParkRecheck is how often a message parked by a rejected key looks
	// whether its store reconnected (default 1 min).
	ParkRecheck time.Duration
	// JobTimeout bounds one send (default 30 s); RescueAfter is when a job
	// whose process died is tried again (default 2 × JobTimeout).
	JobTimeout, RescueAfter time.Duration
	// FetchCooldown and FetchPollInterval tune River's fetch loop (defaults
	// 2 ms and 10 ms on SQLite, 1 ms and 1 s on PostgreSQL, where
	// LISTEN/NOTIFY wakes the workers).
	FetchCooldown, FetchPollInterval time.Duration
	// SweepInterval is how often due checkouts raise order_incomplete
	// (default 5 s).
	SweepInterval time.Duration
	// RequeueInterval is how often messages still queued but untouched for
	// RequeueAfter get their job again when it is gone (discarded after
	// JobMaxAttempts, or cancelled); defaults 1 min and 10 min.
	RequeueInterval, RequeueAfter time.Duration
}

// Service works delivery jobs and inserts them inside the store's transactions.
type Service struct {
	cfg    Config
	client *river.Client[*sql.Tx]
	pool   *pgxpool.Pool
}

// DeliverArgs is the job of sending one message.
type DeliverArgs struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return "deliver" }

// InsertOpts puts message jobs on their own queue, at most one live job a
// message: inserting another while one waits, runs or retries is skipped,
// which lets the requeue sweep insert freely.
func (DeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDeliveries, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: liveStates}}
}

var liveStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
	rivertype.JobStateRetryable, rivertype.JobStateScheduled}

// RequeueArgs is the periodic job that gives a message whose job is gone a
// new one.
type RequeueArgs struct{}

// Kind implements river.JobArgs.
func (RequeueArgs) Kind() string { return "requeue_deliveries" }

// SweepArgs is the periodic job that raises order_incomplete for due checkouts.
type SweepArgs struct{}

// Kind implements river.JobArgs.
func (SweepArgs) Kind() string { return "sweep_checkouts" }

// defaults fills the zero fields of c with their defaults and returns its
// engine.
func (c *Config) defaults() (engine, error) {
	if c.Engine == "" {
		c.Engine = sqlstore.EngineSQLite
	}
	e, err := engineOf(c.Engine)
	if err != nil {
		return nil, err
	}
	if c.Now == nil {
		c.Now = func() time.Time { return time.Now().UTC() }
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxWorkers <= 0 {
		c.MaxWorkers = 50
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 8
	}
	if c.JobMaxAttempts < c.MaxAttempts {
		c.JobMaxAttempts = max(25, c.MaxAttempts)
	}
	if c.RetryBase <= 0 {
		c.RetryBase = time.Second
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 10 * time.Minute
	}
	if c.MaxWait <= 0 {
		c.MaxWait = 24 * time.Hour
	}
	if c.ParkRecheck <= 0 {
		c.ParkRecheck = time.Minute
	}
	if c.JobTimeout <= 0 {
		c.JobTimeout = 30 * time.Second
	}
	if c.RescueAfter <= c.JobTimeout {
		c.RescueAfter = 2 * c.JobTimeout
	}
	cooldown, poll := e.fetch()
	if c.FetchCooldown <= 0 {
		c.FetchCooldown = cooldown
	}
	if c.FetchPollInterval <= 0 {
		c.FetchPollInterval = poll
	}
	if c.FetchPollInterval < c.FetchCooldown {
		c.FetchPollInterval = c.FetchCooldown
	}
	if c.SweepInterval <= 0 {
		c.SweepInterval = 5 * time.Second
	}
	if c.RequeueInterval <= 0 {
		c.RequeueInterval = time.Minute
	}
	if c.RequeueAfter <= 0 {
		c.RequeueAfter = 10 * time.Minute
	}
	c.PublicURL = msgcenter.PublicBase(c.PublicURL)
	return e, nil
}

// New migrates River's tables and builds the client; Start begins work.
func New(ctx context.Context, cfg Config) (*Service, error) {
	e, err := cfg.defaults()
	if err != nil {
		return nil, err
	}
	s := &Service{cfg: cfg}
	if s.pool, err = e.listener(ctx, cfg.DatabaseURL); err != nil {
		return nil, err
	}
	driver := e.driver(cfg.SQL, s.pool)
	if err := migrateRiver(ctx, driver, cfg); err != nil {
		s.close()
		return nil, err
	}

	workers := river.NewWorkers()
	river.AddWorker(workers, &deliverWorker{s: s})
	river.AddWorker(workers, &sweepWorker{s: s})
	river.AddWorker(workers, &requeueWorker{s: s})
	river.AddWorker(workers, &releaseWorker{s: s})
	if cfg.Workers != nil {
		cfg.Workers(workers)
	}
	rc := &river.Config{
		Workers:              workers,
		MaxAttempts:          cfg.JobMaxAttempts,
		RetryPolicy:          &backoff{base: cfg.RetryBase, max: cfg.RetryMax},
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
		FetchCooldown:        cfg.FetchCooldown,
		FetchPollInterval:    cfg.FetchPollInterval,
		Logger:               quietLogger(cfg.Logger),
	}
	if cfg.Work {
		rc.Queues = map[string]river.QueueConfig{
			QueueDeliveries:    {MaxWorkers: cfg.MaxWorkers},
			river.QueueDefault: {MaxWorkers: 2},
		}
		rc.PeriodicJobs = []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(cfg.SweepInterval),
				func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(cfg.RequeueInterval),
				func() (river.JobArgs, *river.InsertOpts) { return RequeueArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		}
	}
	if s.client, err = river.NewClient(driver, rc); err != nil {
		s.close()
		return nil, fmt.Errorf("delivery: river client: %w", err)
	}
	return s, nil
}

// quietLogger keeps River's own logs to warnings and above.
func quietLogger(l *slog.Logger) *slog.Logger {
	return slog.New(levelHandler{min: slog.LevelWarn, Handler: l.Handler()})
}

type levelHandler struct {
	min slog.Level
	slog.Handler
}

func (h levelHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.min }

// Start begins working jobs when the service was built with Work.
func (s *Service) Start(ctx context.Context) error {
	if !s.cfg.Work {
		return nil
	}
	return s.client.Start(ctx)
}

// Stop lets the sends in flight finish until ctx ends, then cancels them;
// a cancelled send is retried by whichever process works the queue next.
func (s *Service) Stop(ctx context.Context) error {
	var err error
	if s.cfg.Work {
		err = s.client.Stop(ctx)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			err = s.client.StopAndCancel(cctx)
			cancel()
		}
	}
	s.close()
	return err
}

func (s *Service) close() {
	if s.pool != nil {
		s.pool.Close()
		s.pool = nil
	}
}

// Insert inserts jobs of the kinds added by Config.Workers in one
// transaction of their own.
func (s *Service) Insert(ctx context.Context, args ...river.JobArgs) error {
	params := make([]river.InsertManyParams, len(args))
	for i, a := range args {
		params[i] = river.InsertManyParams{Args: a}
	}
	_, err := s.client.InsertMany(ctx, params)
	return err
}

// Check reports whether the job client is up: an insert-only client always
// is; a working one until it stops.
func (s *Service) Check(context.Context) error {
	if !s.cfg.Work {
		return nil
	}
	select {
	case <-s.client.Stopped():
		return errors.New("job client stopped")
	default:
		return nil
	}
}

// backoff is exponential backoff with full jitter: base × 2^(attempt-1),
// capped at max.
type backoff struct{ base, max time.Duration }

// NextRetry implements river.ClientRetryPolicy.
func (b *backoff) NextRetry(job *rivertype.JobRow) time.Time {
	d := b.base
	for i := 1; i < job.Attempt && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	// Half fixed, half random: retries of many messages spread out.
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	return time.Now().Add(d)
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	s *Service
}

// Work raises order_incomplete for every checkout that is due.
func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	if w.s.cfg.Flow == nil {
		return nil
	}
	n, err := w.s.cfg.Flow.RaiseDueCheckouts(ctx)
	if n > 0 {
		w.s.cfg.Logger.Info(string(msgcenter.EventOrderIncomplete)+" raised", slog.Int("checkouts", n))
	}
	return err
}

type requeueWorker struct {
	river.WorkerDefaults[RequeueArgs]
	s *Service
}

// requeueBatch is how many messages one requeue query reads; a run pages
// through all of them.
const requeueBatch = 500

// Work inserts a job for every message queued and untouched for
// RequeueAfter. A message whose job still waits, runs or retries is skipped
// by the job's uniqueness, so only the ones whose job is gone get one.
func (w *requeueWorker) Work(ctx context.Context, _ *river.Job[RequeueArgs]) error {
	olderThan := w.s.cfg.Now().Add(-w.s.cfg.RequeueAfter)
	var after int64
	var requeued []int64
	for {
		ids, err := w.s.cfg.Store.FindQueuedDeliveryIDs(ctx, olderThan, after, requeueBatch)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			break
		}
		after = ids[len(ids)-1]
		params := make([]river.InsertManyParams, len(ids))
		for i, id := range ids {
			params[i] = river.InsertManyParams{Args: DeliverArgs{DeliveryID: id}}
		}
		res, err := w.s.client.InsertMany(ctx, params)
		if err != nil {
			return fmt.Errorf("delivery: requeue: %w", err)
		}
		for _, r := range res {
			var args DeliverArgs
			if !r.UniqueSkippedAsDuplicate && json.Unmarshal(r.Job.EncodedArgs, &args) == nil {
				requeued = append(requeued, args.DeliveryID)
			}
		}
		if len(ids) < requeueBatch {
			break
		}
	}
	if len(requeued) > 0 {
		w.s.cfg.Logger.Warn("messages whose job was gone queued again", slog.Any("deliveries", requeued))
		w.s.cfg.Metrics.requeued(len(requeued))
	}
	return nil
}
