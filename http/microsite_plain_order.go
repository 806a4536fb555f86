package http

import (
	"net/http"

	"github.com/qiscus/msgcenter"
)

// handlePlainOrder answers POST /s/{slug}/order: an order from the plain
// microsite, which has no room unless its phone matches one of the store's.
func (s *Server) handlePlainOrder(w http.ResponseWriter, r *http.Request) {
	st, ok := s.micrositeStore(w, r)
	if !ok || !s.readForm(w, r) {
		return
	}
	items, _ := parseCart(r.PostForm)
	req := &msgcenter.OrderRequest{Items: items}
	orderForm(r.PostForm, req)
	token := r.PostForm.Get("t")
	if !validToken(token) {
		token = ""
	}
	s.placeOrder(w, r, st, req, func(delivery string) (*checkoutPage, error) {
		p, err := s.newCheckoutPage(r.Context(), st, items, delivery)
		if err == nil {
			p.Action, p.Hidden, p.Token = sitePath(msgcenter.PlainOrderPath(st.Slug)), items, token
		}
		return p, err
	}, token)
}
