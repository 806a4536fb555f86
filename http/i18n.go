package http

import "github.com/qiscus/msgcenter"

// customerText holds the words of the customer pages in one language.
type customerText struct {
	Order, Receipt, OrderNumber, OrderDate, PaymentDate, Status             string
	Items, Qty, Subtotal, Delivery, ServiceFee, GrandTotal                  string
	Payment, PaymentMethod, PaymentStatus, Customer, Phone, Address         string
	ViewReceipt, Download, BackToOrder, ReceiptLater                        string
	StatusPlaced, StatusPaid, StatusCancelled, StatusRefunded               string
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
		Paid: "Paid", Unpaid: "Unpaid", Refunded: "Refunded",
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
		Paid: "Lunas", Unpaid: "Belum dibayar", Refunded: "Dana dikembalikan",
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
	}
	return string(s)
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
