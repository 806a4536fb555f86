package msgcenter_test

import (
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
)

func TestOrderRequestValidate(t *testing.T) {
	roomID := int64(21)
	valid := func() *msgcenter.OrderRequest {
		return &msgcenter.OrderRequest{RoomID: &roomID, CustomerName: "Siti", CustomerPhone: "+6281234567890",
			Address: "Jl. Melati 5, Depok", Items: []msgcenter.CartItem{{ProductID: 1, Quantity: 2}, {ProductID: 2, Quantity: 1}},
			DeliveryMethod: "regular", PaymentMethod: "qris"}
	}
	lines := func(n, qty int) []msgcenter.CartItem {
		items := make([]msgcenter.CartItem, n)
		for i := range items {
			items[i] = msgcenter.CartItem{ProductID: int64(i + 1), Quantity: qty}
		}
		return items
	}
	const (
		qtyMsg     = "every quantity must be between 1 and 1000"
		nameMsg    = "must be at most 100 characters"
		phoneMsg   = "must be a phone number in international form, such as +6281234567890"
		addressMsg = "must be at most 500 characters"
	)
	testValidate(t, valid, (*msgcenter.OrderRequest).Validate, "The order is not valid.", []validateCase[msgcenter.OrderRequest]{
		{"NoItems", func(r *msgcenter.OrderRequest) { r.Items = nil }, map[string]string{"items": "must hold at least one product"}},
		{"EmptyItems", func(r *msgcenter.OrderRequest) { r.Items = []msgcenter.CartItem{} },
			map[string]string{"items": "must hold at least one product"}},
		{"101Lines", func(r *msgcenter.OrderRequest) { r.Items = lines(101, 1) }, map[string]string{"items": "must hold at most 100 lines"}},
		{"QuantityZero", func(r *msgcenter.OrderRequest) { r.Items[1].Quantity = 0 }, map[string]string{"items": qtyMsg}},
		{"QuantityNegative", func(r *msgcenter.OrderRequest) { r.Items[0].Quantity = -3 }, map[string]string{"items": qtyMsg}},
		{"Quantity1001", func(r *msgcenter.OrderRequest) { r.Items[0].Quantity = 1001 }, map[string]string{"items": qtyMsg}},
		{"Name101Runes", func(r *msgcenter.OrderRequest) { r.CustomerName = strings.Repeat("ö", 101) },
			map[string]string{"customer_name": nameMsg}},
		{"PhoneLocalForm", func(r *msgcenter.OrderRequest) { r.CustomerPhone = "0812-3456-7890" },
			map[string]string{"customer_phone": phoneMsg}},
		{"PhoneTooShort", func(r *msgcenter.OrderRequest) { r.CustomerPhone = "+62812" }, map[string]string{"customer_phone": phoneMsg}},
		{"Address501Runes", func(r *msgcenter.OrderRequest) { r.Address = strings.Repeat("ä", 501) },
			map[string]string{"address": addressMsg}},
		// A method the store does not offer is a field error, before
		// anything is written: never a failed order that messages the
		// customer.
		{"UnknownMethods", func(r *msgcenter.OrderRequest) { r.DeliveryMethod, r.PaymentMethod = "teleport", "barter" },
			map[string]string{"delivery_method": "must be one of pickup, regular, instant",
				"payment_method": "must be one of bank_transfer, qris, ewallet, cod"}},
		{"Everything", func(r *msgcenter.OrderRequest) {
			r.Items, r.CustomerName, r.CustomerPhone, r.Address = nil, strings.Repeat("x", 101), "x", strings.Repeat("x", 501)
		}, map[string]string{"items": "must hold at least one product", "customer_name": nameMsg, "customer_phone": phoneMsg,
			"address": addressMsg}},
	}, map[string]func(*msgcenter.OrderRequest){
		"100Lines":        func(r *msgcenter.OrderRequest) { r.Items = lines(100, 1) },
		"Quantity1000":    func(r *msgcenter.OrderRequest) { r.Items = lines(1, 1000) },
		"Name100Runes":    func(r *msgcenter.OrderRequest) { r.CustomerName = strings.Repeat("ö", 100) },
		"Address500Runes": func(r *msgcenter.OrderRequest) { r.Address = strings.Repeat("ä", 500) },
		// The form's required fields are checked by the page that asks for them.
		"NoCustomerDetails": func(r *msgcenter.OrderRequest) { r.CustomerName, r.CustomerPhone, r.Address = "", "", "" },
		// Products and stock are checked when the order is placed, which
		// knows the store's products.
		"UnknownProduct": func(r *msgcenter.OrderRequest) { r.Items[0].ProductID = 999999 },
		"NoRoom":         func(r *msgcenter.OrderRequest) { r.RoomID = nil },
	})
}
