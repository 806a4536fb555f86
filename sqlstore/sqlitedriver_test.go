package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func openCaching(t *testing.T, conns int) *sql.DB {
	t.Helper()
	db := sql.OpenDB(newSQLiteConnector(sqliteDSN(filepath.Join(t.TempDir(), "c.db")), false))
	db.SetMaxOpenConns(conns)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	return db
}

// cached returns how many statements the pool's one connection holds.
func cached(t *testing.T, db *sql.DB) int {
	t.Helper()
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var n int
	c.Raw(func(dc any) error { n = len(dc.(*cachingConn).stmts); return nil })
	return n
}

// A statement is prepared once per connection and answers each run with
// that run's arguments, in and out of transactions.
func TestSQLiteStatementCache(t *testing.T) {
	db := openCaching(t, 1)
	ctx := context.Background()
	for i := range 5 {
		if _, err := db.ExecContext(ctx, `INSERT INTO t (v) VALUES ($1)`, fmt.Sprint("v", i)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		var v string
		if err := db.QueryRowContext(ctx, `SELECT v FROM t WHERE id = $1`, i+1).Scan(&v); err != nil || v != fmt.Sprint("v", i) {
			t.Fatalf("row %d = %q, %v", i+1, v, err)
		}
	}
	// CREATE TABLE, INSERT and SELECT.
	if n := cached(t, db); n != 3 {
		t.Fatalf("connection caches %d statements, want 3", n)
	}

	// In a transaction, the same text runs again while its first rows are
	// open: the second run gets its own statement and both read correctly.
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	const q = `SELECT id, v FROM t WHERE id >= $1 ORDER BY id`
	outer, err := tx.QueryContext(ctx, q, 4)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var id int
		var v string
		if err := outer.Scan(&id, &v); err != nil {
			t.Fatal(err)
		}
		inner, err := tx.QueryContext(ctx, q, id-1)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for inner.Next() {
			n++
		}
		inner.Close()
		got = append(got, fmt.Sprintf("%s:%d", v, n))
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if _, err := tx.ExecContext(ctx, `INSERT INTO t (v) VALUES ($1)`, "in-tx"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"v3:3", "v4:2"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("nested runs read %v, want %v", got, want)
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM t`).Scan(&n); err != nil || n != 5 {
		t.Fatalf("after rollback %d rows, %v; want 5", n, err)
	}
	// A statement that fails to prepare reports its error and is not kept.
	if _, err := db.ExecContext(ctx, `INSERT INTO nowhere VALUES (1)`); err == nil {
		t.Fatal("insert into a missing table succeeded")
	}
	if n := cached(t, db); n != 5 {
		t.Fatalf("connection caches %d statements, want 5", n)
	}
}

// Many goroutines over a pool of connections, each running distinct
// statements for the first time: under -race, and each answer its own.
func TestSQLiteStatementCacheConcurrent(t *testing.T) {
	db := openCaching(t, 4)
	const goroutines, queries = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*queries)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range queries {
				n := (i + g) % queries
				var got int
				if err := db.QueryRow(fmt.Sprintf("SELECT %d", n)).Scan(&got); err != nil {
					errs <- err
				} else if got != n {
					errs <- fmt.Errorf("SELECT %d answered %d", n, got)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A full cache makes room: past maxCachedStatements distinct texts, the
// newest statement is cached in place of an idle one and every query still
// answers correctly.
func TestSQLiteStatementCacheFull(t *testing.T) {
	db := openCaching(t, 1)
	for i := range maxCachedStatements + 50 {
		var got int
		if err := db.QueryRow(fmt.Sprintf("SELECT %d", i)).Scan(&got); err != nil || got != i {
			t.Fatalf("SELECT %d = %d, %v", i, got, err)
		}
	}
	if n := cached(t, db); n != maxCachedStatements {
		t.Fatalf("connection caches %d statements, want %d", n, maxCachedStatements)
	}
	c, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	last := fmt.Sprintf("SELECT %d", maxCachedStatements+49)
	c.Raw(func(dc any) error {
		if _, ok := dc.(*cachingConn).stmts[last]; !ok {
			t.Errorf("the newest statement %q is not cached", last)
		}
		return nil
	})
}

// On a noInterrupt connection (the writer's) a statement that has started
// runs to its end although its context ends meanwhile, by the cache or
// prepared by hand; elsewhere the context interrupts it. (Exec: database/sql
// itself closes a query's rows when the context ends, which is no interrupt.)
func TestSQLiteNoInterrupt(t *testing.T) {
	const slow = `WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 50000) SELECT COUNT(*) FROM c`
	run := func(t *testing.T, noInterrupt, prepared bool) error {
		db := sql.OpenDB(newSQLiteConnector(sqliteDSN(filepath.Join(t.TempDir(), "n.db")), noInterrupt))
		defer db.Close()
		db.SetMaxOpenConns(1)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		exec := func(ctx context.Context) error { _, err := db.ExecContext(ctx, slow); return err }
		if prepared {
			st, err := db.PrepareContext(ctx, slow)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			exec = func(ctx context.Context) error { _, err := st.ExecContext(ctx); return err }
		}
		if _, err := db.Exec(`SELECT 1`); err != nil { // the connection is open before the clock starts
			t.Fatal(err)
		}
		time.AfterFunc(10*time.Millisecond, cancel)
		return exec(ctx)
	}
	for _, prepared := range []bool{false, true} {
		t.Run(fmt.Sprint("prepared=", prepared), func(t *testing.T) {
			if err := run(t, true, prepared); err != nil {
				t.Errorf("noInterrupt: %v, want the statement to finish", err)
			}
			if err := run(t, false, prepared); err == nil {
				t.Error("without noInterrupt the statement finished; want it interrupted")
			}
		})
	}
}
