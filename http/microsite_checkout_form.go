package http

import (
	"context"
	"net/http"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/receipt"
)

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
		ShopURL: sitePath(msgcenter.ShopPath(st.Slug)),
	}
	var subtotal int64
	for _, it := range items {
		pr18 := i18n.For(lang)
		t := pr18.T
		line := checkoutLine{ProductID: it.ProductID, Quantity: it.Quantity, Name: t("checkout.unknown_product"),
			Reason: pr18.Unprocessed(msgcenter.UnprocessedUnknown)}
		if pr, ok := byID[it.ProductID]; ok {
			line.Name, line.UnitPrice, line.Total = pr.Name, money(pr.Price), money(pr.Price*int64(it.Quantity))
			switch {
			case !pr.Active:
				line.Reason = pr18.Unprocessed(msgcenter.UnprocessedInactive)
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
	p.Action = sitePath(msgcenter.CheckoutPath(st.Slug, c.Token))
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
