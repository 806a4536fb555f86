package sqlstore

import (
	"context"
	"database/sql"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
)

// sqliteEngine is SQLite through modernc: one writer connection whose
// transactions hold the database lock from BEGIN and run through group
// commit, a pool of read-only connections that read beside it in WAL mode,
// and a checkpointer. An in-memory database has the writer alone.
type sqliteEngine struct {
	group        *groupCommit
	writer, q    *sql.DB
	checkpointer *checkpointer
}

func openSQLite(url string) (*sql.DB, engine, error) {
	db := sql.OpenDB(newSQLiteConnector(sqliteDSN(url), true))
	// SQLite has one writer at a time; one connection makes the process
	// queue for it instead of spinning on SQLITE_BUSY, and is what River's
	// SQLite driver, which shares this handle, expects.
	db.SetMaxOpenConns(1)
	e := &sqliteEngine{group: &groupCommit{db: db, maxTime: maxGroupTime}, writer: db, q: db}
	if !inMemory(url) {
		e.q = sql.OpenDB(newSQLiteConnector(sqliteDSN(url)+"&_pragma=query_only(1)", false))
		e.q.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
		e.q.SetMaxIdleConns(max(4, runtime.GOMAXPROCS(0)))
		e.checkpointer = startCheckpointer(sql.OpenDB(newSQLiteConnector(sqliteDSN(url), false)), checkpointInterval)
	}
	return db, e, nil
}

func (e *sqliteEngine) name() string               { return EngineSQLite }
func (e *sqliteEngine) reads() *sql.DB             { return e.q }
func (e *sqliteEngine) setMaxConns(int)            {}
func (e *sqliteEngine) forUpdate(of string) string { return "" }

// withTx runs fn through group commit.
func (e *sqliteEngine) withTx(ctx context.Context, fn func(tx *txn) error, end func(context.Context, *sql.Tx, TxJobs) error) error {
	return e.group.do(ctx, fn, end)
}

// The immediate transaction of the one writer serialises migrations and
// store creations: no lock is needed.
func (e *sqliteEngine) lockMigrations(context.Context, *txn) error   { return nil }
func (e *sqliteEngine) lockSlug(context.Context, *txn, string) error { return nil }

func (e *sqliteEngine) close() error {
	if e.checkpointer != nil {
		e.checkpointer.close()
	}
	if e.q != e.writer {
		return e.q.Close()
	}
	return nil
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
