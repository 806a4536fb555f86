package sqlstore

import (
	"context"

	"github.com/qiscus/msgcenter"
)

// RaiseFallback raises the fallback of an automation message, with its job,
// in one transaction. The deliveries' unique identity makes it idempotent.
func (s *DeliveryService) RaiseFallback(ctx context.Context, d *msgcenter.Delivery) error {
	return s.db.withTx(ctx, func(tx *txn) error {
		_, _, err := s.db.raise(ctx, tx, occurrence{storeID: d.StoreID, subject: d.SubjectType, subjectID: d.SubjectID,
			orderID: d.OrderID, event: d.Event, roomID: d.RoomID, kind: msgcenter.KindFallback})
		return err
	})
}
