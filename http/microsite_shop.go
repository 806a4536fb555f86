package http

import (
	"context"
	"net/http"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

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
	// Action is where the cart form posts to start a checkout.
	Action string
	// Token is the personalised link's token, only when it is valid.
	Token        string
	CustomerName string
	Notice       string
	Error        string
	Locale       string
	Currency     string
	Products     []micrositeProduct
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
		StoreName: st.Name, Address: st.Address, Action: sitePath(msgcenter.CheckoutStartPath(st.Slug)),
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
