package msgcenter

import (
	"strings"
	"time"
)

// OrderAction is a change an admin, the payment flow or the order's hold
// asks of a placed order.
type OrderAction string

// The actions on an order.
const (
	ActionPay    OrderAction = "pay"
	ActionCancel OrderAction = "cancel"
	// ActionCancelRefund cancels a paid order and gives its payment back:
	// the only way a paid order is cancelled.
	ActionCancelRefund OrderAction = "cancel_refund"
	ActionRefund       OrderAction = "refund"
	// ActionExpire is the hold's end, taken by ReleaseUnpaidOrder, never
	// by a person.
	ActionExpire OrderAction = "expire"
)

// OrderActions lists every action on an order.
func OrderActions() []OrderAction {
	return []OrderAction{ActionPay, ActionCancel, ActionCancelRefund, ActionRefund, ActionExpire}
}

// Event is the event an order raises when the action changes it, "" for
// none: paying raises order_paid.
func (a OrderAction) Event() Event {
	if a == ActionPay {
		return EventOrderPaid
	}
	return ""
}

// OrderChange is what Apply did to an order.
type OrderChange struct {
	// Changed: the order moved to another state.
	Changed bool
	// Restock: the order's items go back to their products' stock, in the
	// same transaction as the change.
	Restock bool
}

// Refunded reports whether the order's payment was given back: a refunded
// order, or a paid order cancelled with its refund.
func (o *Order) Refunded() bool { return o.Status == OrderRefunded || o.RefundedAt != nil }

// Apply moves o through its life by action a at now; restockOnRefund is the
// store's Store.RestockOnRefund. The life of an order, its one state
// machine:
//
//	placed → paid                 pay (raises order_paid)
//	placed → cancelled            cancel; its items go back to stock
//	placed → expired              expire: unpaid at the end of the store's
//	                              hold; its items go back to stock
//	paid   → refunded             refund; its items go back to stock when
//	                              the store says so (restockOnRefund)
//	paid   → cancelled, refunded  cancel_refund: a paid order is cancelled
//	                              only with its refund; its items go back
//	                              to stock
//
// Cancelled, refunded and expired are final. A refund sets RefundedAt, so a
// paid order cancelled with its refund reads "cancelled, refunded", never
// "cancelled, paid"; PaidAt stays. Every order gives its items back at most
// once, since only moves into a final state give them back.
//
// An action whose state the order is already in (paying a paid order,
// refunding a cancelled-and-refunded one) changes nothing and is no error,
// so repeated and concurrent calls change the order once. Every other move
// is refused with ECONFLICT naming the order and saying why, and o is left
// as it was; an unknown action is EINVALID. A change sets the status,
// UpdatedAt and, when paid, PaidAt, when refunded, RefundedAt.
func (o *Order) Apply(a OrderAction, now time.Time, restockOnRefund bool) (OrderChange, error) {
	var (
		to              OrderStatus
		refund, restock bool
	)
	// Each refusal is written out whole, so the pages can tell it in the
	// admin's language (the catalogues' msg. block).
	refuse := func(format string) (OrderChange, error) {
		return OrderChange{}, Errorf(ECONFLICT, format, o.Number)
	}
	switch a {
	case ActionPay:
		switch o.Status {
		case OrderCancelled:
			return refuse("Order #%d is cancelled; it cannot be paid.")
		case OrderRefunded:
			return refuse("Order #%d is refunded; it cannot be paid.")
		case OrderExpired:
			return refuse("Order #%d expired unpaid and its items went back to stock; it cannot be paid.")
		}
		to = OrderPaid
	case ActionCancel:
		switch o.Status {
		case OrderPaid:
			return refuse("Order #%d is paid: it is cancelled only with a refund of its payment. Cancel it with a refund.")
		case OrderRefunded:
			return refuse("Order #%d is refunded; it cannot be cancelled.")
		case OrderExpired:
			return refuse("Order #%d is expired; it cannot be cancelled.")
		}
		to, restock = OrderCancelled, true
	case ActionCancelRefund:
		switch {
		case o.Status == OrderCancelled && o.Refunded():
			return OrderChange{}, nil
		case o.Status == OrderPlaced:
			return refuse("Order #%d is placed, not paid: there is no payment to refund. Cancel it without a refund.")
		case o.Status == OrderCancelled:
			return refuse("Order #%d is cancelled, not paid: there is no payment to refund. Cancel it without a refund.")
		case o.Status == OrderRefunded:
			return refuse("Order #%d is refunded; it cannot be cancelled.")
		case o.Status == OrderExpired:
			return refuse("Order #%d is expired; it cannot be cancelled.")
		}
		to, refund, restock = OrderCancelled, true, true
	case ActionRefund:
		switch {
		case o.Refunded():
			return OrderChange{}, nil
		case o.Status == OrderPlaced:
			return refuse("Order #%d is placed, not paid; it cannot be refunded.")
		case o.Status == OrderCancelled:
			return refuse("Order #%d is cancelled, not paid; it cannot be refunded.")
		case o.Status == OrderExpired:
			return refuse("Order #%d is expired, not paid; it cannot be refunded.")
		}
		to, refund, restock = OrderRefunded, true, restockOnRefund
	case ActionExpire:
		// The release job's, never shown to a person.
		switch {
		case o.Status == OrderExpired:
			return OrderChange{}, nil
		case o.Status != OrderPlaced:
			return OrderChange{}, Errorf(ECONFLICT, "Order #%d is %s; only an unpaid order expires.", o.Number, o.Status)
		case o.ReleaseAt == nil:
			return refuse("Order #%d was placed before stock was held for a time; it does not expire.")
		}
		to, restock = OrderExpired, true
	default:
		names := make([]string, 0, len(OrderActions()))
		for _, v := range OrderActions() {
			names = append(names, string(v))
		}
		return OrderChange{}, Invalid("The order action is not valid.", map[string]string{"action": "must be one of " + strings.Join(names, ", ")})
	}
	if o.Status == to {
		return OrderChange{}, nil
	}
	o.Status, o.UpdatedAt = to, now
	if to == OrderPaid {
		paidAt := now
		o.PaidAt = &paidAt
	}
	if refund {
		refundedAt := now
		o.RefundedAt = &refundedAt
	}
	return OrderChange{Changed: true, Restock: restock}, nil
}

// Can reports whether action a would change o now: the actions an admin is
// offered. It changes nothing.
func (o *Order) Can(a OrderAction) bool {
	c := *o
	ch, err := c.Apply(a, o.UpdatedAt, false)
	return err == nil && ch.Changed
}
