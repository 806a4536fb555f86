package msgcenter

import (
	"net/url"
	"strconv"
	"strings"
)

// The shapes of the links msgcenter hands out live here and only here: the
// customer pages (order details, receipt page and PDF, the microsite and its
// checkout) and the webhook addresses a platform posts to. Each function
// returns a path relative to the public base URL, without a leading slash
// and with its segments escaped: JoinURL puts it under the base, and a page
// links to "/" + path. The HTTP router serves the same shapes.

// ReceiptPDFExt ends the receipt's PDF link: receipt/{token}.pdf.
const ReceiptPDFExt = ".pdf"

// PublicBase returns base with exactly one trailing slash, the form every
// customer link is built on.
func PublicBase(base string) string { return strings.TrimRight(base, "/") + "/" }

// JoinURL joins base and path with exactly one slash. An empty path gives
// base as it is; an empty base gives "/" + path.
func JoinURL(base, path string) string {
	if path == "" {
		return base
	}
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/")
}

// OrderDetailsPath is the customer's order details page: order/{token}.
func OrderDetailsPath(orderToken string) string { return "order/" + url.PathEscape(orderToken) }

// ReceiptPath is the customer's receipt page: receipt/{token}.
func ReceiptPath(orderToken string) string { return "receipt/" + url.PathEscape(orderToken) }

// ReceiptPDFPath is the receipt's PDF download: receipt/{token}.pdf.
func ReceiptPDFPath(orderToken string) string { return ReceiptPath(orderToken) + ReceiptPDFExt }

// ShopPath is the store's microsite without a personal link: s/{slug}.
func ShopPath(slug string) string { return "s/" + url.PathEscape(slug) }

// MicrositeLinkPath is the personalised microsite link an agent shares, or
// order_failed offers again: s/{slug}?t={token}.
func MicrositeLinkPath(slug, linkToken string) string {
	return ShopPath(slug) + "?t=" + url.QueryEscape(linkToken)
}

// CheckoutStartPath is where the microsite's cart is posted to start a
// checkout: s/{slug}/checkout.
func CheckoutStartPath(slug string) string { return ShopPath(slug) + "/checkout" }

// CheckoutPath is a checkout's page, the link order_incomplete sends to
// resume it: s/{slug}/checkout/{token}.
func CheckoutPath(slug, checkoutToken string) string {
	return CheckoutStartPath(slug) + "/" + url.PathEscape(checkoutToken)
}

// PlainOrderPath is where a microsite order without a chat room is posted:
// s/{slug}/order.
func PlainOrderPath(slug string) string { return ShopPath(slug) + "/order" }

// OrderConfirmationPath is the microsite's page after an order is placed:
// s/{slug}/orders/{token}.
func OrderConfirmationPath(slug, orderToken string) string {
	return ShopPath(slug) + "/orders/" + url.PathEscape(orderToken)
}

// CustomButtonWebhookPath is where the omnichannel's custom button posts an
// agent's click: hooks/omnichannel/{store id}/custom-button/{secret}.
func CustomButtonWebhookPath(storeID int64, secret string) string {
	return "hooks/omnichannel/" + strconv.FormatInt(storeID, 10) + "/custom-button/" + url.PathEscape(secret)
}

// InboundWebhookPath is where a connected Qiscus app posts the store's
// customer messages: hooks/qiscus/{store id}/inbound/{secret}.
func InboundWebhookPath(storeID int64, secret string) string {
	return "hooks/qiscus/" + strconv.FormatInt(storeID, 10) + "/inbound/" + url.PathEscape(secret)
}
