package render

import (
	"strconv"
	"strings"
	"sync"

	"github.com/bojanz/currency"
	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

// Data is what a message is about: the store, the customer, the order and its
// links. Money is in whole units of Currency (IDR has no minor unit in use).
type Data struct {
	StoreName string
	// StoreLanguage is the store's language, in which a custom message's
	// placeholders are formatted (MessageLanguage); "" formats them in the
	// message configuration's language.
	StoreLanguage msgcenter.Language
	CustomerName  string // "" → "Kak"
	OrderNumber   int64  // rendered "#1042"
	Items         []Item // ordered / processable products
	Unprocessed   []Item // products that could not be processed (order_failed)

	ProductSubtotal, DeliveryFee, ServiceFee, GrandTotal int64

	Currency     string // "IDR"; "" means IDR
	BaseURL      string // public base URL, with or without trailing slash
	DetailsPath  string // msgcenter.OrderDetailsPath of the order
	ReceiptPath  string // msgcenter.ReceiptPath of the order
	MicrositeURL string // absolute personalised microsite link (share_microsite_url, order_failed)
	ResumeURL    string // absolute link that resumes the checkout (order_incomplete)
}

// Item is one product line of an order.
type Item struct {
	Name      string
	Quantity  int
	UnitPrice int64
	// Reason is why an unprocessed line could not be ordered; its line
	// then names it, in the message's language, instead of a price.
	Reason msgcenter.UnprocessedReason
}

// Values holds every placeholder's value, formatted once, indexed by the
// placeholder's position in the table. The zero Values renders every
// placeholder as the empty string.
type Values struct {
	s [numPlaceholders]string
	// The product lists' lines, for a message that must be shortened
	// (Shorten).
	items, unprocessed []Item
	cur                string
	lang               msgcenter.Language
}

// CustomerFallback is the value of {{customer.name}} when the customer has no name.
const CustomerFallback = "Kak"

// NewValues formats every placeholder of d for lang: money, links and product
// lists are computed here, so that rendering only copies strings. A nil d
// gives the values of an empty order.
func NewValues(d *Data, lang msgcenter.Language) *Values {
	if d == nil {
		d = &Data{}
	}
	cur := d.Currency
	if cur == "" {
		cur = "IDR"
	}
	money := func(n int64) string { return FormatMoney(n, cur, lang) }

	v := &Values{items: d.Items, unprocessed: d.Unprocessed, cur: cur, lang: lang}
	v.s[phStoreName] = d.StoreName
	v.s[phCustomerName] = strings.TrimSpace(d.CustomerName)
	if v.s[phCustomerName] == "" {
		v.s[phCustomerName] = CustomerFallback
	}
	if d.OrderNumber > 0 {
		v.s[phOrderID] = "#" + strconv.FormatInt(d.OrderNumber, 10)
	}
	v.s[phProducts] = productLines(d.Items, len(d.Items), cur, lang)
	v.s[phUnprocessedProducts] = productLines(d.Unprocessed, len(d.Unprocessed), cur, lang)
	v.s[phProductSubtotal] = money(d.ProductSubtotal)
	v.s[phDeliveryFee] = money(d.DeliveryFee)
	v.s[phServiceFee] = money(d.ServiceFee)
	v.s[phGrandTotal] = money(d.GrandTotal)
	v.s[phDetailsPath] = strings.TrimLeft(d.DetailsPath, "/")
	v.s[phReceiptPath] = strings.TrimLeft(d.ReceiptPath, "/")
	v.s[phDetailsLink] = msgcenter.JoinURL(d.BaseURL, d.DetailsPath)
	v.s[phReceiptLink] = msgcenter.JoinURL(d.BaseURL, d.ReceiptPath)
	return v
}

// Get returns the value of the placeholder name ("order.details_path",
// "{{ username }}", ...) and whether name is a known placeholder. It serves
// single bindings such as WhatsApp template variables.
func (v *Values) Get(name string) (string, bool) {
	i, ok := lookup(name)
	if !ok {
		return "", false
	}
	return v.s[i], true
}

// productLines renders one line per item, the first keep of them:
// "2 x Kopi Susu — Rp 50.000", or for a line that could not be ordered
// "1 x Es Teh — out of stock", its reason in lang. When it keeps fewer
// than all, a last line says how many it left out: "…and 38 more items".
func productLines(items []Item, keep int, cur string, lang msgcenter.Language) string {
	var b strings.Builder
	pr := i18n.For(lang)
	for i, it := range items[:keep] {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strconv.Itoa(it.Quantity))
		b.WriteString(" x ")
		if it.Name == "" {
			b.WriteString(pr.T("checkout.unknown_product"))
		} else {
			b.WriteString(it.Name)
		}
		b.WriteString(" — ")
		if it.Reason != "" {
			b.WriteString(pr.Unprocessed(it.Reason))
		} else {
			b.WriteString(FormatMoney(int64(it.Quantity)*it.UnitPrice, cur, lang))
		}
	}
	if left := len(items) - keep; left > 0 {
		if keep > 0 {
			b.WriteByte('\n')
		}
		if left == 1 {
			b.WriteString(pr.T("render.more_item"))
		} else {
			b.WriteString(pr.T("render.more_items", left))
		}
	}
	return b.String()
}

