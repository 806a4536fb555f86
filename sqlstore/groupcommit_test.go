package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// openGroup opens a SQLite store with a table k of its own for the tests,
// whose jobs go to jobs when set.
func openGroup(t *testing.T, jobs Enqueuer) *DB {
	t.Helper()
	var opts Options
	if jobs != nil {
		opts.Jobs = func(context.Context, *sql.DB, string) (Enqueuer, error) { return jobs, nil }
	}
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "g.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, ok := db.engine.(*sqliteEngine); !ok {
		t.Fatal("a SQLite store has no group commit")
	}
	if _, err := db.SQL().Exec(`CREATE TABLE k (k TEXT PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	return db
}

// group is the group commit of a store openGroup opened.
func group(db *DB) *groupCommit { return db.engine.(*sqliteEngine).group }

// enqueueFunc is an Enqueuer of one function.
type enqueueFunc func(ctx context.Context, tx *sql.Tx, jobs TxJobs) error

func (f enqueueFunc) EnqueueTx(ctx context.Context, tx *sql.Tx, jobs TxJobs) error {
	return f(ctx, tx, jobs)
}

func insertK(ctx context.Context, tx *sql.Tx, k string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO k (k) VALUES ($1)`, k)
	return err
}

func keys(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT k FROM k ORDER BY k`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var ks []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			t.Fatal(err)
		}
		ks = append(ks, k)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ks
}

// holdWriter takes the store's one writer connection until the returned
// function is called: changes arriving meanwhile queue for one group.
func holdWriter(t *testing.T, db *DB) func() {
	t.Helper()
	group(db).maxTime = time.Minute // the group takes every change queued
	c, err := db.SQL().Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return func() { c.Close() }
}

// waitQueued waits until n changes wait for the running group.
func waitQueued(t *testing.T, g *groupCommit, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		g.mu.Lock()
		q := len(g.queue)
		g.mu.Unlock()
		if q == n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d changes queued, want %d", q, n)
		}
	}
}

// Changes that wait while a transaction runs commit together in the next,
// each with its own outcome: a failing, panicking or cancelled change leaves
// nothing behind and the others are written.
func TestGroupCommit(t *testing.T) {
	db := openGroup(t, nil)
	ctx := context.Background()

	release := holdWriter(t, db)

	// Cancelled once queued: it leaves the queue, nothing of it runs.
	cancelled, cancel := context.WithCancel(ctx)
	defer cancel()
	type change struct {
		name    string
		ctx     context.Context
		fn      func(ctx context.Context, tx *sql.Tx) error
		wantErr string // "" succeeds; "panic" panics
	}
	changes := []change{
		// First, so the caller that leads the group is the one that panics.
		{name: "panics", wantErr: "panic", fn: func(ctx context.Context, tx *sql.Tx) error {
			if err := insertK(ctx, tx, "x-panics"); err != nil {
				return err
			}
			panic("boom")
		}},
		{name: "ok1", fn: func(ctx context.Context, tx *sql.Tx) error { return insertK(ctx, tx, "b1") }},
		{name: "fails", wantErr: "refused", fn: func(ctx context.Context, tx *sql.Tx) error {
			if err := insertK(ctx, tx, "x-fails"); err != nil {
				return err
			}
			return errors.New("refused")
		}},
		{name: "ok2", fn: func(ctx context.Context, tx *sql.Tx) error {
			if err := insertK(ctx, tx, "b2"); err != nil {
				return err
			}
			return insertK(ctx, tx, "b3")
		}},
		{name: "duplicate", wantErr: "UNIQUE", fn: func(ctx context.Context, tx *sql.Tx) error {
			if err := insertK(ctx, tx, "x-duplicate"); err != nil {
				return err
			}
			return insertK(ctx, tx, "b1")
		}},
		{name: "cancelled", ctx: cancelled, wantErr: context.Canceled.Error(), fn: func(ctx context.Context, tx *sql.Tx) error {
			return insertK(ctx, tx, "x-cancelled")
		}},
		{name: "ok3", fn: func(ctx context.Context, tx *sql.Tx) error { return insertK(ctx, tx, "b4") }},
	}
	errs := make([]string, len(changes))
	// runs counts the changes a group ran; commits the groups that ended
	// with a commit.
	var runs, groups atomic.Int64
	commits := func(context.Context, *sql.Tx, TxJobs) error { groups.Add(1); return nil }
	var wg sync.WaitGroup
	queued := 0
	for i, c := range changes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Sprint("panic: ", p)
				}
			}()
			cctx := c.ctx
			if cctx == nil {
				cctx = ctx
			}
			run := func(tx *txn) error { runs.Add(1); return c.fn(cctx, tx.Tx) }
			if err := group(db).do(cctx, run, commits); err != nil {
				errs[i] = err.Error()
			}
		}()
		// Queued in order, so the duplicate comes after ok1.
		queued++
		waitQueued(t, group(db), queued)
		if c.ctx == cancelled {
			cancel()
			queued--
			waitQueued(t, group(db), queued)
		}
	}
	release()
	wg.Wait()

	for i, c := range changes {
		switch {
		case c.wantErr == "" && errs[i] != "":
			t.Errorf("%s: %s", c.name, errs[i])
		case c.wantErr != "" && !strings.Contains(errs[i], c.wantErr):
			t.Errorf("%s: error %q, want one with %q", c.name, errs[i], c.wantErr)
		}
	}
	if got, want := keys(t, db), []string{"b1", "b2", "b3", "b4"}; !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
	if g, m := groups.Load(), runs.Load(); g != 1 || m != int64(len(changes)-1) {
		t.Errorf("%d changes in %d transactions, want %d in 1", m, g, len(changes)-1)
	}
}

// A change that breaks its group's transaction fails the whole group:
// nothing of it is written, and the next group works.
func TestGroupCommitLost(t *testing.T) {
	db := openGroup(t, nil)
	ctx := context.Background()
	release := holdWriter(t, db)

	errs := make(chan error, 2)
	go func() {
		errs <- db.withTx(ctx, func(tx *txn) error { return insertK(ctx, tx.Tx, "lost") })
	}()
	waitQueued(t, group(db), 1)
	go func() {
		errs <- db.withTx(ctx, func(tx *txn) error {
			// Ends the transaction under the group's feet.
			_, err := tx.ExecContext(ctx, "ROLLBACK")
			return err
		})
	}()
	waitQueued(t, group(db), 2)
	release()
	for range 2 {
		if err := <-errs; err == nil {
			t.Error("a change of the lost group succeeded")
		}
	}
	if err := db.withTx(ctx, func(tx *txn) error { return insertK(ctx, tx.Tx, "after") }); err != nil {
		t.Fatal(err)
	}
	if got, want := keys(t, db), []string{"after"}; !slices.Equal(got, want) {
		t.Errorf("rows %q, want %q", got, want)
	}
}

// The jobs a group's changes ask for (deliveries and releases) are enqueued
// once, in the group's transaction, before it commits: those of a change
// that failed are not, and an enqueue that fails fails the whole group.
func TestGroupCommitEnqueue(t *testing.T) {
	ctx := context.Background()
	var calls, releases [][]int64
	failEnqueue := false
	db := openGroup(t, enqueueFunc(func(ctx context.Context, tx *sql.Tx, jobs TxJobs) error {
		ids := jobs.Deliveries
		calls = append(calls, ids)
		var orders []int64
		for _, r := range jobs.Releases {
			orders = append(orders, r.OrderID)
		}
		releases = append(releases, orders)
		for _, id := range ids {
			if err := insertK(ctx, tx, fmt.Sprint("job-", id)); err != nil {
				return err
			}
		}
		if failEnqueue {
			return errors.New("queue down")
		}
		return nil
	}))
	raise := func(key string, ids []int64, fail bool) func(tx *txn) error {
		return func(tx *txn) error {
			if err := insertK(ctx, tx.Tx, key); err != nil {
				return err
			}
			tx.jobs.Deliveries = append(tx.jobs.Deliveries, ids...)
			for _, id := range ids {
				tx.jobs.Releases = append(tx.jobs.Releases, Release{OrderID: 100 + id})
			}
			if fail {
				return errors.New("refused")
			}
			return nil
		}
	}
	inGroup := func(fns ...func(tx *txn) error) []error {
		release := holdWriter(t, db)
		errs := make([]error, len(fns))
		var wg sync.WaitGroup
		for i, fn := range fns {
			wg.Add(1)
			go func() { defer wg.Done(); errs[i] = db.withTx(ctx, fn) }()
			waitQueued(t, group(db), i+1)
		}
		release()
		wg.Wait()
		return errs
	}

	errs := inGroup(raise("a", []int64{1, 2}, false), raise("b", []int64{3}, true), raise("c", []int64{4}, false))
	if errs[0] != nil || errs[1] == nil || errs[2] != nil {
		t.Fatalf("errors %v, want only b's", errs)
	}
	if len(calls) != 1 || !slices.Equal(calls[0], []int64{1, 2, 4}) || !slices.Equal(releases[0], []int64{101, 102, 104}) {
		t.Fatalf("Enqueue calls %v with releases %v, want one with [1 2 4] and [101 102 104]", calls, releases)
	}
	if got, want := keys(t, db), []string{"a", "c", "job-1", "job-2", "job-4"}; !slices.Equal(got, want) {
		t.Fatalf("rows %q, want %q", got, want)
	}

	failEnqueue = true
	errs = inGroup(raise("d", []int64{5}, false), raise("e", []int64{6}, false))
	for i, err := range errs {
		if err == nil || !strings.Contains(err.Error(), "queue down") {
			t.Errorf("change %d: %v, want the enqueue's error", i, err)
		}
	}
	if got, want := keys(t, db), []string{"a", "c", "job-1", "job-2", "job-4"}; !slices.Equal(got, want) {
		t.Fatalf("after the failed enqueue, rows %q, want %q", got, want)
	}
}

// Under concurrent load every change lands exactly once (run with -race).
func TestGroupCommitConcurrent(t *testing.T) {
	db := openGroup(t, nil)
	ctx := context.Background()
	const workers, each = 8, 100
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := db.withTx(ctx, func(tx *txn) error { return insertK(ctx, tx.Tx, fmt.Sprintf("%d-%03d", w, i)) }); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := len(keys(t, db)); n != workers*each {
		t.Fatalf("%d rows, want %d", n, workers*each)
	}
}

// The checkpointer copies the WAL back beside the writer, so the WAL stays
// near what is written between checkpoints although the writer's own
// automatic checkpoint waits for 20,000 pages (80 MB).
func TestCheckpointer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	db, err := Open(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.SQL().Exec(`CREATE TABLE blob (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	payload := make([]byte, 64<<10)
	const rounds = 40 // 40 × 4 × 64 KiB = 10 MiB written
	var maxWAL int64
	for range rounds {
		ckpt := db.engine.(*sqliteEngine).checkpointer
		before := ckpt.copies.Load()
		if err := db.withTx(ctx, func(tx *txn) error {
			for range 4 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO blob (b) VALUES ($1)`, payload); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `DELETE FROM blob WHERE rowid < (SELECT MAX(rowid) - 3 FROM blob)`)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(5 * time.Second); ckpt.copies.Load() == before; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the checkpointer copied nothing back in 5 s")
			}
		}
		if fi, err := os.Stat(path + "-wal"); err == nil {
			maxWAL = max(maxWAL, fi.Size())
		}
	}
	// One round writes about 300 KiB of pages; without the checkpointer the
	// WAL would hold all 10 MiB.
	if maxWAL > 3<<20 {
		t.Fatalf("the WAL grew to %d bytes", maxWAL)
	}
}
