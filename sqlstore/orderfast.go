package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/qiscus/msgcenter"
)

// errSlowPath says that placeOrderFast could not place the order as asked,
// so its transaction rolls back and the order takes placeOrder's path, which
// says why or finds what the one statement could not.
var errSlowPath = errors.New("sqlstore: order takes the checked path")

// placeOrderFastSQL places a usual order on PostgreSQL in one statement: it
// finds the room, takes the stock of every line, the store's next order
// number, inserts the order, its items and its order_placed message, and
// returns the order's row once per line. It places nothing (no row) unless
// every product is the store's, active and in stock for all its lines, the
// store exists and, when a room was asked for, the room is the store's.
//
// Every lookup is by key even in the plan PostgreSQL keeps for all
// parameters (a store's other rooms and products are never scanned): the
// room by id or by phone in two branches, the products by their ids.
//
// Locks come in the order placeOrder takes them: the products in ascending
// id order (stock), then the store's row (num), whose update waits for the
// stock's count, so a concurrent order of either path queues rather than
// deadlocks. A number is taken only by an order that is placed.
//
// $1 store, $2 now, $3 token, $4 room id or NULL, $5 phone to find the room
// by (” for none), $6 name and $7 phone as asked, $8 address, $9 delivery
// method, $10 delivery fee, $11 service fee, $12 payment method, $13 and $14
// the distinct product ids, ascending, and their summed quantities, $15 and
// $16 each line's product and quantity.
const placeOrderFastSQL = `
WITH room AS (
	(SELECT r.id, r.customer_name, r.customer_phone FROM rooms r
	WHERE $4::bigint IS NOT NULL AND r.store_id = $1 AND r.id = $4::bigint)
	UNION ALL
	(SELECT r.id, r.customer_name, r.customer_phone FROM rooms r
	WHERE $4::bigint IS NULL AND $5::text <> '' AND r.store_id = $1 AND r.customer_phone = $5::text
	ORDER BY r.last_inbound_at DESC, r.id DESC
	LIMIT 1)
), stock AS (
	UPDATE products AS p SET stock = p.stock - w.q
	FROM (SELECT pr.id AS pid, x.q FROM products pr
		JOIN unnest($13::bigint[], $14::bigint[]) AS x(id, q) ON x.id = pr.id
		WHERE pr.store_id = $1 AND pr.id = ANY($13::bigint[]) ORDER BY pr.id FOR UPDATE OF pr) AS w
	WHERE p.id = w.pid AND p.active AND p.stock >= w.q
	RETURNING p.id, p.name, p.price
), num AS (
	UPDATE stores SET order_seq = order_seq + 1
	WHERE id = $1 AND (SELECT count(*) FROM stock) = cardinality($13::bigint[])
		AND ($4::bigint IS NULL OR EXISTS (SELECT 1 FROM room))
	RETURNING order_seq
), lines AS (
	SELECT l.n, l.pid, l.q, s.name, s.price
	FROM unnest($15::bigint[], $16::bigint[]) WITH ORDINALITY AS l(pid, q, n)
	JOIN stock s ON s.id = l.pid
), ord AS (
	INSERT INTO orders (store_id, number, token, room_id, checkout_id, customer_name, customer_phone, address,
		delivery_method, delivery_fee, service_fee, subtotal, grand_total, payment_method, status, created_at, paid_at, updated_at)
	SELECT $1, num.order_seq, $3, room.id, NULL, COALESCE(NULLIF($6::text, ''), room.customer_name, ''),
		COALESCE(NULLIF($7::text, ''), room.customer_phone, ''), $8, $9, $10, $11, t.sub, t.sub + $10 + $11, $12,
		'placed', $2, NULL, $2
	FROM num
	CROSS JOIN (SELECT COALESCE(sum(q * price), 0)::bigint AS sub FROM lines) AS t
	LEFT JOIN room ON true
	RETURNING id, number, room_id, customer_name, customer_phone, subtotal, grand_total
), items AS (
	INSERT INTO order_items (order_id, line, product_id, name, quantity, unit_price)
	SELECT ord.id, lines.n, lines.pid, lines.name, lines.q, lines.price FROM ord, lines
), msg AS (
	INSERT INTO deliveries (store_id, subject_type, subject_id, order_id, event, room_id, room_key, kind, status, created_at, updated_at)
	SELECT $1, 'order', ord.id, ord.id, 'order_placed', ord.room_id, COALESCE(ord.room_id, 0), 'automation', 'queued', $2, $2
	FROM ord
	ON CONFLICT (store_id, subject_type, subject_id, event, room_key, kind) DO NOTHING
	RETURNING id
)
SELECT ord.id, ord.number, ord.room_id, ord.customer_name, ord.customer_phone, ord.subtotal, ord.grand_total,
	(SELECT id FROM msg), lines.pid, lines.name, lines.q, lines.price
FROM ord, lines
ORDER BY lines.n`

// placeOrderFast places, in tx, an order without a checkout whose delivery
// and payment methods are valid, in the one statement placeOrderFastSQL,
// and enqueues its message. It returns errSlowPath, having written what tx
// must roll back, when the order cannot be placed that way.
func (s *OrderFlowService) placeOrderFast(ctx context.Context, tx *sql.Tx, storeID int64, req *msgcenter.OrderRequest, method msgcenter.DeliveryMethod) (*msgcenter.Order, error) {
	now := s.db.now()
	ids, qty := cartProducts(req.Items)
	sums := make([]int64, len(ids))
	for i, id := range ids {
		sums[i] = int64(qty[id])
	}
	linePIDs := make([]int64, len(req.Items))
	lineQty := make([]int64, len(req.Items))
	for i, it := range req.Items {
		linePIDs[i], lineQty[i] = it.ProductID, int64(it.Quantity)
	}
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, placeOrderFastSQL, storeID, now, token, nullInt64(req.RoomID), req.CustomerPhone,
		req.CustomerName, req.CustomerPhone, req.Address, method.Code, method.Fee, msgcenter.ServiceFee, req.PaymentMethod,
		ids, sums, linePIDs, lineQty)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: place order: %w", err)
	}
	defer rows.Close()
	o := &msgcenter.Order{
		StoreID: storeID, Token: token, Address: req.Address, Items: make([]msgcenter.OrderItem, 0, len(req.Items)),
		DeliveryMethod: method.Code, DeliveryFee: method.Fee, ServiceFee: msgcenter.ServiceFee,
		PaymentMethod: req.PaymentMethod, Status: msgcenter.OrderPlaced, CreatedAt: now, UpdatedAt: now,
	}
	var roomID, msgID sql.NullInt64
	for rows.Next() {
		var it msgcenter.OrderItem
		if err := rows.Scan(&o.ID, &o.Number, &roomID, &o.CustomerName, &o.CustomerPhone, &o.Subtotal, &o.GrandTotal,
			&msgID, &it.ProductID, &it.Name, &it.Quantity, &it.UnitPrice); err != nil {
			return nil, fmt.Errorf("sqlstore: place order: %w", err)
		}
		o.Items = append(o.Items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: place order: %w", err)
	}
	rows.Close()
	if len(o.Items) != len(req.Items) {
		return nil, errSlowPath
	}
	o.RoomID = int64Ptr(roomID)
	if err := s.holdStock(ctx, tx, o); err != nil {
		return nil, err
	}
	if msgID.Valid {
		if err := s.db.enqueue(ctx, tx, []int64{msgID.Int64}); err != nil {
			return nil, err
		}
	}
	return o, nil
}