// Shorten returns v with each product list cut to its first keep lines
// followed by "…and N more items" (in v's language); a list of at most
// keep lines is unchanged. It is the one step of the length rule
// (RenderMessage).
func (v *Values) Shorten(keep int) *Values {
	out := *v
	if len(v.items) > keep {
		out.s[phProducts] = productLines(v.items, max(keep, 0), v.cur, v.lang)
	}
	if len(v.unprocessed) > keep {
		out.s[phUnprocessedProducts] = productLines(v.unprocessed, max(keep, 0), v.cur, v.lang)
	}
	return &out
}

// longestList is how many lines v's longest product list has.
func (v *Values) longestList() int { return max(len(v.items), len(v.unprocessed)) }

// formatters caches one formatter per locale and decimals setting; a
// Formatter is safe for concurrent use once configured.
var formatters sync.Map // formatterKey → *currency.Formatter

type formatterKey struct {
	locale     string
	noDecimals bool
}

// FormatMoney formats amount whole units of currencyCode for lang with CLDR
// data (locale lang.Locale(): id-ID or en-ID). IDR is shown without decimals,
// e.g. "Rp 50.000" with a no-break space as CLDR gives it. An unknown currency
// code gives "XYZ 50000".
func FormatMoney(amount int64, currencyCode string, lang msgcenter.Language) string {
	a, err := currency.NewAmount(strconv.FormatInt(amount, 10), currencyCode)
	if err != nil {
		return currencyCode + " " + strconv.FormatInt(amount, 10)
	}
	key := formatterKey{locale: lang.Locale(), noDecimals: currencyCode == "IDR"}
	f, ok := formatters.Load(key)
	if !ok {
		nf := currency.NewFormatter(currency.NewLocale(key.locale))
		if key.noDecimals {
			nf.MaxDigits = 0
		}
		f, _ = formatters.LoadOrStore(key, nf)
	}
	return f.(*currency.Formatter).Format(a)
}

// sampleToken stands for an order's token in previews.
const sampleToken = "sample-7Kq2Xv9LmT4pRz8N"

// SampleData returns a realistic Indonesian order for previews and the
// placeholder table's samples, with links under baseURL.
func SampleData(storeName, baseURL string) *Data {
	slug := slugify(storeName)
	return &Data{
		StoreName:    storeName,
		CustomerName: "Budi Santoso",
		OrderNumber:  1042,
		Items: []Item{
			{Name: "Kopi Susu Gula Aren", Quantity: 2, UnitPrice: 25000},
			{Name: "Croissant Cokelat", Quantity: 1, UnitPrice: 28000},
		},
		Unprocessed: []Item{
			{Name: "Es Teh Leci", Quantity: 1, UnitPrice: 18000, Reason: msgcenter.UnprocessedOutOfStock},
		},
		ProductSubtotal: 78000,
		DeliveryFee:     15000,
		ServiceFee:      2000,
		GrandTotal:      95000,
		Currency:        "IDR",
		BaseURL:         baseURL,
		DetailsPath:     msgcenter.OrderDetailsPath(sampleToken),
		ReceiptPath:     msgcenter.ReceiptPath(sampleToken),
		MicrositeURL:    msgcenter.JoinURL(baseURL, msgcenter.MicrositeLinkPath(slug, "sample")),
		ResumeURL:       msgcenter.JoinURL(baseURL, msgcenter.CheckoutPath(slug, "sample")),
	}
}

// slugify makes a URL-safe sample slug from a store name.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "store"
	}
	return b.String()
}
