package http

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

// qtyPrefix names a cart line in the microsite's forms: qty_{product id}.
const qtyPrefix = "qty_"

// parseCart reads the qty_{id} fields of a form into cart lines, in the
// order of the ids.
func parseCart(form url.Values) ([]msgcenter.CartItem, map[int64]int) {
	qty := map[int64]int{}
	var items []msgcenter.CartItem
	for key, vals := range form {
		idText, ok := strings.CutPrefix(key, qtyPrefix)
		if !ok || len(vals) == 0 {
			continue
		}
		id, err := strconv.ParseInt(idText, 10, 64)
		n, err2 := strconv.Atoi(strings.TrimSpace(vals[0]))
		if err != nil || err2 != nil || id <= 0 || n <= 0 {
			continue
		}
		qty[id] += min(n, 1000)
	}
	for id, n := range qty {
		items = append(items, msgcenter.CartItem{ProductID: id, Quantity: n})
	}
	slices.SortFunc(items, func(a, b msgcenter.CartItem) int { return cmp.Compare(a.ProductID, b.ProductID) })
	return items, qty
}

// handleMicrositeCheckout answers POST /s/{slug}/checkout: from a valid
// personalised link it starts (or restarts) the room's checkout and sends
// the customer to its resume URL; otherwise it shows the plain checkout form.
func (s *Server) handleMicrositeCheckout(w http.ResponseWriter, r *http.Request) {
	st, ok := s.micrositeStore(w, r)
	if !ok || !s.readForm(w, r) {
		return
	}
	link, invalid, err := s.micrositeLink(r.Context(), st, r.PostForm.Get("t"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	items, qty := parseCart(r.PostForm)
	if len(items) == 0 {
		p, err := s.newMicrositePage(r.Context(), st, link, qty)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		p.Error = i18n.For(storeLang(st)).T("shop.cart_empty")
		if invalid {
			p.Notice = i18n.For(storeLang(st)).T("shop.invalid_link")
		}
		s.renderPage(w, r, http.StatusUnprocessableEntity, "microsite.html", p)
		return
	}
	if link != nil && link.RoomID != nil {
		c, err := s.Orders.StartCheckout(r.Context(), st.ID, *link.RoomID, items)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		http.Redirect(w, r, sitePath(msgcenter.CheckoutPath(st.Slug, c.Token)), http.StatusSeeOther)
		return
	}
	p, err := s.newCheckoutPage(r.Context(), st, items, "")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p.Action = sitePath(msgcenter.PlainOrderPath(st.Slug))
	p.Hidden = items
	if link != nil {
		p.Name, p.Token = link.CustomerName, link.Token
	}
	if invalid {
		p.Notice = i18n.For(storeLang(st)).T("shop.invalid_link")
	}
	s.renderPage(w, r, http.StatusOK, "checkout.html", p)
}
