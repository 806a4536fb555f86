package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/qiscus/msgcenter"
)

// Limits of FindOrders.
const (
	defaultOrderLimit = 100
	maxOrderLimit     = 500
)

// FindOrder returns one order of the store with its items, ENOTFOUND for
// another store's.
func (s *CommerceService) FindOrder(ctx context.Context, storeID, id int64) (*msgcenter.Order, error) {
	return findOrder(ctx, s.db.q, `WHERE store_id = $1 AND id = $2`, storeID, id)
}

// FindOrderByToken finds any store's order by its public token.
func (s *CommerceService) FindOrderByToken(ctx context.Context, token string) (*msgcenter.Order, error) {
	return findOrder(ctx, s.db.q, `WHERE token = $1`, token)
}

// FindOrders lists the store's orders, newest first, with their items.
// The limit defaults to 100 and is at most 500.
func (s *CommerceService) FindOrders(ctx context.Context, storeID int64, f msgcenter.OrderFilter) ([]*msgcenter.Order, error) {
	where, args := []string{"store_id = $1"}, []any{storeID}
	if f.Status != nil {
		args = append(args, string(*f.Status))
		where = append(where, fmt.Sprintf("status = $%d", len(args)))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultOrderLimit
	} else if limit > maxOrderLimit {
		limit = maxOrderLimit
	}
	offset := max(f.Offset, 0)
	args = append(args, limit, offset)
	query := fmt.Sprintf(`WHERE %s ORDER BY id DESC LIMIT $%d OFFSET $%d`, strings.Join(where, " AND "), len(args)-1, len(args))
	return findOrders(ctx, s.db.q, query, args...)
}

const orderColumns = `id, store_id, number, token, room_id, checkout_id, customer_name, customer_phone, address,
	delivery_method, delivery_fee, service_fee, subtotal, grand_total, payment_method, status, created_at, paid_at, updated_at, release_at, refunded_at`

// findOrder returns the one order matching where, with its items;
// ENOTFOUND when there is none.
func findOrder(ctx context.Context, q querier, where string, args ...any) (*msgcenter.Order, error) {
	os, err := findOrders(ctx, q, where, args...)
	if err != nil {
		return nil, err
	}
	if len(os) == 0 {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Order not found.")
	}
	return os[0], nil
}

// findOrders returns the orders matching where, with their items read in
// one more query.
func findOrders(ctx context.Context, q querier, where string, args ...any) ([]*msgcenter.Order, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+orderColumns+` FROM orders `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find orders: %w", err)
	}
	orders := []*msgcenter.Order{}
	for rows.Next() {
		o, err := scanOrder(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		orders = append(orders, o)
	}
	// Closed before the items are read: on SQLite's single connection a
	// second query would wait for this one forever.
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find orders: %w", err)
	}
	if err := loadOrderItems(ctx, q, orders); err != nil {
		return nil, err
	}
	return orders, nil
}

func scanOrder(rows *sql.Rows) (*msgcenter.Order, error) {
	var r nullOrderRow
	if err := rows.Scan(r.dest()...); err != nil {
		return nil, fmt.Errorf("sqlstore: scan order: %w", err)
	}
	return r.value(), nil
}

// nullOrderRow scans orderColumns: from the orders table, or from an outer
// join where every column is NULL when there is no order.
type nullOrderRow struct {
	id, storeID, number, roomID, checkoutID, deliveryFee, serviceFee, subtotal, grandTotal sql.NullInt64
	token, customerName, customerPhone, address, deliveryMethod, paymentMethod, status     sql.NullString
	createdAt, paidAt, updatedAt, releaseAt, refundedAt                                    sql.NullTime
}

func (r *nullOrderRow) dest() []any {
	return []any{&r.id, &r.storeID, &r.number, &r.token, &r.roomID, &r.checkoutID, &r.customerName, &r.customerPhone, &r.address,
		&r.deliveryMethod, &r.deliveryFee, &r.serviceFee, &r.subtotal, &r.grandTotal, &r.paymentMethod, &r.status,
		&r.createdAt, &r.paidAt, &r.updatedAt, &r.releaseAt, &r.refundedAt}
}

