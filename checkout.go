package msgcenter

import "time"

// CheckoutStatus is where a checkout session is.
type CheckoutStatus string

// The checkout statuses.
const (
	CheckoutOpen      CheckoutStatus = "open"
	CheckoutCompleted CheckoutStatus = "completed"
	CheckoutFailed    CheckoutStatus = "failed"
	CheckoutReplaced  CheckoutStatus = "replaced"
	// CheckoutIncomplete: the delay passed and order_incomplete was raised.
	CheckoutIncomplete CheckoutStatus = "incomplete"
)

// Checkout records that a customer proceeded to checkout from a room.
type Checkout struct {
	ID        int64          `json:"id"`
	StoreID   int64          `json:"-"`
	RoomID    int64          `json:"room_id"`
	Token     string         `json:"token"`
	Items     []CartItem     `json:"items"`
	Status    CheckoutStatus `json:"status"`
	DueAt     time.Time      `json:"due_at"`
	CreatedAt time.Time      `json:"created_at"`
}
