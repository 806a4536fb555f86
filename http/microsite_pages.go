package http

import (
	"cmp"
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/receipt"
	"github.com/qiscus/msgcenter/render"
)

// qtyPrefix names a cart line in the microsite's forms: qty_{product id}.
const qtyPrefix = "qty_"

// micrositeProduct is one product as the microsite shows it.
type micrositeProduct struct {
	ID        int64
	Name      string
	Price     string
	PriceRaw  int64
	Stock     int
	Available bool
	Qty       int
}

// micrositePage is the store's shop: its products and the cart form.
type micrositePage struct {
	Title, Lang string
	Scripts     []string
	StoreName   string
	Address     string
	Slug        string
	// Token is the personalised link's token, only when it is valid.
	Token        string
	CustomerName string
	Notice       string
	Error        string
	Locale       string
	Currency     string
	Products     []micrositeProduct
}

// checkoutLine is one cart line on the checkout page.
type checkoutLine struct {
	ProductID int64
	Name      string
	Quantity  int
	UnitPrice string
	Total     string
	Available bool
	Reason    string
}

// checkoutOption is one delivery or payment method on the checkout page;
// Fee and Total are already formatted, so the page's script only swaps text.
type checkoutOption struct {
	Code, Name string
	Fee, Total string
	FeeRaw     int64
	Checked    bool
}

// checkoutPage is the checkout form, or what became of it.
type checkoutPage struct {
	Title, Lang string
	Scripts     []string
	StoreName   string
	Slug        string
	// Action is where the form posts; Hidden carries a plain cart.
	Action      string
	Hidden      []msgcenter.CartItem
	Token       string
	Lines       []checkoutLine
	Subtotal    string
	DeliveryFee string
	ServiceFee  string
	GrandTotal  string
	Deliveries  []checkoutOption
	Payments    []checkoutOption
	Name        string
	Phone       string
	Address     string
	Fields      map[string]string
	Error       string
	Notice      string
	// Closed is set when the checkout can no longer be completed.
	Closed   bool
	ShopURL  string
	Personal bool
}

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
}

// failedPage shows the products a checkout could not process.
type failedPage struct {
	Title, Lang string
	Scripts     []string
	StoreName   string
	Reason      string
	Lines       []checkoutLine
	ShopURL     string
}

// micrositeStore finds the store of {slug}, answering 404 itself.
func (s *Server) micrositeStore(w http.ResponseWriter, r *http.Request) (*msgcenter.Store, bool) {
	// Personalised links and checkout tokens are secrets.
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	st, err := s.Stores.FindStoreBySlug(r.Context(), r.PathValue("slug"))
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		err = msgcenter.Errorf(msgcenter.ENOTFOUND, "Shop not found.")
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	return st, true
}

func storeLang(st *msgcenter.Store) msgcenter.Language {
	if st.Language.Valid() {
		return st.Language
	}
	return msgcenter.LanguageEnglish
}

func (s *Server) money(st *msgcenter.Store) func(int64) string {
	lang := storeLang(st)
	return func(n int64) string { return render.FormatMoney(n, st.Currency, lang) }
}

// micrositeLink returns the valid personalised link of token for the store,
// nil for none; invalid reports a token that was given but is not valid
// (unknown, expired, forged, another store's).
func (s *Server) micrositeLink(ctx context.Context, st *msgcenter.Store, token string) (link *msgcenter.MicrositeLink, invalid bool, err error) {
	if token == "" {
		return nil, false, nil
	}
	if !validToken(token) {
		return nil, true, nil
	}
	l, err := s.Microsite.FindMicrositeLink(ctx, st.ID, token)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		return nil, true, nil
	} else if err != nil {
		return nil, false, err
	}
	return l, false, nil
}

