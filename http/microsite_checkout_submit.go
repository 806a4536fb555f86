package http

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

// orderForm reads the checkout form's customer and method fields into req.
func orderForm(form url.Values, req *msgcenter.OrderRequest) {
	req.CustomerName = strings.TrimSpace(form.Get("name"))
	req.CustomerPhone = strings.Join(strings.Fields(form.Get("phone")), "")
	req.Address = strings.TrimSpace(form.Get("address"))
	req.DeliveryMethod = form.Get("delivery_method")
	req.PaymentMethod = form.Get("payment_method")
}

// requiredFields checks what the form needs beyond OrderRequest.Validate,
// saying so in lang.
func requiredFields(req *msgcenter.OrderRequest, lang msgcenter.Language) error {
	t := i18n.For(lang).T
	fields := map[string]string{}
	if req.CustomerName == "" {
		fields["customer_name"] = t("checkout.missing_name")
	}
	if req.CustomerPhone == "" {
		fields["customer_phone"] = t("checkout.missing_phone")
	}
	if req.Address == "" && req.DeliveryMethod != "pickup" {
		fields["address"] = t("checkout.missing_address")
	}
	if len(fields) > 0 {
		return msgcenter.Invalid(t("checkout.missing_details"), fields)
	}
	return nil
}

// handleCheckoutPlace answers POST /s/{slug}/checkout/{token}: the order of
// a checkout session, for its room.
func (s *Server) handleCheckoutPlace(w http.ResponseWriter, r *http.Request) {
	st, ok := s.micrositeStore(w, r)
	if !ok || !s.readForm(w, r) {
		return
	}
	c, ok := s.checkoutByToken(w, r, st)
	if !ok {
		return
	}
	if c.Status == msgcenter.CheckoutCompleted || c.Status == msgcenter.CheckoutFailed || c.Status == msgcenter.CheckoutReplaced {
		p, err := s.resumePage(r.Context(), st, c, "")
		if err != nil {
			s.Error(w, r, err)
			return
		}
		s.renderPage(w, r, http.StatusConflict, "checkout.html", p)
		return
	}
	req := &msgcenter.OrderRequest{RoomID: &c.RoomID, CheckoutID: &c.ID, Items: c.Items}
	orderForm(r.PostForm, req)
	s.placeOrder(w, r, st, req, func(delivery string) (*checkoutPage, error) {
		return s.resumePage(r.Context(), st, c, delivery)
	}, "")
}

// placeOrder places req; a form error shows the form again with the
// customer's input, a failed checkout shows what could not be processed,
// and an order goes to its confirmation page.
func (s *Server) placeOrder(w http.ResponseWriter, r *http.Request, st *msgcenter.Store, req *msgcenter.OrderRequest,
	form func(delivery string) (*checkoutPage, error), token string) {
	t := i18n.For(storeLang(st)).T
	err := requiredFields(req, storeLang(st))
	if err == nil && len(req.Items) == 0 {
		err = msgcenter.Invalid(t("checkout.cart_empty"), map[string]string{"items": t("checkout.cart_empty_field")})
	}
	var order *msgcenter.Order
	var failed *msgcenter.FailedCheckout
	if err == nil {
		order, failed, err = s.Orders.PlaceOrder(r.Context(), st.ID, req)
	}
	if msgcenter.ErrorCode(err) == msgcenter.EINVALID {
		p, ferr := form(req.DeliveryMethod)
		if ferr != nil {
			s.Error(w, r, ferr)
			return
		}
		p.Name, p.Phone, p.Address = req.CustomerName, req.CustomerPhone, req.Address
		p.checkPayment(req.PaymentMethod)
		p.Error, p.Fields = formErrors(err, storeLang(st))
		s.renderPage(w, r, http.StatusUnprocessableEntity, "checkout.html", p)
		return
	} else if err != nil {
		s.Error(w, r, err)
		return
	}
	if failed != nil {
		s.renderFailed(w, r, st, failed, token)
		return
	}
	http.Redirect(w, r, sitePath(msgcenter.OrderConfirmationPath(st.Slug, order.Token)), http.StatusSeeOther)
}

// formErrors is a refused order as the checkout form shows it, in lang: the
// fields the form offers as choices (the methods, the cart's lines) say
// what to do beside them, each line by its place in the cart; the others,
// and the message, are the domain's English told in lang (i18n.Translate).
func formErrors(err error, lang msgcenter.Language) (string, map[string]string) {
	t := i18n.For(lang).T
	msg, fields := i18n.Translate(lang, msgcenter.ErrorMessage(err)), map[string]string{}
	var lines []int
	said := false // a field in lang's words: the message says so too
	for name, text := range msgcenter.ErrorFields(err) {
		switch {
		case name == "delivery_method":
			fields[name], said = t("checkout.bad_delivery"), true
		case name == "payment_method":
			fields[name], said = t("checkout.bad_payment"), true
		case strings.HasPrefix(name, "items["):
			said = true
			n, _ := strconv.Atoi(strings.TrimPrefix(name[:strings.IndexByte(name, ']')], "items["))
			lines = append(lines, n+1)
		default:
			fields[name] = i18n.Translate(lang, text)
		}
	}
	if len(lines) > 0 {
		slices.Sort(lines)
		texts := make([]string, len(lines))
		for i, n := range lines {
			texts[i] = t("checkout.bad_line", n)
		}
		fields["items"] = strings.Join(texts, " ")
	}
	if said {
		msg = t("checkout.fix_below")
	}
	return msg, fields
}
