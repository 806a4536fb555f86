package http

import (
	"fmt"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/receipt"
)

// customerText holds the words of the customer pages in one language.
type customerText struct {
	Order, Receipt, OrderNumber, OrderDate, PaymentDate, Status              string
	Items, Qty, Subtotal, Delivery, ServiceFee, GrandTotal                   string
	Payment, PaymentMethod, PaymentStatus, Customer, Phone, Address          string
	ViewReceipt, Download, BackToOrder, ReceiptLater                         string
	StatusPlaced, StatusPaid, StatusCancelled, StatusRefunded, StatusExpired string
	// HoldUntil and HeldExpired say when an unpaid order gives its items
	// back (%s is the time).
	HoldUntil, HeldExpired                                                  string
	Paid, Unpaid, Refunded                                                  string
	OrderNotFound, ReceiptUnavailable, ReceiptUnavailableTitle, ThanksStore string
}

// customerTexts is the one table of the customer pages' words, by language.
var customerTexts = map[msgcenter.Language]*customerText{
	msgcenter.LanguageEnglish: {
		Order: "Order details", Receipt: "Receipt", OrderNumber: "Order number", OrderDate: "Order date",
		PaymentDate: "Payment date", Status: "Status",
		Items: "Items", Qty: "Qty", Subtotal: "Subtotal", Delivery: "Delivery", ServiceFee: "Service fee",
		GrandTotal: "Grand total",
		Payment:    "Payment", PaymentMethod: "Payment method", PaymentStatus: "Payment status",
		Customer: "Customer", Phone: "Phone", Address: "Address",
		ViewReceipt: "View Order Receipt", Download: "Download", BackToOrder: "Back to order",
		ReceiptLater: "The receipt is available once the order is paid.",
		StatusPlaced: "Waiting for payment", StatusPaid: "Paid", StatusCancelled: "Cancelled", StatusRefunded: "Refunded",
		StatusExpired: "Expired",
		HoldUntil:     "Your items are reserved until %s. Unpaid by then, the order expires and they are released.",
		HeldExpired:   "This order was not paid in time and expired at %s; its items were released.",
		Paid:          "Paid", Unpaid: "Unpaid", Refunded: "Refunded",
		OrderNotFound: "Order not found.", ReceiptUnavailableTitle: "Receipt not available",
		ReceiptUnavailable: "The receipt is available once the order is paid.",
		ThanksStore:        "Thank you for shopping at %s.",
	},
	msgcenter.LanguageIndonesian: {
		Order: "Detail pesanan", Receipt: "Struk", OrderNumber: "No. pesanan", OrderDate: "Tanggal pesanan",
		PaymentDate: "Tanggal pembayaran", Status: "Status",
		Items: "Produk", Qty: "Jml", Subtotal: "Subtotal produk", Delivery: "Pengiriman", ServiceFee: "Biaya layanan",
		GrandTotal: "Total bayar",
		Payment:    "Pembayaran", PaymentMethod: "Metode pembayaran", PaymentStatus: "Status pembayaran",
		Customer: "Pelanggan", Phone: "Telepon", Address: "Alamat",
		ViewReceipt: "Lihat Struk Pesanan", Download: "Unduh", BackToOrder: "Kembali ke pesanan",
		ReceiptLater: "Struk tersedia setelah pesanan dibayar.",
		StatusPlaced: "Menunggu pembayaran", StatusPaid: "Lunas", StatusCancelled: "Dibatalkan", StatusRefunded: "Dana dikembalikan",
		StatusExpired: "Kedaluwarsa",
		HoldUntil:     "Produk Anda dipesan hingga %s. Jika belum dibayar saat itu, pesanan kedaluwarsa dan produk dilepas.",
		HeldExpired:   "Pesanan ini tidak dibayar tepat waktu dan kedaluwarsa pada %s; produknya telah dilepas.",
		Paid:          "Lunas", Unpaid: "Belum dibayar", Refunded: "Dana dikembalikan",
		OrderNotFound: "Pesanan tidak ditemukan.", ReceiptUnavailableTitle: "Struk belum tersedia",
		ReceiptUnavailable: "Struk tersedia setelah pesanan dibayar.",
		ThanksStore:        "Terima kasih telah berbelanja di %s.",
	},
}

// textFor returns the customer pages' words in lang, English when lang is
// not supported.
func textFor(lang msgcenter.Language) *customerText {
	if t, ok := customerTexts[lang]; ok {
		return t
	}
	return customerTexts[msgcenter.LanguageEnglish]
}

// statusText returns the human words for an order status.
func (t *customerText) statusText(s msgcenter.OrderStatus) string {
	switch s {
	case msgcenter.OrderPlaced:
		return t.StatusPlaced
	case msgcenter.OrderPaid:
		return t.StatusPaid
	case msgcenter.OrderCancelled:
		return t.StatusCancelled
	case msgcenter.OrderRefunded:
		return t.StatusRefunded
	case msgcenter.OrderExpired:
		return t.StatusExpired
	}
	return string(s)
}

// holdNote says, for an unpaid order, until when its items are held, and
// for an expired one, when they were released; "" for any other order.
func (t *customerText) holdNote(o *msgcenter.Order, timeZone string, lang msgcenter.Language) string {
	switch {
	case o.Status == msgcenter.OrderPlaced && o.ReleaseAt != nil:
		return fmt.Sprintf(t.HoldUntil, receipt.FormatTime(*o.ReleaseAt, timeZone, lang))
	case o.Status == msgcenter.OrderExpired && o.ReleaseAt != nil:
		return fmt.Sprintf(t.HeldExpired, receipt.FormatTime(o.UpdatedAt, timeZone, lang))
	}
	return ""
}

// paymentState returns whether the customer's money is with the store.
func (t *customerText) paymentState(o *msgcenter.Order) string {
	switch {
	case o.Status == msgcenter.OrderRefunded:
		return t.Refunded
	case o.Status == msgcenter.OrderPaid || o.PaidAt != nil:
		return t.Paid
	}
	return t.Unpaid
}
