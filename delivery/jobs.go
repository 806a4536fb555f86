package delivery

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// The engines the store reports (sqlstore.DB.Engine), which pick River's driver.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
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
	cfg.defaults()
	driver, err := riverDriver(cfg, nil)
	if err != nil {
		return nil, err
	}
	if err := migrateRiver(ctx, driver, cfg); err != nil {
		return nil, err
	}
	client, err := river.NewClient(driver, &river.Config{FetchCooldown: cfg.FetchCooldown, Logger: quietLogger(cfg.Logger)})
	if err != nil {
		return nil, fmt.Errorf("delivery: river client: %w", err)
	}
	return &Jobs{client: client, metrics: cfg.Metrics}, nil
}

// EnqueueTx inserts, in tx, one delivery job per message of deliveryIDs.
func (j *Jobs) EnqueueTx(ctx context.Context, tx *sql.Tx, deliveryIDs []int64) error {
	if len(deliveryIDs) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(deliveryIDs))
	for i, id := range deliveryIDs {
		params[i] = river.InsertManyParams{Args: DeliverArgs{DeliveryID: id}}
	}
	if _, err := j.client.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("delivery: enqueue: %w", err)
	}
	j.metrics.raised(len(deliveryIDs))
	return nil
}

// riverDriver is River's driver for cfg.Engine over cfg.SQL: SQLite's, or
// on PostgreSQL database/sql's, whose transactions are the store's, with a
// pgx listener on listen when it is set.
func riverDriver(cfg Config, listen *pgxpool.Pool) (riverdriver.Driver[*sql.Tx], error) {
	switch cfg.Engine {
	case EngineSQLite:
		return riversqlite.New(cfg.SQL), nil
	case EnginePostgres:
		if listen != nil {
			return riverdatabasesql.NewWithPgxListener(cfg.SQL, listen), nil
		}
		return riverdatabasesql.New(cfg.SQL), nil
	}
	return nil, fmt.Errorf("delivery: unknown engine %q", cfg.Engine)
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
