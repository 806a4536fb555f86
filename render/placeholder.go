// Package render owns the placeholders of the Message Center: their table,
// which events each is available in, the parser that checks an admin's text,
// the renderer that fills it, and the built-in default templates in English
// and Indonesian. It produces plain text; nothing is escaped.
//
// A rendered message is held to the channels' body limit
// (msgcenter.MaxBodyLength, 4,096 characters) by one rule, Fit: a text
// within the limit is sent as it is; a longer one keeps, in each product
// list ({{order.products}}, {{order.unprocessed_products}}), its first lines,
// as many as let the whole text fit, and ends the list with "…and N more
// items" ("…dan N produk lainnya"), the rest of the text as written; the
// order page the button opens lists every item. A text that would not fit
// even without product lines is cut to the limit, ending with "…". A
// WhatsApp fallback's filled template body is held to WhatsApp's own limit
// (msgcenter.MaxTemplateBodyLength, 1,024) by the same shortening of its
// product lists; an approved template's text itself is never cut.
//
// A line of {{order.unprocessed_products}} names why its product could not
// be ordered ("1 x Es Teh — out of stock"), in MessageLanguage like every
// placeholder; the words are the i18n catalogues'.
package render

import (
	"slices"
	"strings"

	"github.com/qiscus/msgcenter"
)

// Placeholder is one row of the placeholder table.
type Placeholder struct {
	Name        string            `json:"name"` // e.g. "customer.name" (without braces)
	Description string            `json:"description"`
	Events      []msgcenter.Event `json:"events"`
	Sample      string            `json:"sample"` // sample value shown in previews (English)
	// Aliases are other names that mean this placeholder, e.g. "username".
	// They are accepted wherever the placeholder is available and never required.
	Aliases []string `json:"aliases,omitempty"`
}

// Index of each placeholder in the table; Values and Template use it so that
// rendering needs no map look-up.
const (
	phStoreName = iota
	phCustomerName
	phUnprocessedProducts
	phOrderID
	phProducts
	phProductSubtotal
	phDeliveryFee
	phServiceFee
	phGrandTotal
	phDetailsLink
	phReceiptLink
	phDetailsPath
	phReceiptPath
	numPlaceholders
)

// Shorthands for the event sets of the table.
var (
	allEvents = msgcenter.Events()
	placed    = []msgcenter.Event{msgcenter.EventOrderPlaced, msgcenter.EventOrderPaid}
	paid      = []msgcenter.Event{msgcenter.EventOrderPaid}
)

// table is THE placeholder table, in the order admins see it. Samples are
// filled from SampleData at package initialisation so that previews and the
// table never disagree.
var table = [numPlaceholders]Placeholder{
	phStoreName: {Name: "store_name", Description: "Store name sending the message", Events: allEvents},
	phCustomerName: {Name: "customer.name", Description: "Customer name (fallback: “Kak”)", Events: allEvents,
		Aliases: []string{"username"}},
	phUnprocessedProducts: {Name: "order.unprocessed_products", Description: "Products that couldn’t be processed (e.g., out of stock)",
		Events: []msgcenter.Event{msgcenter.EventOrderFailed}},
	phOrderID: {Name: "order_id", Description: "Unique order ID (prefixed “#”)", Events: placed},
	phProducts: {Name: "order.products", Description: "List of ordered products and quantities",
		Events: []msgcenter.Event{msgcenter.EventOrderFailed, msgcenter.EventOrderIncomplete, msgcenter.EventOrderPlaced, msgcenter.EventOrderPaid}},
	phProductSubtotal: {Name: "order.product_subtotal", Description: "Total product price before fees",
		Events: []msgcenter.Event{msgcenter.EventOrderIncomplete, msgcenter.EventOrderPlaced, msgcenter.EventOrderPaid}},
	phDeliveryFee: {Name: "order.delivery_fee", Description: "Delivery cost charged based on the selected shipping method", Events: placed},
	phServiceFee:  {Name: "order.service_fee", Description: "Additional service/platform fee", Events: placed},
	phGrandTotal: {Name: "order.grand_total", Description: "Final total including product subtotal, delivery, and service fees", Events: placed,
		Aliases: []string{"grand_total"}},
	phDetailsLink: {Name: "order_details_link", Description: "Link to the order details page", Events: placed},
	phReceiptLink: {Name: "order_receipt_link", Description: "Link to the digital receipt page", Events: paid},
	phDetailsPath: {Name: "order.details_path", Description: "Path of the order details page, without the base URL (for WhatsApp CTA buttons)", Events: placed},
	phReceiptPath: {Name: "order.receipt_path", Description: "Path of the receipt page, without the base URL (for WhatsApp CTA buttons)", Events: paid},
}

// byName maps every name and alias to its index; built once from table.
var byName = func() map[string]int {
	m := make(map[string]int, numPlaceholders+2)
	for i, p := range table {
		m[p.Name] = i
		for _, a := range p.Aliases {
			m[a] = i
		}
	}
	return m
}()

// availability[i] has bit eventBit(e) set when placeholder i is available for e.
var availability = func() (a [numPlaceholders]uint8) {
	for i, p := range table {
		for _, e := range p.Events {
			a[i] |= eventBit(e)
		}
	}
	return a
}()

func init() {
	v := NewValues(SampleData("Kopi Kita", "https://shop.qiscus.com/"), msgcenter.LanguageEnglish)
	for i := range table {
		table[i].Sample = v.s[i]
	}
}

// eventBit returns the bit of e in availability, or 0 for an unknown event.
func eventBit(e msgcenter.Event) uint8 {
	for i, v := range allEvents {
		if v == e {
			return 1 << i
		}
	}
	return 0
}

// Placeholders returns the placeholders available for event, in table order,
// or nil for an unknown event. Aliases are listed on their target's row.
func Placeholders(event msgcenter.Event) []Placeholder {
	bit := eventBit(event)
	if bit == 0 {
		return nil
	}
	var out []Placeholder
	for i, p := range table {
		if availability[i]&bit != 0 {
			p.Events = slices.Clone(p.Events)
			p.Aliases = slices.Clone(p.Aliases)
			out = append(out, p)
		}
	}
	return out
}

// Available reports whether name (with or without braces, alias or full name)
// may be used in a message of event.
func Available(event msgcenter.Event, name string) bool {
	i, ok := lookup(name)
	return ok && availability[i]&eventBit(event) != 0
}

// lookup finds the index of name, which may be wrapped in braces and spaces.
func lookup(name string) (int, bool) {
	name = strings.TrimSpace(name)
	if n, ok := strings.CutPrefix(name, "{{"); ok {
		if n, ok = strings.CutSuffix(n, "}}"); ok {
			name = strings.TrimSpace(n)
		}
	}
	i, ok := byName[name]
	return i, ok
}

// availableList returns "{{a}}, {{b}}, ..." for event, in table order.
func availableList(event msgcenter.Event) string {
	var b strings.Builder
	bit := eventBit(event)
	for i, p := range table {
		if availability[i]&bit == 0 {
			continue
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString("{{" + p.Name + "}}")
	}
	return b.String()
}
