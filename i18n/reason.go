package i18n

import (
	"strconv"

	"github.com/qiscus/msgcenter"
)

// Unprocessed returns, in the printer's language, why a cart line could not
// be ordered ("out of stock", "stok habis"): the catalogue's
// "reason.<code>". A code in no catalogue is shown as it is.
func (p *Printer) Unprocessed(r msgcenter.UnprocessedReason) string {
	key := "reason." + string(r)
	if !Has(key) {
		return string(r)
	}
	return p.T(key)
}

// ProductName returns an unprocessed line's product name, or, for a line
// whose product was not found and so has none, "Unknown product (#7)" in the
// printer's language.
func (p *Printer) ProductName(u msgcenter.UnprocessedItem) string {
	if u.Name != "" {
		return u.Name
	}
	return p.T("checkout.unknown_product") + " (#" + strconv.FormatInt(u.ProductID, 10) + ")"
}
