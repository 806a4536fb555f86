package http

import (
	"net/http"

	"github.com/qiscus/msgcenter"
)

// handlePlainOrder answers POST /s/{slug}/order: an order from the plain
// microsite. It holds no proof of any room (that is the personalised link's
// checkout), so it never joins one, whatever phone it types: the order is
// placed without a room, no chat message goes anywhere, and the customer
// sees the order's page.
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
