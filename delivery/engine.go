package delivery

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver"

	"github.com/qiscus/msgcenter/sqlstore"
)

// engine is what differs between the engines for River, one file each
// (engine_sqlite.go, engine_postgres.go), as River's own drivers are: the
// driver, and how the workers learn of new jobs.
type engine interface {
	// driver is River's driver over db, the store's handle, whose
	// transactions are the store's; listen, when set, is the pool of the
	// connection that listens for new jobs.
	driver(db *sql.DB, listen *pgxpool.Pool) riverdriver.Driver[*sql.Tx]
	// listener opens the pool of the connection on which the workers are
	// told of new jobs, connected to url; nil when the workers poll.
	listener(ctx context.Context, url string) (*pgxpool.Pool, error)
	// fetch returns the defaults of Config.FetchCooldown and
	// Config.FetchPollInterval.
	fetch() (cooldown, poll time.Duration)
}

// engineOf returns the engine named name (Config.Engine), as the store
// names it (sqlstore.DB.Engine).
func engineOf(name string) (engine, error) {
	switch name {
	case sqlstore.EngineSQLite:
		return sqliteEngine{}, nil
	case sqlstore.EnginePostgres:
		return postgresEngine{}, nil
	}
	return nil, fmt.Errorf("delivery: unknown engine %q", name)
}
