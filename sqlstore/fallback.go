package sqlstore

import (
	"context"
	"database/sql"

	"github.com/qiscus/msgcenter"
)

// RaiseFallback raises the fallback of an automation message, with its job,
// in one transaction. The deliveries' unique identity makes it idempotent.
func (s *DeliveryService) RaiseFallback(ctx context.Context, d *msgcenter.Delivery) error {
	return s.db.WithTx(ctx, func(tx *sql.Tx) error {
		_, _, err := s.db.RaiseTx(ctx, tx, d.StoreID, d.SubjectType, d.SubjectID, d.OrderID, d.Event, d.RoomID, msgcenter.KindFallback)
		return err
	})
}
