package msgcenter

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// ChannelType is the messaging platform a channel is on.
type ChannelType string

// The channel types a store may connect.
const (
	ChannelWhatsApp  ChannelType = "whatsapp"
	ChannelInstagram ChannelType = "instagram"
	ChannelMessenger ChannelType = "messenger"
	ChannelTelegram  ChannelType = "telegram"
	ChannelLINE      ChannelType = "line"
	ChannelWeb       ChannelType = "web"
)

// ChannelTypes returns every channel type.
func ChannelTypes() []ChannelType {
	return []ChannelType{ChannelWhatsApp, ChannelInstagram, ChannelMessenger, ChannelTelegram, ChannelLINE, ChannelWeb}
}

// Valid reports whether t is a known channel type.
func (t ChannelType) Valid() bool {
	for _, v := range ChannelTypes() {
		if v == t {
			return true
		}
	}
	return false
}

// SessionWindow is how long after a customer's last message WhatsApp still
// accepts session (non-template) messages.
const SessionWindow = 24 * time.Hour

// SessionOpenSince is the earliest last inbound time whose session is still
// open at now: a customer who wrote at or after it can be sent session
// messages on any channel.
func SessionOpenSince(now time.Time) time.Time { return now.Add(-SessionWindow) }

// SessionExpired reports whether a room on channel type t whose customer last
// wrote at lastInbound can no longer receive session messages at now. It is
// the one place of the WhatsApp 24-hour rule.
func SessionExpired(t ChannelType, lastInbound, now time.Time) bool {
	return t == ChannelWhatsApp && lastInbound.Before(SessionOpenSince(now))
}

// Channel is one connected account of a store on a messaging platform.
type Channel struct {
	ID         int64       `json:"id"`
	StoreID    int64       `json:"-"`
	Type       ChannelType `json:"type"`
	Name       string      `json:"name"`
	Phone      string      `json:"phone,omitempty"`
	ExternalID string      `json:"external_id,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
}

// Validate checks a channel before it is stored.
func (c *Channel) Validate() error {
	fields := map[string]string{}
	if !c.Type.Valid() {
		fields["type"] = "must be one of whatsapp, instagram, messenger, telegram, line, web"
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(c.Name)); n == 0 || n > 100 {
		fields["name"] = "is required, at most 100 characters"
	}
	if len(fields) > 0 {
		return Invalid("The channel is not valid.", fields)
	}
	return nil
}

// Room is one customer's conversation on one channel.
type Room struct {
	ID            int64       `json:"id"`
	StoreID       int64       `json:"-"`
	ChannelID     int64       `json:"channel_id"`
	ChannelType   ChannelType `json:"channel_type"`
	ExternalID    string      `json:"external_id,omitempty"`
	CustomerName  string      `json:"customer_name"`
	CustomerPhone string      `json:"customer_phone,omitempty"`
	LastInboundAt time.Time   `json:"last_inbound_at"`
	CreatedAt     time.Time   `json:"created_at"`
}

// Validate checks a room before it is stored.
func (r *Room) Validate() error {
	fields := map[string]string{}
	if r.ChannelID <= 0 {
		fields["channel_id"] = "is required"
	}
	if utf8.RuneCountInString(r.CustomerName) > 100 {
		fields["customer_name"] = "must be at most 100 characters"
	}
	if r.CustomerPhone != "" && !ValidPhone(r.CustomerPhone) {
		fields["customer_phone"] = "must be a phone number in international form, such as +6281234567890"
	}
	if len(fields) > 0 {
		return Invalid("The room is not valid.", fields)
	}
	return nil
}

// MaxClockSkew is how far in the future a time a client reports may be,
// for clocks that run a little ahead.
const MaxClockSkew = time.Minute

// CheckInboundTime refuses a last inbound time (when the customer wrote)
// later than now: it would hold the WhatsApp session open past the 24-hour
// rule. It is EINVALID naming last_inbound_at.
func CheckInboundTime(at, now time.Time) error {
	if at.After(now.Add(MaxClockSkew)) {
		return Invalid("The room is not valid.", map[string]string{"last_inbound_at": "must not be in the future: it is when the customer last wrote"})
	}
	return nil
}

// ValidPhone reports whether s looks like an international phone number:
// an optional +, then 8 to 15 digits.
func ValidPhone(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if len(s) < 8 || len(s) > 15 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Product is something a store sells.
type Product struct {
	ID        int64     `json:"id"`
	StoreID   int64     `json:"-"`
	Name      string    `json:"name"`
	Price     int64     `json:"price"`
	Stock     int       `json:"stock"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks a product before it is stored.
func (p *Product) Validate() error {
	fields := map[string]string{}
	if n := utf8.RuneCountInString(strings.TrimSpace(p.Name)); n == 0 || n > 200 {
		fields["name"] = "is required, at most 200 characters"
	}
	if p.Price < 0 || p.Price > 1_000_000_000_000 {
		fields["price"] = "must be between 0 and 1000000000000"
	}
	if p.Stock < 0 {
		fields["stock"] = "must not be negative"
	}
	if len(fields) > 0 {
		return Invalid("The product is not valid.", fields)
	}
	return nil
}

// ProductUpdate holds the product fields to change.
type ProductUpdate struct {
	Name   *string `json:"name"`
	Price  *int64  `json:"price"`
	Stock  *int    `json:"stock"`
	Active *bool   `json:"active"`
}

// Apply sets the non-nil fields of u on p.
func (u ProductUpdate) Apply(p *Product) {
	if u.Name != nil {
		p.Name = *u.Name
	}
	if u.Price != nil {
		p.Price = *u.Price
	}
	if u.Stock != nil {
		p.Stock = *u.Stock
	}
	if u.Active != nil {
		p.Active = *u.Active
	}
}

// OrderStatus is where an order is in its life.
type OrderStatus string

// The order statuses.
const (
	OrderPlaced    OrderStatus = "placed"
	OrderPaid      OrderStatus = "paid"
	OrderCancelled OrderStatus = "cancelled"
	OrderRefunded  OrderStatus = "refunded"
	// OrderExpired: nobody paid within the store's hold, and the order's
	// items went back to stock.
	OrderExpired OrderStatus = "expired"
)

// OrderStatuses returns every order status.
func OrderStatuses() []OrderStatus {
	return []OrderStatus{OrderPlaced, OrderPaid, OrderCancelled, OrderRefunded, OrderExpired}
}

// Valid reports whether s is a known order status.
func (s OrderStatus) Valid() bool {
	for _, v := range OrderStatuses() {
		if v == s {
			return true
		}
	}
	return false
}

// OrderStatusList is the statuses for an error message: "placed, paid, …".
func OrderStatusList() string {
	var out []string
	for _, v := range OrderStatuses() {
		out = append(out, string(v))
	}
	return strings.Join(out, ", ")
}

// ReceiptAvailable reports whether the order's receipt may be shown: paid,
// and neither cancelled nor refunded.
func (s OrderStatus) ReceiptAvailable() bool { return s == OrderPaid }

// DeliveryMethod is a way of getting an order to the customer, with its fee.
type DeliveryMethod struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Fee  int64  `json:"fee"`
}

