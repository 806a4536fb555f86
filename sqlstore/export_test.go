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
