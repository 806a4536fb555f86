package sqlstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"reflect"

	"modernc.org/sqlite"
)

// maxCachedStatements bounds each connection's statement cache; past it a
// new statement takes the place of one not in use.
const maxCachedStatements = 256

// sqliteConnector opens modernc SQLite connections that keep every statement
// they run prepared, keyed by its text. modernc parses a statement anew on
// each ExecContext and QueryContext; in the delivery pipeline that parsing
// was about half of all CPU time, in our statements and in River's alike,
// inside transactions and out. Caching at the connection serves them all.
type sqliteConnector struct {
	dsn string
	drv *sqlite.Driver

	// noInterrupt: a statement whose context is done before it starts fails
	// with the context's error, but one that has started runs to its end.
	// SQLite answers an interrupted write inside a transaction by rolling
	// the whole transaction back, and on the writer a transaction holds a
	// group of callers' changes (groupCommit); statements are short.
	noInterrupt bool
}

func newSQLiteConnector(dsn string, noInterrupt bool) *sqliteConnector {
	return &sqliteConnector{dsn: dsn, drv: &sqlite.Driver{}, noInterrupt: noInterrupt}
}

func (c *sqliteConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	sc, ok := conn.(sqliteConn)
	if !ok {
		conn.Close()
		return nil, errors.New("sqlstore: the SQLite driver's connection lacks a context method")
	}
	return &cachingConn{conn: sc, stmts: map[string]*cachedStmt{}, noInterrupt: c.noInterrupt}, nil
}

func (c *sqliteConnector) Driver() driver.Driver { return c.drv }

// The interfaces the wrapped connection must have, checked once.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// cachingConn is one SQLite connection with its prepared statements.
// database/sql uses a connection from one goroutine at a time, so it needs
// no lock; a statement whose rows are still open when the same text runs
// again (a nested query in a transaction) is not shared: the second run
// gets a statement of its own, closed after it.
type cachingConn struct {
	conn        sqliteConn
	stmts       map[string]*cachedStmt
	noInterrupt bool
}

type cachedStmt struct {
	stmt sqliteStmt
	busy bool // rows of it are open
}

var (
	_ driver.ExecerContext      = (*cachingConn)(nil)
	_ driver.QueryerContext     = (*cachingConn)(nil)
	_ driver.ConnBeginTx        = (*cachingConn)(nil)
	_ driver.ConnPrepareContext = (*cachingConn)(nil)
	_ driver.Pinger             = (*cachingConn)(nil)
	_ driver.SessionResetter    = (*cachingConn)(nil)
	_ driver.Validator          = (*cachingConn)(nil)
)

// statement returns the cached statement for query, preparing it on first
// use, and how to release it after use.
func (c *cachingConn) statement(ctx context.Context, query string) (sqliteStmt, func(), error) {
	if cs, ok := c.stmts[query]; ok && !cs.busy {
		cs.busy = true
		return cs.stmt, func() { cs.busy = false }, nil
	}
	ds, err := c.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	st, ok := ds.(sqliteStmt)
	if !ok {
		ds.Close()
		return nil, nil, errors.New("sqlstore: the SQLite driver's statement lacks a context method")
	}
	if _, taken := c.stmts[query]; taken {
		return st, func() { st.Close() }, nil
	}
	if len(c.stmts) >= maxCachedStatements && !c.evictOne() {
		return st, func() { st.Close() }, nil
	}
	cs := &cachedStmt{stmt: st, busy: true}
	c.stmts[query] = cs
	return st, func() { cs.busy = false }, nil
}

// evictOne finalizes a cached statement not in use, chosen at random by
// map order, so queries whose text varies (IN lists) cannot fill the cache
// for good; it reports false when every one is in use.
func (c *cachingConn) evictOne() bool {
	for q, cs := range c.stmts {
		if !cs.busy {
			cs.stmt.Close()
			delete(c.stmts, q)
			return true
		}
	}
	return false
}

// context returns the context a statement runs under (see noInterrupt).
func (c *cachingConn) context(ctx context.Context) (context.Context, error) {
	if !c.noInterrupt {
		return ctx, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return context.WithoutCancel(ctx), nil
}

// prepared returns the context query runs under and its cached statement,
// with how to release it.
func (c *cachingConn) prepared(ctx context.Context, query string) (context.Context, sqliteStmt, func(), error) {
	ctx, err := c.context(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	st, release, err := c.statement(ctx, query)
	if err != nil {
		return nil, nil, nil, err
	}
	return ctx, st, release, nil
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ctx, st, release, err := c.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	defer release()
	return st.ExecContext(ctx, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	ctx, st, release, err := c.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args)
	if err != nil {
		release()
		return nil, err
	}
	return &releasingRows{Rows: rows, release: release}, nil
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	ds, err := c.conn.PrepareContext(ctx, query)
	if err != nil || !c.noInterrupt {
		return ds, err
	}
	st, ok := ds.(sqliteStmt)
	if !ok {
		ds.Close()
		return nil, errors.New("sqlstore: the SQLite driver's statement lacks a context method")
	}
	return &noInterruptStmt{sqliteStmt: st, c: c}, nil
}

// noInterruptStmt is a statement prepared by hand on a noInterrupt
// connection: its runs follow the connection's rule too.
type noInterruptStmt struct {
	sqliteStmt
	c *cachingConn
}

func (s *noInterruptStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	ctx, err := s.c.context(ctx)
	if err != nil {
		return nil, err
	}
	return s.sqliteStmt.ExecContext(ctx, args)
}

func (s *noInterruptStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	ctx, err := s.c.context(ctx)
	if err != nil {
		return nil, err
	}
	return s.sqliteStmt.QueryContext(ctx, args)
}

func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.conn.BeginTx(ctx, opts)
}

func (c *cachingConn) Ping(ctx context.Context) error { return c.conn.Ping(ctx) }

func (c *cachingConn) ResetSession(ctx context.Context) error { return c.conn.ResetSession(ctx) }

func (c *cachingConn) IsValid() bool { return c.conn.IsValid() }

// Close finalizes the cached statements, then closes the connection.
func (c *cachingConn) Close() error {
	var errs []error
	for q, cs := range c.stmts {
		errs = append(errs, cs.stmt.Close())
		delete(c.stmts, q)
	}
	errs = append(errs, c.conn.Close())
	return errors.Join(errs...)
}

// releasingRows gives its statement back when closed, and passes on the
// column-type information the driver's rows have.
type releasingRows struct {
	driver.Rows
	release func()
}

func (r *releasingRows) Close() error {
	err := r.Rows.Close()
	if r.release != nil {
		r.release()
		r.release = nil
	}
	return err
}

func (r *releasingRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *releasingRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}
