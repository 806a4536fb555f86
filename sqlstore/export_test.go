package sqlstore

import (
	"context"

	"github.com/qiscus/msgcenter"
)

// TestTx is a store transaction, for tests of what runs inside one.
type TestTx = txn

// WithTestTx runs fn in a store transaction, as the store's own writes run.
func (db *DB) WithTestTx(ctx context.Context, fn func(tx *TestTx) error) error {
	return db.withTx(ctx, fn)
}

// RaiseTx raises the message of one event occurrence in tx, as the store's
// state changes do.
func (db *DB) RaiseTx(ctx context.Context, tx *TestTx, storeID int64, subject msgcenter.SubjectType, subjectID int64,
	orderID *int64, event msgcenter.Event, roomID *int64, kind msgcenter.DeliveryKind) (int64, bool, error) {
	return db.raise(ctx, tx, occurrence{storeID: storeID, subject: subject, subjectID: subjectID, orderID: orderID,
		event: event, roomID: roomID, kind: kind})
}

// TestStmt is one statement of a pipeline, for tests: when Read is set, it
// gets the first column of each of the statement's rows, an integer.
type TestStmt struct {
	What, Query string
	Args        []any
	Read        *[]int64
}

// Pipeline runs stmts in tx as one pipeline, as the store's writes do.
func (tx *TestTx) Pipeline(ctx context.Context, stmts ...TestStmt) error {
	ps := make([]stmt, len(stmts))
	for i, st := range stmts {
		ps[i] = stmt{what: st.What, query: st.Query, args: st.Args}
		if read := st.Read; read != nil {
			ps[i].rows = func(rows rowReader) error {
				for rows.Next() {
					var v int64
					if err := rows.Scan(&v); err != nil {
						return err
					}
					*read = append(*read, v)
				}
				return nil
			}
		}
	}
	return tx.pipeline(ctx, ps...)
}
