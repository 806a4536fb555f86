package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// postgresEngine is PostgreSQL through pgx: a pool of connections whose
// transactions run side by side, reads on the same pool, and row locks
// taken by the reads that writes follow.
type postgresEngine struct{ db *sql.DB }

func openPostgres(url string) (*sql.DB, engine, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: open postgres: %w", err)
	}
	e := &postgresEngine{db: db}
	e.setMaxConns(DefaultMaxConns())
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, e, nil
}

func (e *postgresEngine) name() string   { return EnginePostgres }
func (e *postgresEngine) reads() *sql.DB { return e.db }
func (e *postgresEngine) close() error   { return nil }
func (e *postgresEngine) setMaxConns(n int) {
	e.db.SetMaxOpenConns(n)
	e.db.SetMaxIdleConns(n)
}

func (e *postgresEngine) forUpdate(of string) string {
	if of != "" {
		return " FOR UPDATE OF " + of
	}
	return " FOR UPDATE"
}

// withTx runs fn in a transaction of its own, on a connection it holds so
// that the transaction's pipelines (pipeline) run on it.
func (e *postgresEngine) withTx(ctx context.Context, fn func(tx *txn) error, end func(context.Context, *sql.Tx, TxJobs) error) error {
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	defer conn.Close()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	defer sqlTx.Rollback()
	tx := &txn{Tx: sqlTx, pipe: func(ctx context.Context, stmts []stmt) error { return pipeline(ctx, conn, stmts) }}
	if err := fn(tx); err != nil {
		return err
	}
	if err := end(ctx, sqlTx, tx.jobs); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// lockMigrations takes a transaction-scoped advisory lock whose key is an
// arbitrary constant of this program.
func (e *postgresEngine) lockMigrations(ctx context.Context, tx *txn) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7265746173)`); err != nil {
		return fmt.Errorf("sqlstore: lock migrations: %w", err)
	}
	return nil
}

// lockSlug makes the second creator of a slug see the first's instead of
// failing on the unique index.
func (e *postgresEngine) lockSlug(ctx context.Context, tx *txn, slug string) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(1936483179, hashtext($1))`, slug); err != nil {
		return fmt.Errorf("sqlstore: lock slug: %w", err)
	}
	return nil
}

// pipeline runs stmts on conn, in the transaction open on it, as one pgx
// batch: every statement is sent, then every result read, in one round
// trip. The batch is inside the transaction, so it is not one of its own;
// a statement that fails fails the transaction, as it would alone.
func pipeline(ctx context.Context, conn *sql.Conn, stmts []stmt) error {
	return conn.Raw(func(dc any) error {
		b := &pgx.Batch{}
		for _, st := range stmts {
			b.Queue(st.query, st.args...)
		}
		br := dc.(*stdlib.Conn).Conn().SendBatch(ctx, b)
		for _, st := range stmts {
			if err := readResult(br, st); err != nil {
				br.Close()
				return fmt.Errorf("sqlstore: %s: %w", st.what, err)
			}
		}
		return br.Close()
	})
}

// readResult reads the result of st, the next statement of br.
func readResult(br pgx.BatchResults, st stmt) error {
	if st.rows == nil {
		_, err := br.Exec()
		return err
	}
	rows, err := br.Query()
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
