package receipt

import (
	"strconv"
	"time"

	"github.com/qiscus/msgcenter"
)

// PaymentMethodName returns the customer-facing name of a payment method
// code in lang; an unknown code is shown as it is.
func PaymentMethodName(code string, lang msgcenter.Language) string {
	id := lang == msgcenter.LanguageIndonesian
	switch code {
	case "bank_transfer":
		if id {
			return "Transfer bank"
		}
		return "Bank transfer"
	case "qris":
		return "QRIS"
	case "ewallet":
		if id {
			return "Dompet digital"
		}
		return "E-wallet"
	case "cod":
		if id {
			return "Bayar di tempat (COD)"
		}
		return "Cash on delivery"
	}
	return code
}

// DeliveryMethodName returns the customer-facing name of a delivery method
// code in lang; an unknown code is shown as it is.
func DeliveryMethodName(code string, lang msgcenter.Language) string {
	if lang == msgcenter.LanguageIndonesian {
		switch code {
		case "pickup":
			return "Ambil di toko"
		case "regular":
			return "Pengiriman reguler"
		case "instant":
			return "Kurir instan"
		}
	}
	if m, ok := msgcenter.FindDeliveryMethod(code); ok {
		return m.Name
	}
	return code
}

var monthsID = [...]string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"}

// FormatTime formats t in the store's time zone for lang, such as
// "2 Jan 2026, 14:05 WIB" (English) or "2 Agu 2026 14.05 WIB" (Indonesian).
// An unknown time zone falls back to UTC.
func FormatTime(t time.Time, timeZone string, lang msgcenter.Language) string {
	loc, err := time.LoadLocation(timeZone)
	if err != nil || timeZone == "" {
		loc = time.UTC
	}
	t = t.In(loc)
	if lang == msgcenter.LanguageIndonesian {
		return strconv.Itoa(t.Day()) + " " + monthsID[t.Month()-1] + " " + strconv.Itoa(t.Year()) + " " + t.Format("15.04 MST")
	}
	return t.Format("2 Jan 2006, 15:04 MST")
}

// OrderNumber returns the order number as customers see it: "#1042".
func OrderNumber(o *msgcenter.Order) string { return "#" + strconv.FormatInt(o.Number, 10) }

// labels are the words of the PDF in one language.
type labels struct {
	Receipt, OrderNumber, OrderDate, PaymentDate, PaymentMethod, PaymentStatus string
	Customer, Phone, Address                                                   string
	Item, Qty, UnitPrice, Total                                                string
	Subtotal, Delivery, ServiceFee, GrandTotal                                 string
	Paid, Thanks, Page                                                         string
}

func labelsFor(lang msgcenter.Language) *labels {
	if lang == msgcenter.LanguageIndonesian {
		return &labels{
			Receipt: "Struk", OrderNumber: "No. pesanan", OrderDate: "Tanggal pesanan", PaymentDate: "Tanggal pembayaran",
			PaymentMethod: "Metode pembayaran", PaymentStatus: "Status pembayaran",
			Customer: "Pelanggan", Phone: "Telepon", Address: "Alamat",
			Item: "Produk", Qty: "Jml", UnitPrice: "Harga satuan", Total: "Total",
			Subtotal: "Subtotal produk", Delivery: "Pengiriman", ServiceFee: "Biaya layanan", GrandTotal: "Total bayar",
			Paid: "Lunas", Thanks: "Terima kasih telah berbelanja di %s.", Page: "Halaman",
		}
	}
	return &labels{
		Receipt: "Receipt", OrderNumber: "Order number", OrderDate: "Order date", PaymentDate: "Payment date",
		PaymentMethod: "Payment method", PaymentStatus: "Payment status",
		Customer: "Customer", Phone: "Phone", Address: "Address",
		Item: "Item", Qty: "Qty", UnitPrice: "Unit price", Total: "Total",
		Subtotal: "Subtotal", Delivery: "Delivery", ServiceFee: "Service fee", GrandTotal: "Grand total",
		Paid: "Paid", Thanks: "Thank you for shopping at %s.", Page: "Page",
	}
}
