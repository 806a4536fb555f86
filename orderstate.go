package msgcenter

import "time"

// OrderAction is a change an admin or the payment flow asks of a placed
// order.
type OrderAction string

// The actions on an order.
const (
	ActionPay    OrderAction = "pay"
	ActionCancel OrderAction = "cancel"
	ActionRefund OrderAction = "refund"
)

// OrderActions lists every action on an order.
func OrderActions() []OrderAction { return []OrderAction{ActionPay, ActionCancel, ActionRefund} }

// Event is the event an order raises when the action changes it, "" for
// none: paying raises order_paid.
func (a OrderAction) Event() Event {
	if a == ActionPay {
		return EventOrderPaid
	}
	return ""
}

// Apply moves o through its life by action a at now. The life of an order:
//
//	placed → paid → refunded
//	placed → cancelled
//	paid   → cancelled (the payment is refunded with it; paid_at stays)
//	placed → expired (by ReleaseUnpaidOrder, not by an action: unpaid past
//	         the store's hold, its items went back to stock)
//
// An action whose state the order is already in (paying a paid order)
// changes nothing and is no error, so repeated and concurrent calls change
// the order once. Every other move is refused with ECONFLICT naming the
// order, and o is left as it was. Apply reports whether it changed o; a
// change sets its status, UpdatedAt and, when paid, PaidAt.
func (o *Order) Apply(a OrderAction, now time.Time) (changed bool, err error) {
	var to OrderStatus
	switch a {
	case ActionPay:
		if o.Status == OrderCancelled || o.Status == OrderRefunded {
			return false, Errorf(ECONFLICT, "Order #%d is %s; it cannot be paid.", o.Number, o.Status)
		}
		if o.Status == OrderExpired {
			return false, Errorf(ECONFLICT, "Order #%d expired unpaid and its items went back to stock; it cannot be paid.", o.Number)
		}
		to = OrderPaid
	case ActionCancel:
		if o.Status == OrderRefunded || o.Status == OrderExpired {
			return false, Errorf(ECONFLICT, "Order #%d is %s; it cannot be cancelled.", o.Number, o.Status)
		}
		to = OrderCancelled
	case ActionRefund:
		if o.Status != OrderPaid && o.Status != OrderRefunded {
			return false, Errorf(ECONFLICT, "Order #%d is %s, not paid; it cannot be refunded.", o.Number, o.Status)
		}
		to = OrderRefunded
	default:
		return false, Invalid("The order action is not valid.", map[string]string{"action": "must be one of pay, cancel, refund"})
	}
	if o.Status == to {
		return false, nil
	}
	o.Status, o.UpdatedAt = to, now
	if to == OrderPaid {
		paidAt := now
		o.PaidAt = &paidAt
	}
	return true, nil
}
