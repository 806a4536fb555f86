package sqlstore

import (
	"context"

	"github.com/qiscus/msgcenter"
)

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
