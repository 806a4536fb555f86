package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
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
// Leadership passes from caller to caller: the first to arrive runs the group,
// and when it is done hands the next group to the first caller still waiting,
// so no caller runs more than one group and none needs a goroutine of its own.
type groupCommit struct {
	db      *sql.DB
	maxTime time.Duration // maxGroupTime; tests lengthen it

	mu      sync.Mutex
	queue   []*groupMember
	leading bool

	groups, members atomic.Int64 // for tests and the bench
}

type groupMember struct {
	ctx      context.Context
	fn       func(tx *sql.Tx) error
	err      error
	panicked any
	lead     bool          // set before wake is closed: run the next group
	wake     chan struct{} // closed when the change is done or must lead
}

// do runs fn in a transaction, as withTx does.
func (g *groupCommit) do(ctx context.Context, fn func(tx *sql.Tx) error) error {
	m := &groupMember{ctx: ctx, fn: fn, wake: make(chan struct{})}
	g.mu.Lock()
	g.queue = append(g.queue, m)
	if !g.leading {
		g.leading, m.lead = true, true
		g.mu.Unlock()
	} else {
		g.mu.Unlock()
		// Not on ctx: a change already running must report how it ended.
		<-m.wake
	}
	if m.lead {
		g.run()
	}
	if m.panicked != nil {
		panic(m.panicked)
	}
	return m.err
}

// next takes the next waiting change, or nil when there is none.
func (g *groupCommit) next() *groupMember {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.queue) == 0 {
		return nil
	}
	m := g.queue[0]
	g.queue[0] = nil
	g.queue = g.queue[1:]
	return m
}

// run runs one group, starting with the caller's own change (first in the
// queue), then passes the lead on.
func (g *groupCommit) run() {
	var done []*groupMember
	finish := func(err error) {
		for _, m := range done {
			if m.err == nil && m.panicked == nil {
				m.err = err
			}
		}
	}

	// The transaction belongs to the group, not to the caller that leads it.
	tx, err := g.db.BeginTx(context.Background(), nil)
	if err != nil {
		m := g.next()
		m.err = fmt.Errorf("sqlstore: begin: %w", err)
		done = append(done, m)
	} else {
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
		}
		if err != nil {
			tx.Rollback()
			finish(fmt.Errorf("sqlstore: the transaction was lost with another change of its group: %w", err))
		} else if err = tx.Commit(); err != nil {
			finish(fmt.Errorf("sqlstore: commit: %w", err))
		}
		g.groups.Add(1)
		g.members.Add(int64(len(done)))
	}

	g.mu.Lock()
	if len(g.queue) > 0 {
		g.queue[0].lead = true
		close(g.queue[0].wake)
	} else {
		g.leading = false
	}
	g.mu.Unlock()
	for _, m := range done[1:] {
		close(m.wake)
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
		m.err = m.fn(tx)
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