// DeliveryMethods returns the delivery methods every store offers.
func DeliveryMethods() []DeliveryMethod {
	return []DeliveryMethod{
		{Code: "pickup", Name: "Store pickup", Fee: 0},
		{Code: "regular", Name: "Regular delivery", Fee: 15000},
		{Code: "instant", Name: "Instant courier", Fee: 25000},
	}
}

// FindDeliveryMethod returns the method with code, and whether there is one.
func FindDeliveryMethod(code string) (DeliveryMethod, bool) {
	for _, m := range DeliveryMethods() {
		if m.Code == code {
			return m, true
		}
	}
	return DeliveryMethod{}, false
}

func deliveryMethodCodes() []string {
	var out []string
	for _, m := range DeliveryMethods() {
		out = append(out, m.Code)
	}
	return out
}

// PaymentMethods returns the payment method codes every store accepts.
func PaymentMethods() []string { return []string{"bank_transfer", "qris", "ewallet", "cod"} }

// ValidPaymentMethod reports whether code is an accepted payment method.
func ValidPaymentMethod(code string) bool {
	for _, m := range PaymentMethods() {
		if m == code {
			return true
		}
	}
	return false
}

// ServiceFee is the platform fee added to every order.
const ServiceFee = 2000

// OrderItem is one line of an order, priced when the order was placed.
type OrderItem struct {
	ProductID int64  `json:"product_id"`
	Name      string `json:"name"`
	Quantity  int    `json:"quantity"`
	UnitPrice int64  `json:"unit_price"`
}

// LineTotal is quantity × unit price.
func (i OrderItem) LineTotal() int64 { return int64(i.Quantity) * i.UnitPrice }

