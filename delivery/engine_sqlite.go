package delivery

import (
	"context"
	"database/sql"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riversqlite"
)

// sqliteEngine is River on SQLite: its SQLite driver, and workers that poll.
type sqliteEngine struct{}

func (sqliteEngine) driver(db *sql.DB, _ *pgxpool.Pool) riverdriver.Driver[*sql.Tx] {
	return riversqlite.New(db)
}

// SQLite has no LISTEN/NOTIFY.
func (sqliteEngine) listener(context.Context, string) (*pgxpool.Pool, error) { return nil, nil }

// River wakes its workers itself only for jobs inserted outside a
// transaction, never for ours: the poll is what bounds the wait of a new
// message.
func (sqliteEngine) fetch() (cooldown, poll time.Duration) {
	return 2 * time.Millisecond, 10 * time.Millisecond
}
