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

// The sample pages a test message's button opens (SamplePagePath).
const (
	SampleOrderPage   = "order"
	SampleReceiptPage = "receipt"
)

// SamplePagePath is a store's sample page, filled with the sample order a
// test message is rendered with and labelled as a sample, so the button of
// a test message opens a page that exists: s/{slug}/sample/{page}, page
// SampleOrderPage or SampleReceiptPage.
func SamplePagePath(slug, page string) string {
	return ShopPath(slug) + "/sample/" + url.PathEscape(page)
}

// The first segments of the link families, for code that sorts requests by
// family (rate limits, error formats) rather than building a link.
const (
	// WebhookPrefix starts every address a platform posts to.
	WebhookPrefix = "hooks/"
	// CustomButtonWebhookPrefix starts every custom button's webhook.
	CustomButtonWebhookPrefix = WebhookPrefix + "omnichannel/"
	// QiscusWebhookPrefix starts a connected Qiscus app's webhooks.
	QiscusWebhookPrefix = WebhookPrefix + "qiscus/"
)

// customerPagePrefixes start the pages customers open without signing in.
var customerPagePrefixes = [...]string{"s/", "order/", "receipt/"}

// IsWebhookPath reports whether the URL path p (with its leading slash) is
// one a platform posts to.
func IsWebhookPath(p string) bool {
	return strings.HasPrefix(strings.TrimPrefix(p, "/"), WebhookPrefix)
}

// IsCustomerPagePath reports whether the URL path p (with its leading slash)
// is a customer page: the microsite, an order or a receipt.
func IsCustomerPagePath(p string) bool {
	p = strings.TrimPrefix(p, "/")
	for _, prefix := range customerPagePrefixes {
		if strings.HasPrefix(p, prefix) {
			return true
		}
	}
	return false
}

// CustomButtonWebhookPath is where the omnichannel's custom button posts an
// agent's click: hooks/omnichannel/{store id}/custom-button/{secret}.
func CustomButtonWebhookPath(storeID int64, secret string) string {
	return CustomButtonWebhookPrefix + strconv.FormatInt(storeID, 10) + "/custom-button/" + url.PathEscape(secret)
}

// InboundWebhookPath is where a connected Qiscus app posts the store's
// customer messages: hooks/qiscus/{store id}/inbound/{secret}.
func InboundWebhookPath(storeID int64, secret string) string {
	return QiscusWebhookPrefix + strconv.FormatInt(storeID, 10) + "/inbound/" + url.PathEscape(secret)
}

// StatusWebhookPath is where a connected Qiscus app posts the store's
// WhatsApp delivery statuses: hooks/qiscus/{store id}/whatsapp-status/{secret}.
func StatusWebhookPath(storeID int64, secret string) string {
	return QiscusWebhookPrefix + strconv.FormatInt(storeID, 10) + "/whatsapp-status/" + url.PathEscape(secret)
}
