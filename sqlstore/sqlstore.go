// Package sqlstore implements the domain's storage services over database/sql,
// on SQLite (modernc.org/sqlite, the embedded default) and on PostgreSQL (pgx).
// The engine is chosen by the URL given to Open; the SQL is the same on both
// except for the schema, which has one migration directory per engine.
package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
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
	// q runs the store's reads outside transactions. On SQLite it is a pool
	// of read-only connections besides the one writer, which WAL lets read
	// while the writer writes; on PostgreSQL it is db.
	q *sql.DB
	// group runs write transactions on SQLite (see groupCommit); nil on
	// PostgreSQL, where concurrent transactions run side by side.
	group *groupCommit
	// checkpointer runs SQLite's WAL checkpoints beside the writer.
	checkpointer *checkpointer

	// Now returns the current time. Tests replace it to move the clock; it
	// must be set before the DB is shared between goroutines.
	Now func() time.Time

	// Enqueue, when set, is called inside the transaction of every state
	// change that raised messages, with the ids of the deliveries it created
	// (never of ones that already existed), so that the delivery jobs commit
	// or roll back together with the change. The delivery package sets it to
	// insert its jobs; nil enqueues nothing, as in tools and store tests. An
	// error rolls the whole change back. It must be set before the DB is
	// shared between goroutines.
	Enqueue func(ctx context.Context, tx *sql.Tx, deliveryIDs []int64) error
	// ScheduleRelease, when set, is called inside the transaction that
	// places an order, to schedule at at the job that releases the order's
	// stock if it is still unpaid then (OrderFlowService.ReleaseUnpaidOrder).
	// nil schedules nothing. It must be set before the DB is shared.
	ScheduleRelease func(ctx context.Context, tx *sql.Tx, orderID int64, at time.Time) error
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
		db.SetMaxConns(DefaultMaxConns())
		db.db.SetConnMaxIdleTime(5 * time.Minute)
	} else {
		db.engine = EngineSQLite
		db.db = sql.OpenDB(newSQLiteConnector(sqliteDSN(url), true))
		// SQLite has one writer at a time; one connection makes the process
		// queue for it instead of spinning on SQLITE_BUSY, and is what River's
		// SQLite driver, which shares this handle, expects.
		db.db.SetMaxOpenConns(1)
		db.group = &groupCommit{db: db.db, maxTime: maxGroupTime,
			enqueue: func(ctx context.Context, tx *sql.Tx, ids []int64) error { return db.Enqueue(ctx, tx, ids) }}
	}
	if err := db.db.PingContext(ctx); err != nil {
		db.db.Close()
		return nil, fmt.Errorf("sqlstore: connect %s: %w", db.engine, err)
	}
	if err := db.migrate(ctx); err != nil {
		db.db.Close()
		return nil, err
	}
	db.q = db.db
	if db.engine == EngineSQLite && !inMemory(url) {
		db.q = sql.OpenDB(newSQLiteConnector(sqliteDSN(url)+"&_pragma=query_only(1)", false))
		db.q.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
		db.q.SetMaxIdleConns(max(4, runtime.GOMAXPROCS(0)))
		db.checkpointer = startCheckpointer(sql.OpenDB(newSQLiteConnector(sqliteDSN(url), false)), checkpointInterval)
	}
	return db, nil
}

// checkpointInterval is how often the checkpointer copies the WAL back into
// the database file.
const checkpointInterval = 100 * time.Millisecond

// checkpointer runs SQLite's WAL checkpoints on a connection of its own.
// By default SQLite checkpoints in the connection that commits once the WAL
// passes 1,000 pages, so the one writer stopped every few dozen transactions
// to copy pages and fsync the database file. A passive checkpoint takes no
// write lock, so here it runs beside the writer, on the other core; the
// writer's own automatic checkpoint stays as a backstop at a WAL of 20,000
// pages, should this one fall behind. The WAL restarts from its beginning at
// the first write after a complete checkpoint, so it stays near the size
// written between two checkpoints.
type checkpointer struct {
	db     *sql.DB
	stop   context.CancelFunc
	done   chan struct{}
	copies atomic.Int64 // checkpoints that copied frames back, for tests
}

