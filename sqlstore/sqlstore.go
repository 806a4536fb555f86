// Package sqlstore implements the domain's storage services over database/sql,
// on SQLite (modernc.org/sqlite, the embedded default) and on PostgreSQL (pgx).
// The engine is chosen by the URL given to Open; the SQL is the same on both
// except for the schema, which has one migration directory per engine, and
// what engine_sqlite.go and engine_postgres.go hold: how write transactions
// run (group commit on SQLite) and how their pipelines do (one round trip
// on PostgreSQL), the handle of reads, locking clauses and advisory locks.
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

// Enqueuer inserts the jobs a transaction of the store asks for inside that
// transaction, so that a message or an order and its job commit or roll
// back together. The delivery package's Jobs is one.
type Enqueuer interface {
	// EnqueueTx inserts jobs in tx, all of them at once; jobs is never
	// empty.
	EnqueueTx(ctx context.Context, tx *sql.Tx, jobs TxJobs) error
}

// TxJobs are the jobs one transaction asks for, inserted once just before
// it commits: one insert of many jobs costs little more than one.
type TxJobs struct {
	// Deliveries are the ids of the messages raised in the transaction,
	// each to be sent by a job of its own.
	Deliveries []int64
	// Releases are the orders placed in it, each to be released at its
	// release time if still unpaid then.
	Releases []Release
}

// Release is the job that expires an order still unpaid at At and gives
// its items back to stock (OrderFlowService.ReleaseUnpaidOrder).
type Release struct {
	OrderID int64
	At      time.Time
}

// empty reports whether j asks for no job.
func (j TxJobs) empty() bool { return len(j.Deliveries) == 0 && len(j.Releases) == 0 }

// add adds o's jobs to j.
func (j *TxJobs) add(o TxJobs) {
	j.Deliveries = append(j.Deliveries, o.Deliveries...)
	j.Releases = append(j.Releases, o.Releases...)
}

// Options are what Open takes besides the database's URL.
type Options struct {
	// Jobs, when set, is called once by Open, after the migrations, with the
	// database handle and the engine's name ("sqlite" or "postgres"), and
	// returns the Enqueuer of the store's messages: every transaction that
	// asked for jobs hands them to it once, just before it commits. An
	// error fails Open. Without it the store enqueues nothing, as in tools
	// and store tests.
	Jobs func(ctx context.Context, handle *sql.DB, engine string) (Enqueuer, error)
}

// DB is an open database with its schema migrated to the version this
// program knows.
type DB struct {
	db *sql.DB
	// q runs the store's reads outside transactions (engine.reads).
	q *sql.DB
	// engine holds what differs between SQLite and PostgreSQL.
	engine engine
	// jobs inserts the jobs of new messages and orders; nil enqueues
	// nothing.
	jobs Enqueuer

	// Now returns the current time. Tests replace it to move the clock; it
	// must be set before the DB is shared between goroutines.
	Now func() time.Time
}

// engine is what differs between the two engines, one file each
// (engine_sqlite.go, engine_postgres.go): how write transactions and their
// pipelines run, the handle of reads, locking clauses, and the locks of
// migrations and slugs.
type engine interface {
	name() string
	// reads is the handle for reads outside transactions.
	reads() *sql.DB
	// withTx runs fn in a write transaction whose pipelines (txn.pipe) it
	// sets, then end, both inside it, and commits when they return nil.
	withTx(ctx context.Context, fn func(tx *txn) error, end func(ctx context.Context, tx *sql.Tx, jobs TxJobs) error) error
	// forUpdate is the locking clause of a row read that a write will
	// follow, limited to one table of a join when of is set.
	forUpdate(of string) string
	// lockMigrations serialises processes that migrate at once.
	lockMigrations(ctx context.Context, tx *txn) error
	// lockSlug makes creators of stores with the same slug take turns.
	lockSlug(ctx context.Context, tx *txn, slug string) error
	setMaxConns(n int)
	close() error
}

// txn is a write transaction of the store and the jobs asked for in it,
// which the transaction helper enqueues once, just before the commit.
type txn struct {
	*sql.Tx
	jobs TxJobs
	// pipe runs statements in the transaction in order, as the engine
	// can at least cost (pipeline).
	pipe func(ctx context.Context, stmts []stmt) error
}

// stmt is one statement of a pipeline: what it does, for its error ("insert
// order items"), its SQL, its arguments, and, when set, what reads its rows.
type stmt struct {
	what  string
	query string
	args  []any
	rows  func(rows rowReader) error
}

// rowReader is the rows of one statement of a pipeline, on either engine.
type rowReader interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// pipeline runs stmts in tx, in order, as if one after another, and
// returns the first error, naming its statement; a statement that fails
// fails the transaction, as it would alone. On PostgreSQL they go to the
// server together and their results come back together, in one round
// trip; SQLite, in the process, runs them one by one. Statements whose
// arguments do not wait on each other's results are sent this way.
func (tx *txn) pipeline(ctx context.Context, stmts ...stmt) error {
	return tx.pipe(ctx, stmts)
}

