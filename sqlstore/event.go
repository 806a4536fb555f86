package sqlstore

import (
	"context"
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

// raise records, in tx, the message for one event occurrence: a queued
// delivery identified by (store, subject, event, room, kind), and, when it
// is new, adds its id to tx's jobs, which the transaction helper enqueues
// before the commit. A repeated occurrence creates nothing and enqueues
// nothing; it answers the existing delivery's id with created false.
//
// before are statements of the caller's change that must run before the
// message's insert and whose results nobody reads: they go in the same
// pipeline (txn.pipeline), so a change that ends by raising an event pays
// one round trip for its last writes and its message.
func (db *DB) raise(ctx context.Context, tx *txn, o occurrence, before ...stmt) (int64, bool, error) {
	id, created, err := insertDelivery(ctx, tx, o, db.now(), before)
	if err != nil || !created {
		return id, created, err
	}
	tx.jobs.Deliveries = append(tx.jobs.Deliveries, id)
	return id, true, nil
}

// insertDelivery runs before, then inserts the queued delivery of o unless
// it exists, in one pipeline. The unique key makes a repeated or
// concurrent occurrence a no-op: on PostgreSQL a second inserter waits for
// the first to commit and then does nothing.
func insertDelivery(ctx context.Context, tx *txn, o occurrence, now time.Time, before []stmt) (int64, bool, error) {
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
	created := false
	insert := stmt{what: "insert delivery", query: `
		INSERT INTO deliveries (store_id, subject_type, subject_id, order_id, event, room_id, room_key, kind, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $10, $9, $9)
		ON CONFLICT (store_id, subject_type, subject_id, event, room_key, kind) DO NOTHING
		RETURNING id`,
		args: []any{o.storeID, string(o.subject), o.subjectID, nullInt64(o.orderID), string(o.event), nullInt64(o.roomID), roomKey,
			string(o.kind), now, string(msgcenter.StatusQueued)},
		rows: func(rows rowReader) error {
			if !rows.Next() {
				return nil
			}
			created = true
			return rows.Scan(&id)
		},
	}
	if err := tx.pipeline(ctx, append(before, insert)...); err != nil {
		return 0, false, err
	}
	if created {
		return id, true, nil
	}
	err := tx.QueryRowContext(ctx, `
		SELECT id FROM deliveries
		WHERE store_id = $1 AND subject_type = $2 AND subject_id = $3 AND event = $4 AND room_key = $5 AND kind = $6`,
		o.storeID, string(o.subject), o.subjectID, string(o.event), roomKey, string(o.kind),
	).Scan(&id)
	if err != nil {
		return 0, false, fmt.Errorf("sqlstore: find existing delivery: %w", err)
	}
	return id, false, nil
}