// handleMicrosite answers GET /s/{slug} and /s/{slug}?t={token}.
func (s *Server) handleMicrosite(w http.ResponseWriter, r *http.Request) {
	st, ok := s.micrositeStore(w, r)
	if !ok {
		return
	}
	link, invalid, err := s.micrositeLink(r.Context(), st, r.URL.Query().Get("t"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.newMicrositePage(r.Context(), st, link, nil)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if invalid {
		p.Notice = i18n.For(storeLang(st)).T("shop.invalid_link")
	}
	s.renderPage(w, r, http.StatusOK, "microsite.html", p)
}

func (s *Server) newMicrositePage(ctx context.Context, st *msgcenter.Store, link *msgcenter.MicrositeLink, cart map[int64]int) (*micrositePage, error) {
	products, err := s.Commerce.FindProducts(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	money := s.money(st)
	p := &micrositePage{
		Title: st.Name, Lang: string(storeLang(st)), Scripts: []string{"microsite.js"},
		StoreName: st.Name, Address: st.Address, Slug: st.Slug,
		Locale: storeLang(st).Locale(), Currency: st.Currency,
	}
	if link != nil {
		p.Token, p.CustomerName = link.Token, link.CustomerName
	}
	for _, pr := range products {
		if !pr.Active {
			continue
		}
		p.Products = append(p.Products, micrositeProduct{
			ID: pr.ID, Name: pr.Name, Price: money(pr.Price), PriceRaw: pr.Price,
			Stock: pr.Stock, Available: pr.Stock > 0, Qty: min(cart[pr.ID], pr.Stock),
		})
	}
	return p, nil
}

// renderPage renders a customer page, or the error page when it fails.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if err := s.pages.render(w, status, name, data); err != nil {
		s.Error(w, r, err)
	}
}

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

// readForm parses a page form, answering the error itself.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.Error(w, r, err) // answered 413 by the error table
			return false
		}
		s.Error(w, r, msgcenter.Errorf(ebadrequest, "The form could not be read."))
		return false
	}
	return true
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
		http.Redirect(w, r, "/s/"+url.PathEscape(st.Slug)+"/checkout/"+url.PathEscape(c.Token), http.StatusSeeOther)
		return
	}
	p, err := s.newCheckoutPage(r.Context(), st, items, "")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p.Action = "/s/" + st.Slug + "/order"
	p.Hidden = items
	if link != nil {
		p.Name, p.Token = link.CustomerName, link.Token
	}
	if invalid {
		p.Notice = i18n.For(storeLang(st)).T("shop.invalid_link")
	}
	s.renderPage(w, r, http.StatusOK, "checkout.html", p)
}

// newCheckoutPage prices the cart at today's prices for the form.
func (s *Server) newCheckoutPage(ctx context.Context, st *msgcenter.Store, items []msgcenter.CartItem, delivery string) (*checkoutPage, error) {
	products, err := s.Commerce.FindProducts(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*msgcenter.Product{}
	for _, pr := range products {
		byID[pr.ID] = pr
	}
	money := s.money(st)
	lang := storeLang(st)
	p := &checkoutPage{
		Title: i18n.For(lang).T("checkout.page_title", st.Name), Lang: string(lang), Scripts: []string{"microsite.js"},
		StoreName: st.Name, Slug: st.Slug, ServiceFee: money(msgcenter.ServiceFee),
		ShopURL: "/s/" + st.Slug,
	}
	var subtotal int64
	for _, it := range items {
		t := i18n.For(lang).T
		line := checkoutLine{ProductID: it.ProductID, Quantity: it.Quantity, Name: t("checkout.unknown_product"), Reason: t("reason.inactive")}
		if pr, ok := byID[it.ProductID]; ok {
			line.Name, line.UnitPrice, line.Total = pr.Name, money(pr.Price), money(pr.Price*int64(it.Quantity))
			switch {
			case !pr.Active:
				line.Reason = t("reason.inactive")
			case pr.Stock < it.Quantity:
				line.Reason = t("checkout.only_left", pr.Stock)
			default:
				line.Available, line.Reason = true, ""
				subtotal += pr.Price * int64(it.Quantity)
			}
		}
		p.Lines = append(p.Lines, line)
	}
	p.Subtotal = money(subtotal)
	if _, ok := msgcenter.FindDeliveryMethod(delivery); !ok {
		delivery = "regular"
	}
	for _, m := range msgcenter.DeliveryMethods() {
		o := checkoutOption{Code: m.Code, Name: receipt.DeliveryMethodName(m.Code, lang), FeeRaw: m.Fee,
			Fee: money(m.Fee), Total: money(subtotal + m.Fee + msgcenter.ServiceFee), Checked: m.Code == delivery}
		if o.Checked {
			p.DeliveryFee, p.GrandTotal = o.Fee, o.Total
		}
		p.Deliveries = append(p.Deliveries, o)
	}
	for i, code := range msgcenter.PaymentMethods() {
		p.Payments = append(p.Payments, checkoutOption{Code: code, Name: receipt.PaymentMethodName(code, lang), Checked: i == 0})
	}
	return p, nil
}

// checkPayment marks the submitted payment method on the form.
func (p *checkoutPage) checkPayment(code string) {
	if !msgcenter.ValidPaymentMethod(code) {
		return
	}
	for i := range p.Payments {
		p.Payments[i].Checked = p.Payments[i].Code == code
	}
}

// checkoutByToken finds the store's checkout of {token}, answering 404 itself.
func (s *Server) checkoutByToken(w http.ResponseWriter, r *http.Request, st *msgcenter.Store) (*msgcenter.Checkout, bool) {
	token := r.PathValue("token")
	notFound := msgcenter.Errorf(msgcenter.ENOTFOUND, "Checkout not found.")
	if !validToken(token) {
		s.Error(w, r, notFound)
		return nil, false
	}
	c, err := s.Microsite.FindCheckoutByToken(r.Context(), st.ID, token)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		err = notFound
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	return c, true
}

// resumePage is the checkout form of a checkout session, with the room's
// customer prefilled.
func (s *Server) resumePage(ctx context.Context, st *msgcenter.Store, c *msgcenter.Checkout, delivery string) (*checkoutPage, error) {
	p, err := s.newCheckoutPage(ctx, st, c.Items, delivery)
	if err != nil {
		return nil, err
	}
	p.Action = "/s/" + st.Slug + "/checkout/" + c.Token
	p.Personal = true
	if room, err := s.Commerce.FindRoom(ctx, st.ID, c.RoomID); err == nil {
		p.Name, p.Phone = room.CustomerName, room.CustomerPhone
	} else if msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
		return nil, err
	}
	switch c.Status {
	case msgcenter.CheckoutCompleted:
		p.Closed, p.Notice = true, i18n.For(storeLang(st)).T("checkout.complete")
	case msgcenter.CheckoutFailed, msgcenter.CheckoutReplaced:
		p.Closed, p.Notice = true, i18n.For(storeLang(st)).T("checkout.closed")
	}
	return p, nil
}

