// Package sqlstore implements the domain's storage services over database/sql,
// on SQLite (modernc.org/sqlite, the embedded default) and on PostgreSQL (pgx).
// The engine is chosen by the URL given to Open; the SQL is the same on both
// except for the schema, which has one migration directory per engine.
package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The engines Open knows, as reported by Engine.
const (
	EngineSQLite   = "sqlite"
	EnginePostgres = "postgres"
)

//go:embed migrations
var migrationFS embed.FS

// DB is an open database with its schema migrated to the version this
// program knows.
type DB struct {
	db     *sql.DB
	engine string

	// Now returns the current time. Tests replace it to move the clock; it
	// must be set before the DB is shared between goroutines.
	Now func() time.Time
}

// Open connects to the database named by url and applies the migrations it
// lacks. A URL starting postgres:// or postgresql:// is a PostgreSQL server;
// anything else is a SQLite file, as a path (./msgcenter.db) or a file: URI.
// Open refuses a database whose schema is newer than this program knows.
func Open(ctx context.Context, url string) (*DB, error) {
	db := &DB{Now: func() time.Time { return time.Now().UTC() }}
	var err error
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		db.engine = EnginePostgres
		if db.db, err = sql.Open("pgx", url); err != nil {
			return nil, fmt.Errorf("sqlstore: open postgres: %w", err)
		}
		db.db.SetMaxOpenConns(20)
		db.db.SetMaxIdleConns(10)
		db.db.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		db.engine = EngineSQLite
		if db.db, err = sql.Open("sqlite", sqliteDSN(url)); err != nil {
			return nil, fmt.Errorf("sqlstore: open sqlite: %w", err)
		}
		// SQLite has one writer at a time; one connection makes the process
		// queue for it instead of spinning on SQLITE_BUSY, and is what River's
		// SQLite driver, which shares this handle, expects.
		db.db.SetMaxOpenConns(1)
	}
	if err := db.db.PingContext(ctx); err != nil {
		db.db.Close()
		return nil, fmt.Errorf("sqlstore: connect %s: %w", db.engine, err)
	}
	if err := db.migrate(ctx); err != nil {
		db.db.Close()
		return nil, err
	}
	return db, nil
}

// sqliteDSN turns a path or file: URI into a DSN with the settings the store
// relies on, keeping any the caller set.
func sqliteDSN(url string) string {
	dsn := url
	if !strings.HasPrefix(dsn, "file:") {
		dsn = "file:" + dsn
	}
	params := []struct{ key, value string }{
		{"_pragma=busy_timeout", "_pragma=busy_timeout(10000)"},
		{"_pragma=foreign_keys", "_pragma=foreign_keys(1)"},
		{"_pragma=journal_mode", "_pragma=journal_mode(WAL)"},
		{"_pragma=synchronous", "_pragma=synchronous(NORMAL)"},
		// Write transactions take the write lock at BEGIN, so two of them
		// never deadlock upgrading a read lock.
		{"_txlock=", "_txlock=immediate"},
		// A format the driver parses back into time.Time.
		{"_time_format=", "_time_format=sqlite"},
	}
	for _, p := range params {
		if strings.Contains(dsn, p.key) {
			continue
		}
		if strings.Contains(dsn, "?") {
			dsn += "&" + p.value
		} else {
			dsn += "?" + p.value
		}
	}
	return dsn
}

// Close closes the database.
func (db *DB) Close() error { return db.db.Close() }

// SQL returns the underlying handle, for River's driver and for tests.
func (db *DB) SQL() *sql.DB { return db.db }

// Engine returns "sqlite" or "postgres".
func (db *DB) Engine() string { return db.engine }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.db.PingContext(ctx) }

// now returns the clock's time in UTC at the microsecond precision both
// engines keep, so what is written reads back equal.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// forUpdate is the locking clause for a row read that a write will follow.
// SQLite needs none: its write transactions hold the database lock from BEGIN.
func (db *DB) forUpdate() string {
	if db.engine == EnginePostgres {
		return " FOR UPDATE"
	}
	return ""
}

// withTx runs fn in a transaction, committing when fn returns nil.
func (db *DB) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// querier is what read helpers need: a *sql.DB or a *sql.Tx.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// isUniqueViolation reports whether err is a unique or primary key violation
// on either engine.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// migration is one numbered schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the engine's migrations in order. Files are named
// NNNN_description.sql.
func migrations(engine string) ([]migration, error) {
	dir := path.Join("migrations", engine)
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, _ := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlstore: migration %s/%s: name must start with a positive number", dir, e.Name())
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("sqlstore: migrations %s and %s share version %d", ms[i-1].name, ms[i].name, ms[i].version)
		}
	}
	return ms, nil
}

// migrate applies the missing migrations, each in its own transaction
// recorded in schema_migrations. On PostgreSQL an advisory lock serialises
// processes starting together; on SQLite the immediate transaction does.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations(db.engine)
	if err != nil {
		return err
	}
	known := 0
	if len(ms) > 0 {
		known = ms[len(ms)-1].version
	}

	// Refuse a newer schema before changing anything.
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		if err := db.lockMigrations(ctx, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version    INTEGER PRIMARY KEY,
			name       TEXT NOT NULL,
			applied_at TEXT NOT NULL
		)`); err != nil {
			return fmt.Errorf("sqlstore: create schema_migrations: %w", err)
		}
		current, err := schemaVersion(ctx, tx)
		if err != nil {
			return err
		}
		if current > known {
			return fmt.Errorf("sqlstore: the database schema is at version %d, newer than version %d that this msgcenter knows; run a newer msgcenter", current, known)
		}
		return nil
	})
	if err != nil {
		return err
	}

	for _, m := range ms {
		err := db.withTx(ctx, func(tx *sql.Tx) error {
			if err := db.lockMigrations(ctx, tx); err != nil {
				return err
			}
			// Another process may have applied it since we looked.
			var applied bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)`, m.version).Scan(&applied); err != nil {
				return fmt.Errorf("sqlstore: read schema_migrations: %w", err)
			}
			if applied {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("sqlstore: migration %s: %w", m.name, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
				m.version, m.name, db.now().Format(time.RFC3339Nano)); err != nil {
				return fmt.Errorf("sqlstore: record migration %s: %w", m.name, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// lockMigrations takes PostgreSQL's transaction-scoped advisory lock for
// migrations. The key is an arbitrary constant of this program.
func (db *DB) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	if db.engine != EnginePostgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7265746173)`); err != nil {
		return fmt.Errorf("sqlstore: lock migrations: %w", err)
	}
	return nil
}

// schemaVersion returns the highest applied migration, 0 for none.
func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlstore: read schema version: %w", err)
	}
	return int(v.Int64), nil
}
