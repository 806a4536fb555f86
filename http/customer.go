package http

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/receipt"
	"github.com/qiscus/msgcenter/render"
)

// maxTokenLen bounds a customer token; longer ones are refused before any lookup.
const maxTokenLen = 100

// validToken reports whether s can be an order token: 1 to maxTokenLen
// base64url characters.
func validToken(s string) bool {
	if s == "" || len(s) > maxTokenLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// customerOrder finds the order of token and its store. It answers the
// 404 page itself, and returns false, for a malformed or unknown token.
func (s *Server) customerOrder(w http.ResponseWriter, r *http.Request, token string) (*msgcenter.Store, *msgcenter.Order, bool) {
	// The token is the secret: the answer must not be kept or indexed,
	// whichever it is.
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	notFound := msgcenter.Errorf(msgcenter.ENOTFOUND, "Order not found.")
	if !validToken(token) {
		s.Error(w, r, notFound)
		return nil, nil, false
	}
	if s.Commerce == nil || s.Stores == nil {
		s.Error(w, r, msgcenter.Errorf(msgcenter.ETEMPORARY, "Orders are not available right now."))
		return nil, nil, false
	}
	o, err := s.Commerce.FindOrderByToken(r.Context(), token)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		err = notFound
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, nil, false
	}
	st, err := s.Stores.FindStoreByID(r.Context(), o.StoreID)
	if err != nil {
		if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
			err = notFound
		}
		s.Error(w, r, err)
		return nil, nil, false
	}
	setPageStore(r.Context(), st)
	return st, o, true
}

// orderPage is what the order and receipt pages show, every value already
// formatted for the store's language.
type orderPage struct {
	Title, Lang string
	Scripts     []string // none: the customer pages need no JavaScript

	StoreName, StoreAddress string
	Number                  string
	OrderDate, PaymentDate  string
	Status, StatusClass     string
	PaymentMethod           string
	PaymentState            string
	CustomerName            string
	CustomerPhone, Address  string
	Items                   []itemLine
	Subtotal                string
	DeliveryMethod          string
	DeliveryFee             string
	ServiceFee              string
	GrandTotal              string
	Thanks                  string
	// HoldNote says until when an unpaid order's items are held.
	HoldNote string

	ReceiptAvailable                 bool
	OrderURL, ReceiptURL, ReceiptPDF string

	// Story is what the order's chat was sent and how to pay it; empty on
	// the receipt.
	Story orderStory

	// Sample marks a store's sample page (the button of a test message):
	// the page says so at its top and offers no PDF.
	Sample bool
}

// itemLine is one item of an order page.
type itemLine struct {
	Name      string
	Quantity  int
	UnitPrice string
	Total     string
}

func (s *Server) newOrderPage(st *msgcenter.Store, o *msgcenter.Order, titleKey string) *orderPage {
	lang := st.Language
	if !lang.Valid() {
		lang = msgcenter.LanguageEnglish
	}
	t := i18n.For(lang).T
	money := func(n int64) string { return render.FormatMoney(n, st.Currency, lang) }
	p := &orderPage{
		Title:            t(titleKey) + " " + receipt.OrderNumber(o) + " · " + st.Name,
		Lang:             string(lang),
		StoreName:        st.Name,
		StoreAddress:     st.Address,
		Number:           receipt.OrderNumber(o),
		OrderDate:        receipt.FormatTime(o.CreatedAt, st.TimeZone, lang),
		Status:           orderStatusText(o.Status, lang),
		StatusClass:      "status-" + string(o.Status),
		PaymentMethod:    receipt.PaymentMethodName(o.PaymentMethod, lang),
		PaymentState:     paymentState(o, lang),
		CustomerName:     o.CustomerName,
		CustomerPhone:    o.CustomerPhone,
		Address:          o.Address,
		Subtotal:         money(o.Subtotal),
		DeliveryMethod:   receipt.DeliveryMethodName(o.DeliveryMethod, lang),
		DeliveryFee:      money(o.DeliveryFee),
		ServiceFee:       money(o.ServiceFee),
		GrandTotal:       money(o.GrandTotal),
		Thanks:           t("receipt.thanks", st.Name),
		HoldNote:         holdNote(o, st.TimeZone, lang),
		ReceiptAvailable: o.Status.ReceiptAvailable(),
		OrderURL:         s.publicLink(msgcenter.OrderDetailsPath(o.Token)),
		ReceiptURL:       s.publicLink(msgcenter.ReceiptPath(o.Token)),
		ReceiptPDF:       s.publicLink(msgcenter.ReceiptPDFPath(o.Token)),
	}
	if o.PaidAt != nil {
		p.PaymentDate = receipt.FormatTime(*o.PaidAt, st.TimeZone, lang)
	}
	for _, it := range o.Items {
		p.Items = append(p.Items, itemLine{
			Name: it.Name, Quantity: it.Quantity, UnitPrice: money(it.UnitPrice), Total: money(it.LineTotal()),
		})
	}
	return p
}

// handleOrderPage answers GET /order/{token}: the order as the customer sees it.
func (s *Server) handleOrderPage(w http.ResponseWriter, r *http.Request) {
	st, o, ok := s.customerOrder(w, r, r.PathValue("token"))
	if !ok {
		return
	}
	p := s.newOrderPage(st, o, "order.details")
	var err error
	if p.Story, err = s.newOrderStory(r.Context(), st, o); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.pages.render(w, http.StatusOK, "order.html", p); err != nil {
		s.Error(w, r, err)
	}
}

// handleReceipt answers GET /receipt/{token} with the receipt page and
// GET /receipt/{token}.pdf with the receipt PDF.
func (s *Server) handleReceipt(w http.ResponseWriter, r *http.Request) {
	token, isPDF := strings.CutSuffix(r.PathValue("file"), msgcenter.ReceiptPDFExt)
	st, o, ok := s.customerOrder(w, r, token)
	if !ok {
		return
	}
	p := s.newOrderPage(st, o, "receipt.title")
	if !o.Status.ReceiptAvailable() {
		p.Title = i18n.For(msgcenter.Language(p.Lang)).T("receipt.unavailable_title") + " · " + st.Name
		if err := s.pages.render(w, http.StatusNotFound, "receipt_unavailable.html", p); err != nil {
			s.Error(w, r, err)
		}
		return
	}
	if !isPDF {
		if err := s.pages.render(w, http.StatusOK, "receipt.html", p); err != nil {
			s.Error(w, r, err)
		}
		return
	}
	// Written to a buffer first, so a failure is a clean error page.
	var buf bytes.Buffer
	if err := receipt.Write(&buf, st, o, st.Language); err != nil {
		s.Error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `attachment; filename="`+receiptFilename(st, o)+`"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = buf.WriteTo(w)
}

// receiptFilename is "receipt-<store-slug>-<number>.pdf", keeping only
// characters that need no quoting in a header.
func receiptFilename(st *msgcenter.Store, o *msgcenter.Order) string {
	slug := strings.Map(func(c rune) rune {
		if 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' {
			return c
		}
		if 'A' <= c && c <= 'Z' {
			return c + 'a' - 'A'
		}
		return -1
	}, st.Slug)
	if slug == "" {
		slug = "store"
	}
	return "receipt-" + slug + "-" + strconv.FormatInt(o.Number, 10) + ".pdf"
}
