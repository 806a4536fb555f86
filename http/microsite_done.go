package http

import (
	"net/http"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/receipt"
)

// confirmationPage is what the customer sees once the order is placed.
type confirmationPage struct {
	Title, Lang string
	Scripts     []string
	StoreName   string
	Number      string
	GrandTotal  string
	Payment     string
	Delivery    string
	OrderURL    string
	ShopURL     string
	// Story is what the order's chat was actually sent, and how to pay.
	Story orderStory
}

// handleOrderConfirmation answers GET /s/{slug}/orders/{token}: the order
// was placed; the order page has its details.
func (s *Server) handleOrderConfirmation(w http.ResponseWriter, r *http.Request) {
	st, ok := s.micrositeStore(w, r)
	if !ok {
		return
	}
	token := r.PathValue("token")
	notFound := msgcenter.Errorf(msgcenter.ENOTFOUND, "Order not found.")
	if !validToken(token) {
		s.Error(w, r, notFound)
		return
	}
	o, err := s.Commerce.FindOrderByToken(r.Context(), token)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND || (err == nil && o.StoreID != st.ID) {
		err = notFound
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	lang := storeLang(st)
	p := &confirmationPage{
		Title: i18n.For(lang).T("done.page_title", st.Name), Lang: string(lang), StoreName: st.Name,
		Number: receipt.OrderNumber(o), GrandTotal: s.money(st)(o.GrandTotal),
		Payment:  receipt.PaymentMethodName(o.PaymentMethod, lang),
		Delivery: receipt.DeliveryMethodName(o.DeliveryMethod, lang),
		OrderURL: sitePath(msgcenter.OrderDetailsPath(o.Token)), ShopURL: sitePath(msgcenter.ShopPath(st.Slug)),
	}
	if p.Story, err = s.newOrderStory(r.Context(), st, o); err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderPage(w, r, http.StatusOK, "checkout_done.html", p)
}
