package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/qiscus/msgcenter"
)

// occurrence is one event occurrence: with the kind of message, the
// identity of its delivery row.
type occurrence struct {
	storeID   int64
	subject   msgcenter.SubjectType
	subjectID int64
	orderID   *int64
	event     msgcenter.Event
	roomID    *int64
	kind      msgcenter.DeliveryKind
}

// RaiseTx records, in tx, the message for one event occurrence: a queued
// delivery identified by (store, subject, event, room, kind), and, when it
// is new, hands its id to the Enqueue hook in the same transaction. A
// repeated occurrence creates nothing and enqueues nothing; it answers the
// existing delivery's id with created false. orderID is set for messages
// about an order; roomID is nil when the subject has no room.
func (db *DB) RaiseTx(ctx context.Context, tx *sql.Tx, storeID int64, subject msgcenter.SubjectType, subjectID int64,
	orderID *int64, event msgcenter.Event, roomID *int64, kind msgcenter.DeliveryKind) (id int64, created bool, err error) {
	return db.raise(ctx, tx, occurrence{
		storeID: storeID, subject: subject, subjectID: subjectID, orderID: orderID,
		event: event, roomID: roomID, kind: kind,
	})
}

// raise is RaiseTx for one occurrence.
func (db *DB) raise(ctx context.Context, tx *sql.Tx, o occurrence) (int64, bool, error) {
	id, created, err := insertDelivery(ctx, tx, o, db.now())
	if err != nil || !created {
		return id, created, err
	}
	if err := db.enqueue(ctx, tx, []int64{id}); err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// enqueue hands new delivery ids to the Enqueue hook, if any.
func (db *DB) enqueue(ctx context.Context, tx *sql.Tx, ids []int64) error {
	if db.Enqueue == nil || len(ids) == 0 {
		return nil
	}
	if db.group != nil && db.group.deferEnqueue(tx, ids) {
		return nil
	}
	if err := db.Enqueue(ctx, tx, ids); err != nil {
		return fmt.Errorf("sqlstore: enqueue deliveries: %w", err)
	}
	return nil
}

// insertDelivery inserts the queued delivery of o unless it exists. The
// unique key makes a repeated or concurrent occurrence a no-op: on
// PostgreSQL a second inserter waits for the first to commit and then does
// nothing.
func insertDelivery(ctx context.Context, tx *sql.Tx, o occurrence, now time.Time) (int64, bool, error) {
	if !o.event.Valid() {
		return 0, false, fmt.Errorf("sqlstore: raise: unknown event %q", o.event)
	}
	if o.kind != msgcenter.KindAutomation && o.kind != msgcenter.KindFallback {
		return 0, false, fmt.Errorf("sqlstore: raise: unknown delivery kind %q", o.kind)
	}
	var roomKey int64
	if o.roomID != nil {
		roomKey = *o.roomID
	}
	var id int64
	err := tx.QueryRowContext(ctx, `
		INSERT INTO deliveries (store_id, subject_type, subject_id, order_id, event, room_id, room_key, kind, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9, $9)
		ON CONFLICT (store_id, subject_type, subject_id, event, room_key, kind) DO NOTHING
		RETURNING id`,
		o.storeID, string(o.subject), o.subjectID, nullInt64(o.orderID), string(o.event), nullInt64(o.roomID), roomKey,
		string(o.kind), now,
	).Scan(&id)
	if err == nil {
		return id, true, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("sqlstore: insert delivery: %w", err)
	}
	err = tx.QueryRowContext(ctx, `
		SELECT id FROM deliveries
		WHERE store_id = $1 AND subject_type = $2 AND subject_id = $3 AND event = $4 AND room_key = $5 AND kind = $6`,
		o.storeID, string(o.subject), o.subjectID, string(o.event), roomKey, string(o.kind),
	).Scan(&id)
	if err != nil {
		return 0, false, fmt.Errorf("sqlstore: find existing delivery: %w", err)
	}
	return id, false, nil
}
