package http

import (
	"net/http"

	"github.com/qiscus/msgcenter"
)

// failedPage shows the products a checkout could not process.
type failedPage struct {
	Title, Lang string
	Scripts     []string
	StoreName   string
	Reason      string
	Lines       []checkoutLine
	ShopURL     string
}

// renderFailed shows the products the checkout could not process; the
// room, if any, gets order_failed with a fresh link.
func (s *Server) renderFailed(w http.ResponseWriter, r *http.Request, st *msgcenter.Store, fc *msgcenter.FailedCheckout, token string) {
	money := s.money(st)
	p := &failedPage{Title: "Order not created · " + st.Name, Lang: string(storeLang(st)), StoreName: st.Name,
		ShopURL: sitePath(msgcenter.ShopPath(st.Slug))}
	if token != "" {
		p.ShopURL = sitePath(msgcenter.MicrositeLinkPath(st.Slug, token))
	}
	reasons := map[string]string{"out_of_stock": "out of stock", "inactive": "no longer sold", "unknown": "not found",
		"checkout_error": "checkout error"}
	for _, u := range fc.Unprocessed {
		name := u.Name
		if name == "" {
			name = "Unknown product"
		}
		p.Lines = append(p.Lines, checkoutLine{ProductID: u.ProductID, Name: name, Quantity: u.Quantity,
			UnitPrice: money(u.UnitPrice), Total: money(u.UnitPrice * int64(u.Quantity)), Reason: reasons[u.Reason]})
	}
	s.renderPage(w, r, http.StatusConflict, "checkout_failed.html", p)
}
