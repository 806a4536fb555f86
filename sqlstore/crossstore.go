package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/qiscus/msgcenter"
)

// unknownProducts refuses a cart that names a product the store does not
// have (another store's, or none): that is the request's mistake, not an
// order that failed, so it is EINVALID naming each such line
// ("items[1].product_id") and the caller writes nothing. products are the
// store's products of the cart, by id.
func unknownProducts(lines []msgcenter.CartItem, products map[int64]*msgcenter.Product) error {
	fields := map[string]string{}
	for i, line := range lines {
		if _, ok := products[line.ProductID]; !ok {
			fields["items["+strconv.Itoa(i)+"].product_id"] = "is not a product of this store"
		}
	}
	if len(fields) > 0 {
		return msgcenter.Invalid("The cart names products this store does not have.", fields)
	}
	return nil
}

// cartOfStore is unknownProducts for a checkout, reading the store's
// products of the cart in q.
func cartOfStore(ctx context.Context, q querier, storeID int64, lines []msgcenter.CartItem) error {
	products := map[int64]*msgcenter.Product{}
	for _, line := range lines {
		if _, seen := products[line.ProductID]; seen {
			continue
		}
		var id int64
		err := q.QueryRowContext(ctx, `SELECT id FROM products WHERE store_id = $1 AND id = $2`, storeID, line.ProductID).Scan(&id)
		if err == nil {
			products[id] = &msgcenter.Product{ID: id}
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: find cart product: %w", err)
		}
	}
	return unknownProducts(lines, products)
}