// handleCheckoutPage answers GET /s/{slug}/checkout/{token}: the resume URL.
func (s *Server) handleCheckoutPage(w http.ResponseWriter, r *http.Request) {
	st, ok := s.micrositeStore(w, r)
	if !ok {
		return
	}
	c, ok := s.checkoutByToken(w, r, st)
	if !ok {
		return
	}
	p, err := s.resumePage(r.Context(), st, c, "")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.renderPage(w, r, http.StatusOK, "checkout.html", p)
}

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
			p.Action, p.Hidden, p.Token = "/s/"+st.Slug+"/order", items, token
		}
		return p, err
	}, token)
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
		p.Error, p.Fields = msgcenter.ErrorMessage(err), msgcenter.ErrorFields(err)
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
	http.Redirect(w, r, "/s/"+url.PathEscape(st.Slug)+"/orders/"+url.PathEscape(order.Token), http.StatusSeeOther)
}

// renderFailed shows the products the checkout could not process; the
// room, if any, gets order_failed with a fresh link.
func (s *Server) renderFailed(w http.ResponseWriter, r *http.Request, st *msgcenter.Store, fc *msgcenter.FailedCheckout, token string) {
	money := s.money(st)
	p := &failedPage{Title: i18n.For(storeLang(st)).T("failed.page_title", st.Name), Lang: string(storeLang(st)), StoreName: st.Name,
		ShopURL: "/s/" + st.Slug}
	if token != "" {
		p.ShopURL += "?t=" + url.QueryEscape(token)
	}
	t := i18n.For(storeLang(st)).T
	for _, u := range fc.Unprocessed {
		name := u.Name
		if name == "" {
			name = t("checkout.unknown_product")
		}
		p.Lines = append(p.Lines, checkoutLine{ProductID: u.ProductID, Name: name, Quantity: u.Quantity,
			UnitPrice: money(u.UnitPrice), Total: money(u.UnitPrice * int64(u.Quantity)), Reason: failReason(u.Reason, t)})
	}
	s.renderPage(w, r, http.StatusConflict, "checkout_failed.html", p)
}

// failReason is why a product could not be ordered, in words; an unknown
// reason code is shown as it is.
func failReason(code string, t func(string, ...any) string) string {
	if !i18n.Has("reason." + code) {
		return code
	}
	return t("reason." + code)
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
		OrderURL: "/order/" + o.Token, ShopURL: "/s/" + st.Slug,
	}
	s.renderPage(w, r, http.StatusOK, "checkout_done.html", p)
}