// eachStmt runs stmts in tx one after the other: the pipeline of SQLite.
func eachStmt(tx *sql.Tx) func(ctx context.Context, stmts []stmt) error {
	return func(ctx context.Context, stmts []stmt) error {
		for _, st := range stmts {
			if err := runStmt(ctx, tx, st); err != nil {
				return fmt.Errorf("sqlstore: %s: %w", st.what, err)
			}
		}
		return nil
	}
}

func runStmt(ctx context.Context, tx *sql.Tx, st stmt) error {
	if st.rows == nil {
		_, err := tx.ExecContext(ctx, st.query, st.args...)
		return err
	}
	rows, err := tx.QueryContext(ctx, st.query, st.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := st.rows(rows); err != nil {
		return err
	}
	rows.Close()
	return rows.Err()
}

// Open connects to the database named by url and applies the migrations it
// lacks. A URL starting postgres:// or postgresql:// is a PostgreSQL server;
// anything else is a SQLite file, as a path (./msgcenter.db) or a file: URI.
// Open refuses a database whose schema is newer than this program knows.
func Open(ctx context.Context, url string, opts Options) (*DB, error) {
	db := &DB{Now: func() time.Time { return time.Now().UTC() }}
	var err error
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		db.db, db.engine, err = openPostgres(url)
	} else {
		db.db, db.engine, err = openSQLite(url)
	}
	if err != nil {
		return nil, err
	}
	db.q = db.db
	fail := func(err error) (*DB, error) {
		db.engine.close()
		db.db.Close()
		return nil, err
	}
	if err := db.db.PingContext(ctx); err != nil {
		return fail(fmt.Errorf("sqlstore: connect %s: %w", db.engine.name(), err))
	}
	if err := db.migrate(ctx); err != nil {
		return fail(err)
	}
	db.q = db.engine.reads()
	if opts.Jobs != nil {
		if db.jobs, err = opts.Jobs(ctx, db.db, db.engine.name()); err != nil {
			return fail(fmt.Errorf("sqlstore: jobs: %w", err))
		}
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.engine.close()
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
	if n >= 1 {
		db.engine.setMaxConns(n)
	}
}

// SQL returns the underlying handle, for River's driver and for tests.
func (db *DB) SQL() *sql.DB { return db.db }

// SQLRead returns the handle for reads outside transactions: on SQLite a
// pool of read-only connections that read beside the one writer, on
// PostgreSQL the same handle as SQL.
func (db *DB) SQLRead() *sql.DB { return db.q }

// Engine returns "sqlite" or "postgres".
func (db *DB) Engine() string { return db.engine.name() }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.db.PingContext(ctx) }

// now returns the clock's time in UTC at the microsecond precision both
// engines keep, so what is written reads back equal.
func (db *DB) now() time.Time { return db.Now().UTC().Truncate(time.Microsecond) }

// forUpdate is the locking clause for a row read that a write will follow:
// FOR UPDATE on PostgreSQL; none on SQLite, whose write transactions hold
// the database lock from BEGIN.
func (db *DB) forUpdate() string { return db.engine.forUpdate("") }

// forUpdateOf is forUpdate limited to one table of a join, so that reading
// a room locks the room and not its channel.
func (db *DB) forUpdateOf(table string) string { return db.engine.forUpdate(table) }

// withTx runs fn in a transaction, committing when fn returns nil. The
// jobs fn asked for (the messages it raised, the orders it placed) are
// enqueued in the transaction just before it commits. fn must not commit
// or roll back tx itself: on SQLite the transaction may hold other
// callers' changes (groupCommit).
func (db *DB) withTx(ctx context.Context, fn func(tx *txn) error) error {
	return db.engine.withTx(ctx, fn, func(ctx context.Context, tx *sql.Tx, jobs TxJobs) error {
		if db.jobs == nil || jobs.empty() {
			return nil
		}
		if err := db.jobs.EnqueueTx(ctx, tx, jobs); err != nil {
			return fmt.Errorf("sqlstore: enqueue jobs: %w", err)
		}
		return nil
	})
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
// recorded in schema_migrations, under the engine's lock of migrations.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrations(db.engine.name())
	if err != nil {
		return err
	}
	known := 0
	if len(ms) > 0 {
		known = ms[len(ms)-1].version
	}

	// Refuse a newer schema before changing anything.
	err = db.withTx(ctx, func(tx *txn) error {
		if err := db.engine.lockMigrations(ctx, tx); err != nil {
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
		err := db.withTx(ctx, func(tx *txn) error {
			if err := db.engine.lockMigrations(ctx, tx); err != nil {
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

// schemaVersion returns the highest applied migration, 0 for none.
func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("sqlstore: read schema version: %w", err)
	}
	return int(v.Int64), nil
}
