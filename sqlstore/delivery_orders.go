package sqlstore

import (
	"context"

	"github.com/qiscus/msgcenter"
)

// maxOrdersDeliveries bounds the orders FindOrdersDeliveries reads at once,
// one page of the admin's order list.
const maxOrdersDeliveries = 200

// FindOrdersDeliveries lists the messages of the store's orders orderIDs,
// newest first, each with its attempts, in two queries however many orders
// there are: the admin's order list shows every order's summary without a
// query per row. Ids of another store's orders simply match nothing.
// Returns EINVALID for more than 200 orders.
func (s *DeliveryService) FindOrdersDeliveries(ctx context.Context, storeID int64, orderIDs []int64) ([]*msgcenter.Delivery, error) {
	if len(orderIDs) == 0 {
		return []*msgcenter.Delivery{}, nil
	}
	if len(orderIDs) > maxOrdersDeliveries {
		return nil, msgcenter.Errorf(msgcenter.EINVALID, "At most %d orders at a time.", maxOrdersDeliveries)
	}
	args := make([]any, 0, len(orderIDs)+1)
	args = append(args, storeID)
	for _, id := range orderIDs {
		args = append(args, id)
	}
	return findDeliveries(ctx, s.db.q,
		`WHERE store_id = $1 AND order_id IN (`+placeholders(2, len(orderIDs))+`) ORDER BY id DESC`, args...)
}
