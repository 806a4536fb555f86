package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Group commit bounds: a group stops taking members at either.
const (
	maxGroupMembers = 32
	maxGroupTime    = 10 * time.Millisecond
)

// groupCommit runs the store's write transactions on SQLite, which has one
// writer: changes that arrive while a transaction is running wait, and the
// next transaction runs them all, each in a savepoint of its own, and commits
// once. A commit writes every page the transaction changed to the WAL;
// changes of the same kind touch the same pages (the tail of the orders, the
// deliveries, the jobs), so a group writes them once instead of once per
// change. The first change to arrive starts at once: nothing waits to fill a
// group.
//
// Each change keeps its own outcome. One that fails is rolled back to its
// savepoint and the others still commit; one that succeeds returns only after
// the commit that made it durable, and returns the commit's error if that
// failed. A change whose context is done before its turn is not run. Statements
// on the writer are not interrupted by their context (sqliteConnector's
// noInterrupt), because SQLite answers an interrupted write by rolling back the
// whole transaction, which here holds other callers' changes; if a change still
// breaks the transaction, every change of the group fails and none is written.
//
// The jobs the group's changes asked for are enqueued once, in the group's
// transaction, just before it commits: one insert of a group's jobs costs
// little more than one insert of one job. The jobs of a change that fails
// go with its savepoint.
//
// Leadership passes from caller to caller: the first to arrive runs the group,
// and when it is done hands the next group to the first caller still waiting,
// so no caller runs more than one group and none needs a goroutine of its own.
type groupCommit struct {
	db      *sql.DB
	maxTime time.Duration // maxGroupTime; tests lengthen it

	mu      sync.Mutex
	queue   []*groupMember
	leading bool
}

type groupMember struct {
	ctx      context.Context
	fn       func(tx *txn) error
	err      error
	panicked any
	lead     bool          // set before wake is closed: run the next group
	taken    bool          // a group has started it; under groupCommit.mu
	wake     chan struct{} // closed when the change is done or must lead
	jobs     TxJobs        // the jobs it asked for
}

// do runs fn in a transaction, and end in it once for the whole group with
// the jobs of its changes that succeeded, as engine.withTx does.
func (g *groupCommit) do(ctx context.Context, fn func(tx *txn) error, end func(context.Context, *sql.Tx, TxJobs) error) error {
	m := &groupMember{ctx: ctx, fn: fn, wake: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, m)
	if !g.leading {
		g.leading, m.lead = true, true
		g.mu.Unlock()
	} else {
		g.mu.Unlock()
		if err := g.wait(m); err != nil {
			return err
		}
	}
	if m.lead {
		g.run(ctx, end)
	}
	if m.panicked != nil {
		panic(m.panicked)
	}
	return m.err
}

// wait waits for m's turn to be over, or to lead. A caller whose context
// ends while its change still waits in the queue leaves it; one whose change
// a group has taken waits for the outcome, which it must report.
func (g *groupCommit) wait(m *groupMember) error {
	select {
	case <-m.wake:
		return nil
	case <-m.ctx.Done():
	}
	g.mu.Lock()
	if m.lead || m.taken {
		g.mu.Unlock()
		<-m.wake
		return nil
	}
	g.queue = slices.DeleteFunc(g.queue, func(q *groupMember) bool { return q == m })
	g.mu.Unlock()
	return m.ctx.Err()
}

// next takes the next waiting change, or nil when there is none.
func (g *groupCommit) next() *groupMember {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.queue) == 0 {
		return nil
	}
	m := g.queue[0]
	m.taken = true
	g.queue[0] = nil
	g.queue = g.queue[1:]
	return m
}

// run runs one group, starting with the leading caller's own change (first
// in the queue), then passes the lead on. ctx is the leader's, for the wait
// for the writer connection only: the transaction belongs to the group.
func (g *groupCommit) run(ctx context.Context, end func(context.Context, *sql.Tx, TxJobs) error) {
	var (
		done     []*groupMember
		tx       *sql.Tx
		returned bool
	)
	// Whatever happens, even a panic in the driver or a change that exits
	// its goroutine, the group ends: its changes get an outcome, the
	// writer is released and the lead passes on.
	defer func() {
		if !returned {
			if tx != nil {
				tx.Rollback()
			}
			fail(done, errors.New("sqlstore: the group's transaction ended abnormally"))
		}
		g.handOff(done)
	}()

	conn, err := g.db.Conn(ctx)
	if err == nil {
		defer conn.Close()
		tx, err = conn.BeginTx(context.Background(), nil)
	}
	if err != nil {
		m := g.next()
		m.err = fmt.Errorf("sqlstore: begin: %w", err)
		done = append(done, m)
		returned = true
		return
	}

	var jobs TxJobs
	start := time.Now()
	for len(done) < maxGroupMembers && (len(done) == 0 || time.Since(start) < g.maxTime) {
		m := g.next()
		if m == nil {
			break
		}
		done = append(done, m)
		if err = runMember(tx, m); err != nil {
			break
		}
		if m.err == nil && m.panicked == nil {
			jobs.add(m.jobs)
		}
	}
	if err != nil {
		tx.Rollback()
		fail(done, fmt.Errorf("sqlstore: the transaction was lost with another change of its group: %w", err))
	} else if err = end(context.Background(), tx, jobs); err != nil {
		tx.Rollback()
		fail(done, err)
	} else if err = tx.Commit(); err != nil {
		fail(done, fmt.Errorf("sqlstore: commit: %w", err))
	}
	returned = true
}

// fail gives err to the changes of done that had succeeded.
func fail(done []*groupMember, err error) {
	for _, m := range done {
		if m.err == nil && m.panicked == nil {
			m.err = err
		}
	}
}

// handOff passes the lead to the first change still waiting, if any, and
// wakes the changes of the group that ended; done[0] is the leader's own.
func (g *groupCommit) handOff(done []*groupMember) {
	g.mu.Lock()
	if len(g.queue) > 0 {
		g.queue[0].lead = true
		close(g.queue[0].wake)
	} else {
		g.leading = false
	}
	g.mu.Unlock()
	for i, m := range done {
		if i > 0 {
			close(m.wake)
		}
	}
}

// runMember runs m's change in a savepoint of tx: released when the change
// succeeds, rolled back to when it fails or panics. The error is the
// transaction's, when it can no longer go on; m's own outcome is in m.
func runMember(tx *sql.Tx, m *groupMember) error {
	if err := m.ctx.Err(); err != nil {
		m.err = err
		return nil
	}
	if _, err := tx.Exec("SAVEPOINT member"); err != nil {
		m.err = fmt.Errorf("sqlstore: begin: %w", err)
		return err
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				m.panicked = p
			}
		}()
		t := &txn{Tx: tx, pipe: eachStmt(tx)}
		m.err = m.fn(t)
		m.jobs = t.jobs
	}()
	if m.err == nil && m.panicked == nil {
		if _, err := tx.Exec("RELEASE member"); err != nil {
			m.err = fmt.Errorf("sqlstore: commit: %w", err)
			return err
		}
		return nil
	}
	if _, err := tx.Exec("ROLLBACK TO member"); err != nil {
		return err
	}
	if _, err := tx.Exec("RELEASE member"); err != nil {
		return err
	}
	return nil
}
