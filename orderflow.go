package msgcenter

import (
	"context"
	"strings"
	"time"
)

// FailedCheckout records a checkout that could not become an order, the
// subject of its order_failed message.
type FailedCheckout struct {
	ID            int64             `json:"id"`
	StoreID       int64             `json:"-"`
	RoomID        *int64            `json:"room_id"`
	CustomerName  string            `json:"customer_name"`
	Items         []OrderItem       `json:"items"`
	Unprocessed   []UnprocessedItem `json:"unprocessed"`
	Reason        string            `json:"reason"`
	MicrositeLink string            `json:"-"`
	CreatedAt     time.Time         `json:"created_at"`
}

// FailureSummary sums up why a checkout could not become an order, for
// FailedCheckout.Reason: "items: out_of_stock, inactive", each line's
// reason once, in the lines' order; "" when no line failed.
func FailureSummary(unprocessed []UnprocessedItem) string {
	var kinds []string
	seen := map[UnprocessedReason]bool{}
	for _, u := range unprocessed {
		if !seen[u.Reason] {
			seen[u.Reason] = true
			kinds = append(kinds, string(u.Reason))
		}
	}
	if len(kinds) == 0 {
		return ""
	}
	return "items: " + strings.Join(kinds, ", ")
}

// OrderFlowService runs the order flow's state changes. Each change that
// raises an event commits, in the same transaction, the event's message rows
// and their delivery jobs; repeating a change raises nothing twice.
type OrderFlowService interface {
	// PlaceOrder reserves stock and creates the order, raising order_placed.
	// When any item is out of stock or no longer sold (the causes of Order
	// Failed, UnprocessedReason), no order is created: the failure is
	// recorded, order_failed is raised for the room, and the answer is the
	// failure with a nil order. Returns EINVALID, writing nothing, for a
	// malformed request: a delivery or payment method the store does not
	// offer, or a product it does not have (named by its line); ENOTFOUND
	// for a room or checkout of another store.
	PlaceOrder(ctx context.Context, storeID int64, req *OrderRequest) (*Order, *FailedCheckout, error)

	// PayOrder marks the order paid and raises order_paid, once however
	// often it is called. Returns ECONFLICT for a cancelled, refunded or
	// expired order.
	PayOrder(ctx context.Context, storeID, orderID int64) (*Order, error)

	// CancelOrder cancels the order and gives its items back to stock; a
	// paid order is cancelled only with refund set, which refunds its
	// payment with it. RefundOrder refunds a paid order, giving its items
	// back to stock when the store restocks on refund. Both follow
	// Order.Apply: ECONFLICT, naming the order and why, when the change does
	// not apply (cancelling a paid order without refund, refunding an
	// unpaid one, cancelling a refunded one); then nothing changes.
	CancelOrder(ctx context.Context, storeID, orderID int64, refund bool) (*Order, error)
	RefundOrder(ctx context.Context, storeID, orderID int64) (*Order, error)

	// StartCheckout records that a customer proceeded to checkout from a
	// room; the room's open checkout is replaced. A checkout from a WhatsApp
	// room is due for order_incomplete after the store's delay.
	StartCheckout(ctx context.Context, storeID, roomID int64, items []CartItem) (*Checkout, error)

	// FindCheckout returns ENOTFOUND for another store's checkout.
	FindCheckout(ctx context.Context, storeID, id int64) (*Checkout, error)

	// ReleaseUnpaidOrder expires an order still unpaid at its release time
	// and gives its items back to stock, reporting whether it did; an
	// order paid, cancelled or already expired is left as it is, so calling
	// it again changes nothing. Returns ENOTFOUND for an unknown order.
	ReleaseUnpaidOrder(ctx context.Context, orderID int64) (bool, error)

	// RaiseDueCheckouts raises order_incomplete for every open WhatsApp
	// checkout whose delay has passed at the store's clock, once each, and
	// returns how many it raised.
	RaiseDueCheckouts(ctx context.Context) (int, error)
}

// DeliveryService reads the messages of a store.
type DeliveryService interface {
	// FindDeliveries lists a store's messages, newest first, with attempts.
	FindDeliveries(ctx context.Context, storeID int64, f DeliveryFilter) ([]*Delivery, error)
	// FindDelivery returns ENOTFOUND for another store's message.
	FindDelivery(ctx context.Context, storeID, id int64) (*Delivery, error)
	// FindOrdersDeliveries lists the messages of the store's orders
	// orderIDs, newest first, with attempts, in one read however many
	// orders there are (a page of the order list); ids of another store's
	// orders match nothing. Returns EINVALID for more than 200 orders.
	FindOrdersDeliveries(ctx context.Context, storeID int64, orderIDs []int64) ([]*Delivery, error)
}

// DeliveryWork is everything a worker needs to render and send one message,
// read at send time so the configuration saved last is the one used.
type DeliveryWork struct {
	// Delivery comes without its attempts; Tries counts them.
	Delivery *Delivery
	Tries    int
	Store    *Store
	Config   *MessageConfig
	// Room is nil when the subject has no room.
	Room *Room
	// Channel is the room's channel, loaded for a fallback only.
	Channel *Channel
	// One of these is set, by Delivery.SubjectType.
	Order          *Order
	FailedCheckout *FailedCheckout
	Checkout       *Checkout
	// Test is the rendered content of a test send (SubjectTest).
	Test *TestSend
	// MicrositeToken is the personalised microsite link's token, for
	// share_microsite_url and order_failed.
	MicrositeToken string
}

// DeliveryResult is what one step of a worker records about a message.
type DeliveryResult struct {
	// Attempt is the try made; nil when no provider was called (skipped,
	// no room, session expired before sending).
	Attempt *Attempt
	// Status is the message's new status: queued (a retry follows), sent,
	// failed or skipped.
	Status DeliveryStatus
	Reason Reason
	// Content as rendered, kept even when sending failed.
	Text, ButtonLabel, ButtonURL string
	ChannelID                    *int64
	ChannelType                  ChannelType
}

// DeliveryWorkStore is what the delivery worker reads and writes.
type DeliveryWorkStore interface {
	// LoadDeliveryWork returns ENOTFOUND for an unknown delivery.
	LoadDeliveryWork(ctx context.Context, deliveryID int64) (*DeliveryWork, error)
	// RecordDeliveryResult appends the attempt and sets the status, in one
	// transaction, only while the message is still queued; it reports false
	// when the message was already final (another worker finished it).
	RecordDeliveryResult(ctx context.Context, deliveryID int64, r DeliveryResult) (bool, error)
	// ApplyDeliveryReceipt records a status the platform reported for the
	// store's message it accepted as r.ProviderMessageID. Statuses move
	// forward only: delivered and read set their times once (read implies
	// delivered); failed turns a sent message failed, with r's reason and
	// an attempt holding r.Error, unless it was already delivered or read.
	// Returns ENOTFOUND when no message of the store has that id.
	ApplyDeliveryReceipt(ctx context.Context, storeID int64, r DeliveryReceipt) (*ReceiptOutcome, error)
	// RaiseFallback raises the WhatsApp fallback of an automation message:
	// the same subject, event and room, kind fallback, with its job. Raising
	// it again is a no-op, so a retried automation job adds no second one.
	RaiseFallback(ctx context.Context, automation *Delivery) error
	// FindQueuedDeliveryIDs returns, by id, up to limit messages of any
	// store with an id above afterID, still queued and untouched since
	// olderThan.
	FindQueuedDeliveryIDs(ctx context.Context, olderThan time.Time, afterID int64, limit int) ([]int64, error)
}
