package delivery

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/qiscus/msgcenter/sqlstore"
)

// Jobs inserts the jobs of newly raised messages inside the store's
// transactions, so that a message and its job commit or vanish together:
// it is the store's Enqueuer (sqlstore.Options.Jobs). It is a River client
// that inserts only; the Service's client works the jobs.
type Jobs struct {
	client  *river.Client[*sql.Tx]
	metrics *Metrics
}

// NewJobs migrates River's tables on cfg.SQL, of cfg.Engine, and returns
// the inserter of delivery jobs. Of cfg it reads SQL, Engine, Logger,
// Metrics and FetchCooldown (which spaces PostgreSQL's insert
// notifications as the workers' client expects them).
func NewJobs(ctx context.Context, cfg Config) (*Jobs, error) {
	e, err := cfg.defaults()
	if err != nil {
		return nil, err
	}
	driver := e.driver(cfg.SQL, nil)
	if err := migrateRiver(ctx, driver, cfg); err != nil {
		return nil, err
	}
	client, err := river.NewClient(driver, &river.Config{FetchCooldown: cfg.FetchCooldown, Logger: quietLogger(cfg.Logger)})
	if err != nil {
		return nil, fmt.Errorf("delivery: river client: %w", err)
	}
	return &Jobs{client: client, metrics: cfg.Metrics}, nil
}

// EnqueueTx inserts in tx, in one insert, one delivery job per message of
// jobs.Deliveries and one release job per order of jobs.Releases, due at
// its release time; it makes Jobs the store's sqlstore.Enqueuer.
func (j *Jobs) EnqueueTx(ctx context.Context, tx *sql.Tx, jobs sqlstore.TxJobs) error {
	params := make([]river.InsertManyParams, 0, len(jobs.Deliveries)+len(jobs.Releases))
	for _, id := range jobs.Deliveries {
		params = append(params, river.InsertManyParams{Args: DeliverArgs{DeliveryID: id}})
	}
	for _, r := range jobs.Releases {
		params = append(params, river.InsertManyParams{Args: ReleaseArgs{OrderID: r.OrderID}, InsertOpts: &river.InsertOpts{ScheduledAt: r.At}})
	}
	if len(params) == 0 {
		return nil
	}
	if _, err := j.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("delivery: enqueue: %w", err)
	}
	j.metrics.raised(len(jobs.Deliveries))
	return nil
}

// migrateRiver applies River's migrations.
func migrateRiver(ctx context.Context, driver riverdriver.Driver[*sql.Tx], cfg Config) error {
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: quietLogger(cfg.Logger)})
	if err != nil {
		return fmt.Errorf("delivery: river migrator: %w", err)
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("delivery: river migrations: %w", err)
	}
	return nil
}
