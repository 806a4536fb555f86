package msgcenter

import (
	"strings"
	"time"
	"unicode/utf8"
)

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
	// RefundedAt is when the payment was given back: set by a refund, and
	// by the cancel of a paid order, which always refunds it (Apply).
	RefundedAt *time.Time `json:"refunded_at,omitempty"`
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
	// RoomByPhone lets an order without a room or checkout join the store's
	// room whose customer has CustomerPhone. Only the store's admin (the
	// API) may ask it: a customer's room is reached only with its proof (a
	// personalised link's checkout, or the platform's webhook), so a public
	// checkout that types someone's phone never messages that room. It is
	// never read from JSON.
	RoomByPhone bool `json:"-"`
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
	// Every path (the API, the microsite's form) stores these as typed.
	for name, v := range map[string]string{"customer_name": r.CustomerName, "customer_phone": r.CustomerPhone, "address": r.Address} {
		if !PlainText(v) {
			fields[name] = NotPlainText
		}
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

// UnprocessedReason is why a cart line could not become part of an order,
// and so why Order Failed was raised: one of the causes the spec names. Its
// words, per language, are in the i18n catalogues ("reason.<code>").
type UnprocessedReason string

// The reasons of an unprocessed line.
const (
	// UnprocessedOutOfStock: the product has less stock than the cart asks
	// (lines of one product share its stock).
	UnprocessedOutOfStock UnprocessedReason = "out_of_stock"
	// UnprocessedInactive: the product is no longer sold.
	UnprocessedInactive UnprocessedReason = "inactive"
	// UnprocessedUnknown: the product was not found. An order naming a
	// product the store does not have is a field error of the request now,
	// never a failed order; only failures recorded before carry it.
	UnprocessedUnknown UnprocessedReason = "unknown"
)

// UnprocessedReasons returns every reason of an unprocessed line.
func UnprocessedReasons() []UnprocessedReason {
	return []UnprocessedReason{UnprocessedOutOfStock, UnprocessedInactive, UnprocessedUnknown}
}

// UnprocessedItem is a cart line that could not become part of an order.
type UnprocessedItem struct {
	ProductID int64             `json:"product_id"`
	Name      string            `json:"name"`
	Quantity  int               `json:"quantity"`
	UnitPrice int64             `json:"unit_price"`
	Reason    UnprocessedReason `json:"reason"`
}

// OrderFilter narrows FindOrders.
type OrderFilter struct {
	Status *OrderStatus
	Limit  int
	Offset int
}
