package sqlstore

import (
	"context"
	"fmt"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.CommerceService = (*CommerceService)(nil)

// CommerceService stores the order flow's entities: products, channels,
// rooms, and the read side of orders. Its methods live in one file per
// entity (product.go, channel.go, room.go, order.go).
type CommerceService struct {
	db *DB
}

// NewCommerceService returns a CommerceService on db.
func NewCommerceService(db *DB) *CommerceService { return &CommerceService{db: db} }

// storeExists answers ENOTFOUND for an unknown store, so that writes for
// one fail as a missing store rather than as a foreign key violation.
func storeExists(ctx context.Context, q querier, storeID int64) error {
	var ok bool
	if err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM stores WHERE id = $1)`, storeID).Scan(&ok); err != nil {
		return fmt.Errorf("sqlstore: find store: %w", err)
	}
	if !ok {
		return msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
	}
	return nil
}