// value returns the order without its items, or nil when the join found none.
func (r *nullOrderRow) value() *msgcenter.Order {
	if !r.id.Valid {
		return nil
	}
	return &msgcenter.Order{ID: r.id.Int64, StoreID: r.storeID.Int64, Number: r.number.Int64, Token: r.token.String,
		RoomID: int64Ptr(r.roomID), CheckoutID: int64Ptr(r.checkoutID), CustomerName: r.customerName.String,
		CustomerPhone: r.customerPhone.String, Address: r.address.String, Items: []msgcenter.OrderItem{},
		DeliveryMethod: r.deliveryMethod.String, DeliveryFee: r.deliveryFee.Int64, ServiceFee: r.serviceFee.Int64,
		Subtotal: r.subtotal.Int64, GrandTotal: r.grandTotal.Int64, PaymentMethod: r.paymentMethod.String,
		Status: msgcenter.OrderStatus(r.status.String), CreatedAt: r.createdAt.Time.UTC(), PaidAt: timePtr(r.paidAt),
		UpdatedAt: r.updatedAt.Time.UTC(), ReleaseAt: timePtr(r.releaseAt), RefundedAt: timePtr(r.refundedAt)}
}

// loadOrderItems fills the items of orders, by line.
func loadOrderItems(ctx context.Context, q querier, orders []*msgcenter.Order) error {
	if len(orders) == 0 {
		return nil
	}
	byID := make(map[int64]*msgcenter.Order, len(orders))
	args := make([]any, 0, len(orders))
	for _, o := range orders {
		byID[o.ID] = o
		args = append(args, o.ID)
	}
	rows, err := q.QueryContext(ctx, `
		SELECT order_id, product_id, name, quantity, unit_price
		FROM order_items
		WHERE order_id IN (`+placeholders(1, len(args))+`)
		ORDER BY order_id, line`,
		args...,
	)
	if err != nil {
		return fmt.Errorf("sqlstore: find order items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var orderID int64
		var it msgcenter.OrderItem
		if err := rows.Scan(&orderID, &it.ProductID, &it.Name, &it.Quantity, &it.UnitPrice); err != nil {
			return fmt.Errorf("sqlstore: scan order item: %w", err)
		}
		o := byID[orderID]
		o.Items = append(o.Items, it)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlstore: find order items: %w", err)
	}
	return nil
}

// insertOrder stores o, which gets its id, and returns the statement that
// inserts its items, one for all lines (an order has at most 100), for the
// caller to run with its next ones (txn.pipeline).
func insertOrder(ctx context.Context, tx *txn, o *msgcenter.Order) ([]stmt, error) {
	err := tx.QueryRowContext(ctx, `
		INSERT INTO orders (store_id, number, token, room_id, checkout_id, customer_name, customer_phone, address,
			delivery_method, delivery_fee, service_fee, subtotal, grand_total, payment_method, status, created_at, paid_at, updated_at, release_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
		RETURNING id`,
		o.StoreID, o.Number, o.Token, nullInt64(o.RoomID), nullInt64(o.CheckoutID), o.CustomerName, o.CustomerPhone, o.Address,
		o.DeliveryMethod, o.DeliveryFee, o.ServiceFee, o.Subtotal, o.GrandTotal, o.PaymentMethod, string(o.Status),
		o.CreatedAt, o.PaidAt, o.UpdatedAt, o.ReleaseAt,
	).Scan(&o.ID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: insert order: %w", err)
	}
	const cols = 6
	values := make([]string, 0, len(o.Items))
	args := make([]any, 0, cols*len(o.Items))
	for i, it := range o.Items {
		values = append(values, "("+placeholders(len(args)+1, cols)+")")
		args = append(args, o.ID, i+1, it.ProductID, it.Name, it.Quantity, it.UnitPrice)
	}
	if len(values) == 0 {
		return nil, nil
	}
	return []stmt{{what: "insert order items", query: `
		INSERT INTO order_items (order_id, line, product_id, name, quantity, unit_price)
		VALUES ` + strings.Join(values, ", "), args: args}}, nil
}

// updateOrderStatus writes o's status and times.
func updateOrderStatus(ctx context.Context, tx *txn, o *msgcenter.Order) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE orders SET status = $1, paid_at = $2, updated_at = $3, refunded_at = $6
		WHERE store_id = $4 AND id = $5`,
		string(o.Status), o.PaidAt, o.UpdatedAt, o.StoreID, o.ID, o.RefundedAt,
	)
	if err != nil {
		return fmt.Errorf("sqlstore: update order: %w", err)
	}
	return nil
}