func startCheckpointer(db *sql.DB, every time.Duration) *checkpointer {
	db.SetMaxOpenConns(1)
	ctx, stop := context.WithCancel(context.Background())
	c := &checkpointer{db: db, stop: stop, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			// busy is 1 when another checkpoint was running; log and
			// copied count frames, -1 when the database is not in WAL.
			var busy, log, copied int64
			if err := db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &log, &copied); err == nil && copied > 0 {
				c.copies.Add(1)
			}
		}
	}()
	return c
}

func (c *checkpointer) close() error {
	c.stop()
	<-c.done
	return c.db.Close()
}

// inMemory reports whether a SQLite URL names an in-memory database, which
// only the connection that opened it sees.
func inMemory(url string) bool {
	return strings.Contains(url, ":memory:") || strings.Contains(url, "mode=memory")
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
		// The checkpointer runs the checkpoints; this is its backstop.
		{"_pragma=wal_autocheckpoint", "_pragma=wal_autocheckpoint(20000)"},
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
func (db *DB) Close() error {
	if db.checkpointer != nil {
		db.checkpointer.close()
	}
	if db.q != nil && db.q != db.db {
		db.q.Close()
	}
	return db.db.Close()
}

// DefaultMaxConns is the PostgreSQL connections one process opens unless
// set: four per core the process may use, at least 8. Past the cores, more
// connections add server processes that contend for the same CPUs.
func DefaultMaxConns() int { return max(8, 4*runtime.GOMAXPROCS(0)) }

// SetMaxConns sets how many PostgreSQL connections the process opens at
// most, n at least 1. Every one of them is kept open when idle: a pool that
// closes what it cannot keep opens it again under load, and a PostgreSQL
// connection is a server process to start. SQLite ignores it: it has one
// writer connection and a read pool sized by the cores.
func (db *DB) SetMaxConns(n int) {
	if db.engine != EnginePostgres || n < 1 {
		return
	}
	db.db.SetMaxOpenConns(n)
	db.db.SetMaxIdleConns(n)
}

// SQL returns the underlying handle, for River's driver and for tests.
func (db *DB) SQL() *sql.DB { return db.db }

// GroupCommits reports, on SQLite, how many write transactions group
// commit has run and how many changes they carried (see groupCommit); zero
// on PostgreSQL.
func (db *DB) GroupCommits() (transactions, changes int64) {
	if db.group == nil {
		return 0, 0
	}
	return db.group.groups.Load(), db.group.members.Load()
}

// SQLRead returns the handle for reads outside transactions: on SQLite a
// pool of read-only connections that read beside the one writer, on
// PostgreSQL the same handle as SQL.
func (db *DB) SQLRead() *sql.DB { return db.q }

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

// withTx runs fn in a transaction, committing when fn returns nil. fn must
// not commit or roll back tx itself: on SQLite the transaction may hold
// other callers' changes (groupCommit).
func (db *DB) withTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if db.group != nil {
		return db.group.do(ctx, fn)
	}
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

// WithTx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise. It lets code outside the package raise messages with RaiseTx
// in the same transaction as its own writes.
func (db *DB) WithTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return db.withTx(ctx, fn)
}

// querier is what read helpers need: a *sql.DB or a *sql.Tx.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// randomToken returns a customer-facing token: 32 random bytes (256 bits)
// in unpadded base64url, 43 characters, safe in a URL path.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("sqlstore: random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// placeholders returns n numbered placeholders starting at $from, joined
// by commas ("$3, $4, $5"), for IN lists and multi-row inserts.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + i))
	}
	return b.String()
}

// nullInt64 is the stored form of an optional id.
func nullInt64(v *int64) sql.NullInt64 {
	if v == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *v, Valid: true}
}

// int64Ptr reads an optional id back.
func int64Ptr(v sql.NullInt64) *int64 {
	if !v.Valid {
		return nil
	}
	return &v.Int64
}

// timePtr reads an optional time back, in UTC.
func timePtr(v sql.NullTime) *time.Time {
	if !v.Valid {
		return nil
	}
	t := v.Time.UTC()
	return &t
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
