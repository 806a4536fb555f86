package http

import (
	"net/http"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/render"
)

// sampleOrder is the order a test message tells of (render.SampleData),
// as the store's sample pages show it: placed on the order page, paid on
// the receipt page. It exists nowhere else.
func (s *Server) sampleOrder(st *msgcenter.Store, status msgcenter.OrderStatus) *msgcenter.Order {
	d := render.SampleData(st.Name, s.publicLink(""))
	now := s.Now().UTC()
	o := &msgcenter.Order{
		StoreID: st.ID, Number: d.OrderNumber, CustomerName: d.CustomerName, CustomerPhone: "+6281234567890",
		Address: "Jl. Contoh No. 1", DeliveryMethod: "regular", PaymentMethod: "bank_transfer",
		Subtotal: d.ProductSubtotal, DeliveryFee: d.DeliveryFee, ServiceFee: d.ServiceFee, GrandTotal: d.GrandTotal,
		Status: status, CreatedAt: now, UpdatedAt: now,
	}
	for _, it := range d.Items {
		o.Items = append(o.Items, msgcenter.OrderItem{Name: it.Name, Quantity: it.Quantity, UnitPrice: it.UnitPrice})
	}
	if status == msgcenter.OrderPaid {
		o.PaidAt = &now
	}
	return o
}

// handleSamplePage answers GET /s/{slug}/sample/{page}: the store's sample
// order page ("order") or receipt page ("receipt"), which the button of a
// test message opens. The page is the customer's page filled with the
// sample order (unpaid, by bank transfer, so the order page shows how the
// store's customers are told to pay) and says at its top that it is a
// sample; it has no PDF.
func (s *Server) handleSamplePage(w http.ResponseWriter, r *http.Request) {
	st, ok := s.micrositeStore(w, r)
	if !ok {
		return
	}
	lang := storeLang(st)
	var (
		p    *orderPage
		name string
	)
	switch r.PathValue("page") {
	case msgcenter.SampleOrderPage:
		o := s.sampleOrder(st, msgcenter.OrderPlaced)
		p, name = s.newOrderPage(st, o, "order.details"), "order.html"
		// How the store's bank transfer customers are told to pay.
		p.Story.Pay = payInstructions(st, o)
	case msgcenter.SampleReceiptPage:
		p, name = s.newOrderPage(st, s.sampleOrder(st, msgcenter.OrderPaid), "receipt.title"), "receipt.html"
	default:
		s.Error(w, r, msgcenter.Errorf(msgcenter.ENOTFOUND, "Page not found."))
		return
	}
	p.Sample, p.HoldNote = true, ""
	p.Title = i18n.For(lang).T("sample.title") + " · " + p.Title
	p.OrderURL = sitePath(msgcenter.SamplePagePath(st.Slug, msgcenter.SampleOrderPage))
	p.ReceiptURL = sitePath(msgcenter.SamplePagePath(st.Slug, msgcenter.SampleReceiptPage))
	p.ReceiptPDF = ""
	s.renderPage(w, r, http.StatusOK, name, p)
}
