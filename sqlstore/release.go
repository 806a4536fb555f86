package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/qiscus/msgcenter"
)

// holdStock gives a just-placed order its release time, its creation plus
// the store's unpaid hold, and schedules its release job in the order's own
// transaction tx: the order and its job commit or vanish together.
func (s *OrderFlowService) holdStock(ctx context.Context, tx *txn, o *msgcenter.Order) error {
	var holdSeconds int64
	if err := tx.QueryRowContext(ctx, `SELECT unpaid_hold_seconds FROM stores WHERE id = $1`, o.StoreID).Scan(&holdSeconds); err != nil {
		return fmt.Errorf("sqlstore: find store hold: %w", err)
	}
	at := o.CreatedAt.Add(time.Duration(holdSeconds) * time.Second)
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET release_at = $1 WHERE id = $2`, at, o.ID); err != nil {
		return fmt.Errorf("sqlstore: set release time: %w", err)
	}
	o.ReleaseAt = &at
	rs, ok := s.db.jobs.(ReleaseScheduler)
	if !ok {
		return nil
	}
	if err := rs.ScheduleReleaseTx(ctx, tx.Tx, o.ID, at); err != nil {
		return fmt.Errorf("sqlstore: schedule release: %w", err)
	}
	return nil
}

// ReleaseScheduler is the part of an Enqueuer (Options.Jobs) that schedules
// the job releasing an unpaid order's stock at its release time, inside the
// order's transaction; an Enqueuer without it schedules none. The delivery
// package's Jobs is one.
type ReleaseScheduler interface {
	ScheduleReleaseTx(ctx context.Context, tx *sql.Tx, orderID int64, at time.Time) error
}

// ReleaseUnpaidOrder expires the order when it is still unpaid (placed)
// and holds its stock for a time: the hold's end (msgcenter.ActionExpire)
// makes it expired and gives every line's quantity back to its product's
// stock, in one transaction under the order's lock. Its caller is the
// order's release job, which River runs at the order's release time. It
// reports whether it released anything: an order paid, cancelled, already
// expired or without a release time is left as it is, so the job may run
// any number of times. Returns ENOTFOUND for an unknown order.
func (s *OrderFlowService) ReleaseUnpaidOrder(ctx context.Context, orderID int64) (bool, error) {
	released := false
	err := s.db.withTx(ctx, func(tx *txn) error {
		o, err := findOrder(ctx, tx, `WHERE id = $1`+s.db.forUpdate(), orderID)
		if err != nil {
			return err
		}
		released, err = s.change(ctx, tx, o, msgcenter.ActionExpire)
		if msgcenter.ErrorCode(err) == msgcenter.ECONFLICT {
			// Paid, cancelled or refunded meanwhile, or never held: not
			// the hold's to end.
			return nil
		}
		return err
	})
	if err != nil {
		return false, err
	}
	return released, nil
}
