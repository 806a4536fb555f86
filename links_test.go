package msgcenter_test

import (
	"testing"

	"github.com/qiscus/msgcenter"
)

func TestLinks(t *testing.T) {
	for _, tc := range []struct {
		name, got, want string
	}{
		{"OrderDetailsPath", msgcenter.OrderDetailsPath("tok-1"), "order/tok-1"},
		{"ReceiptPath", msgcenter.ReceiptPath("tok-1"), "receipt/tok-1"},
		{"ReceiptPDFPath", msgcenter.ReceiptPDFPath("tok-1"), "receipt/tok-1.pdf"},
		{"ShopPath", msgcenter.ShopPath("toko-kopi"), "s/toko-kopi"},
		{"MicrositeLinkPath", msgcenter.MicrositeLinkPath("toko-kopi", "a+b/c"), "s/toko-kopi?t=a%2Bb%2Fc"},
		{"CheckoutStartPath", msgcenter.CheckoutStartPath("toko-kopi"), "s/toko-kopi/checkout"},
		{"CheckoutPath", msgcenter.CheckoutPath("toko-kopi", "ck"), "s/toko-kopi/checkout/ck"},
		{"PlainOrderPath", msgcenter.PlainOrderPath("toko-kopi"), "s/toko-kopi/order"},
		{"OrderConfirmationPath", msgcenter.OrderConfirmationPath("toko-kopi", "tok"), "s/toko-kopi/orders/tok"},
		{"CustomButtonWebhookPath", msgcenter.CustomButtonWebhookPath(7, "sec"), "hooks/omnichannel/7/custom-button/sec"},
		{"InboundWebhookPath", msgcenter.InboundWebhookPath(7, "sec"), "hooks/qiscus/7/inbound/sec"},
		{"EscapesSegments", msgcenter.OrderDetailsPath("a/b c"), "order/a%2Fb%20c"},
		{"JoinURL", msgcenter.JoinURL("https://shop.example/", "order/x"), "https://shop.example/order/x"},
		{"JoinURLNoSlashes", msgcenter.JoinURL("https://shop.example", "order/x"), "https://shop.example/order/x"},
		{"JoinURLEmptyPath", msgcenter.JoinURL("https://shop.example", ""), "https://shop.example"},
		{"JoinURLEmptyBase", msgcenter.JoinURL("", "order/x"), "/order/x"},
		{"PublicBase", msgcenter.PublicBase("https://shop.example"), "https://shop.example/"},
		{"PublicBaseSlashes", msgcenter.PublicBase("https://shop.example/app//"), "https://shop.example/app/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
		})
	}
}
