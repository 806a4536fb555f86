package sqlstore

import (
	"context"
	"fmt"

	"github.com/qiscus/msgcenter"
)

// ReleaseUnpaidOrder expires the order when it is still unpaid (placed):
// its status becomes expired and every line's quantity goes back to its
// product's stock, in one transaction under the order's lock. Its caller is
// the order's release job, which River runs at the order's release time. It
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
		if o.Status != msgcenter.OrderPlaced || o.ReleaseAt == nil {
			return nil
		}
		now := s.db.now()
		// Products in ascending id order, as orders lock them, so a release
		// and an order never wait for each other in a cycle.
		lines := make([]msgcenter.CartItem, len(o.Items))
		for i, it := range o.Items {
			lines[i] = msgcenter.CartItem{ProductID: it.ProductID, Quantity: it.Quantity}
		}
		ids, qty := cartProducts(lines)
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE products SET stock = stock + $1 WHERE store_id = $2 AND id = $3`,
				qty[id], o.StoreID, id); err != nil {
				return fmt.Errorf("sqlstore: give back stock: %w", err)
			}
		}
		o.Status, o.UpdatedAt = msgcenter.OrderExpired, now
		if err := updateOrderStatus(ctx, tx, o); err != nil {
			return err
		}
		released = true
		return nil
	})
	if err != nil {
		return false, err
	}
	return released, nil
}