// Order is a placed order.
type Order struct {
	ID             int64       `json:"id"`
	StoreID        int64       `json:"-"`
	Number         int64       `json:"number"`
	Token          string      `json:"token"`
	RoomID         *int64      `json:"room_id"`
	CheckoutID     *int64      `json:"checkout_id,omitempty"`
	CustomerName   string      `json:"customer_name"`
	CustomerPhone  string      `json:"customer_phone"`
	Address        string      `json:"address"`
	Items          []OrderItem `json:"items"`
	DeliveryMethod string      `json:"delivery_method"`
	DeliveryFee    int64       `json:"delivery_fee"`
	ServiceFee     int64       `json:"service_fee"`
	Subtotal       int64       `json:"subtotal"`
	GrandTotal     int64       `json:"grand_total"`
	PaymentMethod  string      `json:"payment_method"`
	Status         OrderStatus `json:"status"`
	CreatedAt      time.Time   `json:"created_at"`
	PaidAt         *time.Time  `json:"paid_at,omitempty"`
	// ReleaseAt is when the order, unpaid, expires and gives its items
	// back to stock; nil for orders placed before holds existed.
	ReleaseAt *time.Time `json:"release_at,omitempty"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// CartItem is a product and quantity asked for at checkout.
type CartItem struct {
	ProductID int64 `json:"product_id"`
	Quantity  int   `json:"quantity"`
}

// OrderRequest is what a customer submits to place an order.
type OrderRequest struct {
	RoomID         *int64     `json:"room_id"`
	CheckoutID     *int64     `json:"checkout_id"`
	CustomerName   string     `json:"customer_name"`
	CustomerPhone  string     `json:"customer_phone"`
	Address        string     `json:"address"`
	Items          []CartItem `json:"items"`
	DeliveryMethod string     `json:"delivery_method"`
	PaymentMethod  string     `json:"payment_method"`
}

// Validate checks the request's own fields; stock and products are checked
// when the order is placed.
func (r *OrderRequest) Validate() error {
	fields := map[string]string{}
	if len(r.Items) == 0 {
		fields["items"] = "must hold at least one product"
	} else if len(r.Items) > 100 {
		fields["items"] = "must hold at most 100 lines"
	}
	for _, it := range r.Items {
		if it.Quantity < 1 || it.Quantity > 1000 {
			fields["items"] = "every quantity must be between 1 and 1000"
		}
	}
	if utf8.RuneCountInString(r.CustomerName) > 100 {
		fields["customer_name"] = "must be at most 100 characters"
	}
	if r.CustomerPhone != "" && !ValidPhone(r.CustomerPhone) {
		fields["customer_phone"] = "must be a phone number in international form, such as +6281234567890"
	}
	if utf8.RuneCountInString(r.Address) > 500 {
		fields["address"] = "must be at most 500 characters"
	}
	// A method the store does not offer is the request's mistake, refused
	// before anything is written: it never becomes a failed order that
	// messages the customer.
	if _, ok := FindDeliveryMethod(r.DeliveryMethod); !ok {
		fields["delivery_method"] = "must be one of " + strings.Join(deliveryMethodCodes(), ", ")
	}
	if !ValidPaymentMethod(r.PaymentMethod) {
		fields["payment_method"] = "must be one of " + strings.Join(PaymentMethods(), ", ")
	}
	if len(fields) > 0 {
		return Invalid("The order is not valid.", fields)
	}
	return nil
}

// UnprocessedItem is a cart line that could not become part of an order.
type UnprocessedItem struct {
	ProductID int64  `json:"product_id"`
	Name      string `json:"name"`
	Quantity  int    `json:"quantity"`
	UnitPrice int64  `json:"unit_price"`
	Reason    string `json:"reason"` // out_of_stock, inactive, unknown
}

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

// CommerceService stores the order flow's entities. Every method is scoped by
// store id and answers ENOTFOUND for another store's ids.
type CommerceService interface {
	CreateProduct(ctx context.Context, p *Product) error
	FindProducts(ctx context.Context, storeID int64) ([]*Product, error)
	UpdateProduct(ctx context.Context, storeID, id int64, upd ProductUpdate) (*Product, error)

	CreateChannel(ctx context.Context, c *Channel) error
	FindChannels(ctx context.Context, storeID int64) ([]*Channel, error)
	FindChannel(ctx context.Context, storeID, id int64) (*Channel, error)
	UpdateChannel(ctx context.Context, storeID, id int64, name *string) (*Channel, error)

	CreateRoom(ctx context.Context, r *Room) error
	FindRooms(ctx context.Context, storeID int64) ([]*Room, error)
	FindRoom(ctx context.Context, storeID, id int64) (*Room, error)
	// FindRoomByExternalID finds the store's room the platform knows by
	// that id; ENOTFOUND when there is none.
	FindRoomByExternalID(ctx context.Context, storeID int64, externalID string) (*Room, error)
	// EnsureRoom creates r unless the store already has a room with r's
	// external id, which r then becomes; it reports whether it created one.
	// Concurrent calls for one external id create one room.
	EnsureRoom(ctx context.Context, r *Room) (created bool, err error)
	// UpdateRoom changes the customer's name, phone or last inbound time.
	UpdateRoom(ctx context.Context, storeID, id int64, upd RoomUpdate) (*Room, error)

	FindOrder(ctx context.Context, storeID, id int64) (*Order, error)
	// FindOrderByToken finds any store's order by its public token, for customer pages.
	FindOrderByToken(ctx context.Context, token string) (*Order, error)
	FindOrders(ctx context.Context, storeID int64, f OrderFilter) ([]*Order, error)
}

// RoomUpdate holds the room fields to change.
type RoomUpdate struct {
	CustomerName  *string    `json:"customer_name"`
	CustomerPhone *string    `json:"customer_phone"`
	LastInboundAt *time.Time `json:"last_inbound_at"`
	// InboundAt records a customer message written at this time: it moves
	// LastInboundAt forward and never back, since a platform's webhooks can
	// arrive out of order. It is not part of the API's JSON.
	InboundAt *time.Time `json:"-"`
}

// OrderFilter narrows FindOrders.
type OrderFilter struct {
	Status *OrderStatus
	Limit  int
	Offset int
}
