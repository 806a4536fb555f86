package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.OrderFlowService = (*OrderFlowService)(nil)

// OrderFlowService runs the order flow's state changes; each one that raises
// an event records the event's delivery, and enqueues its job, in the
// change's transaction.
type OrderFlowService struct {
	db *DB
}

// NewOrderFlowService returns an OrderFlowService on db.
func NewOrderFlowService(db *DB) *OrderFlowService { return &OrderFlowService{db: db} }

// PlaceOrder places an order in one transaction. The room is req.RoomID,
// else the room of req.CheckoutID, else the store's room whose customer
// phone is req.CustomerPhone and who wrote last, else none. Products are
// locked in ascending id order, then the store's row for the order number,
// so concurrent orders on PostgreSQL queue for them instead of deadlocking,
// and stock is taken with a guarded update.
//
// When a line's product is inactive or short of stock, nothing is ordered:
// the failed checkout is recorded with a fresh microsite link for the room,
// order_failed is raised, the checkout (if any) is marked failed, and the
// answer is the failure with a nil order.
//
// Returns EINVALID for a malformed request (a delivery or payment method
// the store does not offer, or a product that is not the store's, naming
// the line), and ENOTFOUND for an unknown store or another store's room or
// checkout; then nothing is written.
func (s *OrderFlowService) PlaceOrder(ctx context.Context, storeID int64, req *msgcenter.OrderRequest) (*msgcenter.Order, *msgcenter.FailedCheckout, error) {
	if req == nil {
		return nil, nil, msgcenter.Invalid("The order is not valid.", map[string]string{"items": "must hold at least one product"})
	}
	if err := req.Validate(); err != nil {
		return nil, nil, err
	}
	// The store, and the room of an order without a checkout, are read
	// before the transaction, in one statement on the read handle: stores
	// and rooms are never deleted and a room's store never changes, and on
	// SQLite this takes reads off the one writer. The store is checked
	// first, so its absence is the error an unknown store gets whatever
	// else is wrong.
	room, err := orderStoreRoom(ctx, s.db.q, storeID, req)
	if err != nil {
		return nil, nil, err
	}
	var order *msgcenter.Order
	var failed *msgcenter.FailedCheckout
	err = s.db.withTx(ctx, func(tx *txn) error {
		var err error
		order, failed, err = s.placeOrder(ctx, tx, storeID, req, room)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return order, failed, nil
}

// orderStoreRoom answers ENOTFOUND for an unknown store and returns, in
// the same statement, the room an order comes from when known before its
// transaction: the request's, or the latest room of the customer's phone
// when the request may join one by phone (RoomByPhone) and has no
// checkout; else nil: an order of a checkout without a room of its own
// comes from the checkout's room, read with the checkout in the order's
// transaction (orderCustomer).
func orderStoreRoom(ctx context.Context, q querier, storeID int64, req *msgcenter.OrderRequest) (*msgcenter.Room, error) {
	args := []any{storeID}
	roomID := "NULL"
	switch {
	case req.RoomID != nil:
		args, roomID = append(args, *req.RoomID), "$2"
	case req.RoomByPhone && req.CustomerPhone != "" && req.CheckoutID == nil:
		args = append(args, req.CustomerPhone)
		roomID = `(SELECT id FROM rooms WHERE store_id = $1 AND customer_phone = $2 ORDER BY last_inbound_at DESC, id DESC LIMIT 1)`
	}
	var r nullRoomRow
	err := q.QueryRowContext(ctx, `SELECT `+roomColumns+` FROM stores s
		LEFT JOIN rooms r ON r.store_id = s.id AND r.id = `+roomID+`
		LEFT JOIN channels c ON c.id = r.channel_id
		WHERE s.id = $1`, args...).Scan(r.dest()...)
	if err == sql.ErrNoRows {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find store and room: %w", err)
	}
	if r.id.Valid || req.RoomID == nil {
		return r.value(), nil
	}
	return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room not found.")
}

// orderCustomer is who an order is for: its checkout, room and customer.
type orderCustomer struct {
	checkout    *msgcenter.Checkout
	roomID      *int64
	name, phone string
}

// placeOrder places req in tx; room is its room when read beforehand
// (orderStoreRoom).
func (s *OrderFlowService) placeOrder(ctx context.Context, tx *txn, storeID int64, req *msgcenter.OrderRequest, room *msgcenter.Room) (*msgcenter.Order, *msgcenter.FailedCheckout, error) {
	now := s.db.now()
	c, err := s.orderCustomer(ctx, tx, storeID, req, room)
	if err != nil {
		return nil, nil, err
	}
	// The order's number is taken in the pipeline of its stock, after it:
	// the store's row is locked only once the products are, so concurrent
	// orders never deadlock, in the same round trip.
	var number orderNumber
	items, unprocessed, err := s.takeItems(ctx, tx, storeID, req, number.take(storeID))
	if err != nil {
		return nil, nil, err
	}
	if !number.found {
		return nil, nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
	}
	if len(unprocessed) > 0 {
		if err := number.giveBack(ctx, tx, storeID); err != nil {
			return nil, nil, err
		}
		fc := &msgcenter.FailedCheckout{
			StoreID: storeID, RoomID: c.roomID, CustomerName: c.name,
			Items: items, Unprocessed: unprocessed, Reason: msgcenter.FailureSummary(unprocessed), CreatedAt: now,
		}
		if err := s.failCheckout(ctx, tx, fc, c.checkout, now); err != nil {
			return nil, nil, err
		}
		return nil, fc, nil
	}
	method, _ := msgcenter.FindDeliveryMethod(req.DeliveryMethod)
	o := &msgcenter.Order{
		StoreID: storeID, RoomID: c.roomID, CheckoutID: req.CheckoutID,
		CustomerName: c.name, CustomerPhone: c.phone, Address: req.Address, Items: items,
		DeliveryMethod: method.Code, DeliveryFee: method.Fee, ServiceFee: msgcenter.ServiceFee,
		PaymentMethod: req.PaymentMethod, Status: msgcenter.OrderPlaced, CreatedAt: now, UpdatedAt: now,
	}
	for _, it := range items {
		o.Subtotal += it.LineTotal()
	}
	o.GrandTotal = o.Subtotal + o.DeliveryFee + o.ServiceFee
	if err := s.insertPlacedOrder(ctx, tx, o, c.checkout, number); err != nil {
		return nil, nil, err
	}
	return o, nil, nil
}

// orderCustomer finds req's checkout, locked, and its room (room when read
// beforehand), and the customer's name and phone: as asked, else the room's.
func (s *OrderFlowService) orderCustomer(ctx context.Context, tx *txn, storeID int64, req *msgcenter.OrderRequest, room *msgcenter.Room) (orderCustomer, error) {
	c := orderCustomer{name: req.CustomerName, phone: req.CustomerPhone}
	if req.CheckoutID != nil {
		var err error
		if c.checkout, err = findCheckout(ctx, tx, storeID, *req.CheckoutID, s.db.forUpdate()); err != nil {
			return c, err
		}
		if room == nil {
			if room, err = findRoom(ctx, tx, storeID, c.checkout.RoomID, ""); err != nil {
				return c, err
			}
		}
	}
	if room == nil {
		return c, nil
	}
	c.roomID = &room.ID
	if c.name == "" {
		c.name = room.CustomerName
	}
	if c.phone == "" {
		c.phone = room.CustomerPhone
	}
	return c, nil
}

// takeItems takes the stock of req's lines and prices them, or, when the
// order cannot be placed as asked, takes nothing and says why: the lines
// that were fine and the unprocessed ones, each with its reason (a stock
// issue or a product no longer sold, the causes of Order Failed). A line
// naming a product the store does not have is EINVALID (unknownProducts):
// the request's mistake, not a failed order. req's methods were validated
// before. then runs in the pipeline of the stock's statement, after it,
// whatever its outcome.
func (s *OrderFlowService) takeItems(ctx context.Context, tx *txn, storeID int64, req *msgcenter.OrderRequest, then ...stmt) (
	items []msgcenter.OrderItem, unprocessed []msgcenter.UnprocessedItem, err error) {
	// The usual order takes its stock in one statement; an order that
	// cannot be placed as asked reads its products to say why.
	products, reserved, err := s.reserveStock(ctx, tx, storeID, req.Items, then...)
	if err != nil {
		return nil, nil, err
	}
	if !reserved {
		if products, err = s.lockProducts(ctx, tx, storeID, req.Items); err != nil {
			return nil, nil, err
		}
	}
	if err := unknownProducts(req.Items, products); err != nil {
		return nil, nil, err
	}
	items, unprocessed = classifyItems(req.Items, products)
	if reserved && len(unprocessed) > 0 {
		return nil, nil, fmt.Errorf("sqlstore: stock taken for an order that fails: %s", msgcenter.FailureSummary(unprocessed))
	}
	return items, unprocessed, nil
}

// insertPlacedOrder numbers o, gives it its token, inserts it, completes
// its checkout and raises order_placed.
func (s *OrderFlowService) insertPlacedOrder(ctx context.Context, tx *txn, o *msgcenter.Order, checkout *msgcenter.Checkout, number orderNumber) error {
	var err error
	if o.Token, err = randomToken(); err != nil {
		return err
	}
	// Unpaid, the order holds its stock until its release time, its
	// creation plus the store's hold, written with it; its release job is
	// asked for in its transaction, so the order and the job commit or
	// vanish together.
	releaseAt := o.CreatedAt.Add(number.hold)
	o.Number, o.ReleaseAt = number.n, &releaseAt
	items, err := insertOrder(ctx, tx, o)
	if err != nil {
		return err
	}
	tx.jobs.Releases = append(tx.jobs.Releases, Release{OrderID: o.ID, At: releaseAt})
	if checkout != nil {
		if err := setCheckoutStatus(ctx, tx, o.StoreID, checkout.ID, msgcenter.CheckoutCompleted, o.CreatedAt); err != nil {
			return err
		}
	}
	// The items go with the message, in one round trip on PostgreSQL.
	_, _, err = s.db.raise(ctx, tx, occurrence{
		storeID: o.StoreID, subject: msgcenter.SubjectOrder, subjectID: o.ID, orderID: &o.ID,
		event: msgcenter.EventOrderPlaced, roomID: o.RoomID, kind: msgcenter.KindAutomation,
	}, items...)
	return err
}

// lockProducts reads the store's products named by items, locking them in
// ascending id order on PostgreSQL.
func (s *OrderFlowService) lockProducts(ctx context.Context, tx *txn, storeID int64, items []msgcenter.CartItem) (map[int64]*msgcenter.Product, error) {
	ids, _ := cartProducts(items)
	args := make([]any, 0, len(ids)+1)
	args = append(args, storeID)
	for _, id := range ids {
		args = append(args, id)
	}
	// Rows are locked as the sorted result is produced, so in id order.
	ps, err := findProducts(ctx, tx, `WHERE store_id = $1 AND id IN (`+placeholders(2, len(ids))+`) ORDER BY id`+s.db.forUpdate(), args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*msgcenter.Product, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
	}
	return byID, nil
}

// classifyItems splits cart lines into the order's items, priced now, and
// the unprocessed ones with their reason, none when every line is fine.
// Lines of one product share its stock.
func classifyItems(lines []msgcenter.CartItem, products map[int64]*msgcenter.Product) (items []msgcenter.OrderItem, unprocessed []msgcenter.UnprocessedItem) {
	items, unprocessed = []msgcenter.OrderItem{}, []msgcenter.UnprocessedItem{}
	left := make(map[int64]int, len(products))
	for id, p := range products {
		left[id] = p.Stock
	}
	for _, line := range lines {
		p, ok := products[line.ProductID]
		var reason msgcenter.UnprocessedReason
		switch {
		case !ok:
			reason = msgcenter.UnprocessedUnknown
		case !p.Active:
			reason = msgcenter.UnprocessedInactive
		case line.Quantity > left[p.ID]:
			reason = msgcenter.UnprocessedOutOfStock
		}
		if reason == "" {
			left[p.ID] -= line.Quantity
			items = append(items, msgcenter.OrderItem{ProductID: p.ID, Name: p.Name, Quantity: line.Quantity, UnitPrice: p.Price})
			continue
		}
		u := msgcenter.UnprocessedItem{ProductID: line.ProductID, Quantity: line.Quantity, Reason: reason}
		if ok {
			u.Name, u.UnitPrice = p.Name, p.Price
		}
		unprocessed = append(unprocessed, u)
	}
	return items, unprocessed
}

// cartProducts returns the distinct products of lines in ascending id
// order, the order their rows are locked in, and each one's quantity summed
// over its lines: lines of one product share its stock.
func cartProducts(lines []msgcenter.CartItem) (ids []int64, qty map[int64]int) {
	qty = make(map[int64]int, len(lines))
	for _, it := range lines {
		if _, ok := qty[it.ProductID]; !ok {
			ids = append(ids, it.ProductID)
		}
		qty[it.ProductID] += it.Quantity
	}
	slices.Sort(ids)
	return ids, qty
}

// reserveStock takes, in one statement, the stock of every line of an
// order whose products are all the store's, active and in stock for all
// their lines (lines of one product share its stock), and returns them as
// they were before. Otherwise it takes nothing and reports false. Rows are
// locked in ascending id order on PostgreSQL, as lockProducts locks them.
// then runs in the statement's pipeline, after it.
func (s *OrderFlowService) reserveStock(ctx context.Context, tx *txn, storeID int64, lines []msgcenter.CartItem, then ...stmt) (map[int64]*msgcenter.Product, bool, error) {
	ids, qty := cartProducts(lines)
	args := []any{storeID}
	var when, in strings.Builder
	for i, id := range ids {
		args = append(args, id, qty[id])
		fmt.Fprintf(&when, " WHEN $%d THEN CAST($%d AS BIGINT)", 2*i+2, 2*i+3)
		if i > 0 {
			in.WriteString(", ")
		}
		fmt.Fprintf(&in, "$%d", 2*i+2)
	}
	products := make(map[int64]*msgcenter.Product, len(ids))
	take := stmt{what: "take stock", query: `
		UPDATE products AS p SET stock = p.stock - w.q
		FROM (SELECT id AS pid, CASE id` + when.String() + ` END AS q FROM products
			WHERE store_id = $1 AND id IN (` + in.String() + `) ORDER BY id` + s.db.forUpdate() + `) AS w
		WHERE p.id = w.pid AND p.active AND p.stock >= w.q
		RETURNING id, name, price, stock, created_at`,
		args: args,
		rows: func(rows rowReader) error {
			for rows.Next() {
				p := &msgcenter.Product{StoreID: storeID, Active: true}
				if err := rows.Scan(&p.ID, &p.Name, &p.Price, &p.Stock, &p.CreatedAt); err != nil {
					return err
				}
				p.Stock += qty[p.ID]
				p.CreatedAt = p.CreatedAt.UTC()
				products[p.ID] = p
			}
			return nil
		},
	}
	if err := tx.pipeline(ctx, append([]stmt{take}, then...)...); err != nil {
		return nil, false, err
	}
	if len(products) == len(ids) {
		return products, true, nil
	}
	// Some line cannot be had: put back what was taken. The rows stay
	// locked by this transaction, so the stock is again what it was.
	for id := range products {
		if _, err := tx.ExecContext(ctx, `UPDATE products SET stock = stock + $1 WHERE id = $2`, qty[id], id); err != nil {
			return nil, false, fmt.Errorf("sqlstore: put back stock: %w", err)
		}
	}
	return nil, false, nil
}

// orderNumber is the store's next order number, taken for an order, and
// the store's unpaid hold, read with it.
type orderNumber struct {
	n     int64
	hold  time.Duration
	found bool // the store was found
}

// take returns the statement that takes the store's next order number into
// n and reads its hold. The update locks the store's row until the
// transaction ends, so numbers are given in commit order without gaps.
func (n *orderNumber) take(storeID int64) stmt {
	return stmt{what: "next order number", query: `UPDATE stores SET order_seq = order_seq + 1 WHERE id = $1 RETURNING order_seq, unpaid_hold_seconds`,
		args: []any{storeID},
		rows: func(rows rowReader) error {
			if !rows.Next() {
				return nil
			}
			var holdSeconds int64
			n.found = true
			err := rows.Scan(&n.n, &holdSeconds)
			n.hold = time.Duration(holdSeconds) * time.Second
			return err
		}}
}

// giveBack gives the number back, for an order that is not placed: the
// store's row is still locked, so the next order takes it.
func (n *orderNumber) giveBack(ctx context.Context, tx *txn, storeID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE stores SET order_seq = order_seq - 1 WHERE id = $1`, storeID); err != nil {
		return fmt.Errorf("sqlstore: give back order number: %w", err)
	}
	return nil
}

// failCheckout records fc with a fresh microsite link for its room, raises
// order_failed for it, and marks the checkout failed.
func (s *OrderFlowService) failCheckout(ctx context.Context, tx *txn, fc *msgcenter.FailedCheckout, checkout *msgcenter.Checkout, now time.Time) error {
	token, err := insertMicrositeLink(ctx, tx, fc.StoreID, fc.RoomID, fc.CustomerName, now)
	if err != nil {
		return err
	}
	if err := insertFailedCheckout(ctx, tx, fc, token); err != nil {
		return err
	}
	if checkout != nil {
		if err := setCheckoutStatus(ctx, tx, fc.StoreID, checkout.ID, msgcenter.CheckoutFailed, now); err != nil {
			return err
		}
	}
	_, _, err = s.db.raise(ctx, tx, occurrence{
		storeID: fc.StoreID, subject: msgcenter.SubjectFailedCheckout, subjectID: fc.ID,
		event: msgcenter.EventOrderFailed, roomID: fc.RoomID, kind: msgcenter.KindAutomation,
	})
	return err
}

// PayOrder marks the store's order paid and raises order_paid. An order
// already paid is answered as it is and raises nothing, so repeated and
// concurrent calls give one message. Returns ENOTFOUND, or ECONFLICT for a
// cancelled or refunded order (msgcenter.Order.Apply).
func (s *OrderFlowService) PayOrder(ctx context.Context, storeID, orderID int64) (*msgcenter.Order, error) {
	return s.apply(ctx, storeID, orderID, msgcenter.ActionPay)
}

// CancelOrder cancels the store's order and gives its items back to stock:
// a placed order, or with refund a paid one, whose payment is refunded with
// it (RefundedAt). A cancelled order is answered as it is. Returns
// ENOTFOUND, or ECONFLICT (msgcenter.Order.Apply) for a paid order without
// refund, refund of an unpaid order, or a refunded or expired order.
func (s *OrderFlowService) CancelOrder(ctx context.Context, storeID, orderID int64, refund bool) (*msgcenter.Order, error) {
	action := msgcenter.ActionCancel
	if refund {
		action = msgcenter.ActionCancelRefund
	}
	return s.apply(ctx, storeID, orderID, action)
}

// RefundOrder refunds the store's paid order, giving its items back to
// stock when the store restocks on refund; a refunded order is answered as
// it is. Returns ENOTFOUND, or ECONFLICT for an order that is not paid.
func (s *OrderFlowService) RefundOrder(ctx context.Context, storeID, orderID int64) (*msgcenter.Order, error) {
	return s.apply(ctx, storeID, orderID, msgcenter.ActionRefund)
}

// apply locks the store's order and changes it by action (change).
func (s *OrderFlowService) apply(ctx context.Context, storeID, orderID int64, action msgcenter.OrderAction) (*msgcenter.Order, error) {
	var o *msgcenter.Order
	err := s.db.withTx(ctx, func(tx *txn) error {
		var err error
		if o, err = findOrder(ctx, tx, `WHERE store_id = $1 AND id = $2`+s.db.forUpdate(), storeID, orderID); err != nil {
			return err
		}
		_, err = s.change(ctx, tx, o, action)
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// change applies action to o, read and locked in tx, by the one state
// machine (msgcenter.Order.Apply) with the store's restock-on-refund
// setting. When that changes o, in tx: its items go back to stock if the
// change says so, o is written, and the action's event, if any, is raised.
// A refused change returns Apply's error and writes nothing. It reports
// whether o changed.
func (s *OrderFlowService) change(ctx context.Context, tx *txn, o *msgcenter.Order, action msgcenter.OrderAction) (bool, error) {
	var restockOnRefund bool
	if err := tx.QueryRowContext(ctx, `SELECT restock_on_refund FROM stores WHERE id = $1`, o.StoreID).Scan(&restockOnRefund); err != nil {
		return false, fmt.Errorf("sqlstore: find store's restock setting: %w", err)
	}
	ch, err := o.Apply(action, s.db.now(), restockOnRefund)
	if err != nil || !ch.Changed {
		return false, err
	}
	if ch.Restock {
		if err := restock(ctx, tx, o); err != nil {
			return false, err
		}
	}
	if err := updateOrderStatus(ctx, tx, o); err != nil {
		return false, err
	}
	if action.Event() == "" {
		return true, nil
	}
	_, _, err = s.db.raise(ctx, tx, occurrence{
		storeID: o.StoreID, subject: msgcenter.SubjectOrder, subjectID: o.ID, orderID: &o.ID,
		event: action.Event(), roomID: o.RoomID, kind: msgcenter.KindAutomation,
	})
	return err == nil, err
}

// restock gives every line of o back to its product's stock, in tx.
// Products are updated in ascending id order, as orders lock them, so a
// change and an order never wait for each other in a cycle.
func restock(ctx context.Context, tx *txn, o *msgcenter.Order) error {
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
	return nil
}
