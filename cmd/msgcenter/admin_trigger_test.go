package main_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// TestAdminTriggers reads each Message Center tab in English and in
// Indonesian: it says what sends its message, type and description, as the
// spec's table of events gives them.
func TestAdminTriggers(t *testing.T) {
	a := MustRunMain(t, sqltest.SQLiteURL(t))
	sh := a.NewShop("Toko Kopi Senja")
	b := a.SignIn("admin@example.com")
	want := map[string]map[string][2]string{
		"en": {
			"share_microsite_url": {"Manual (triggered by agent)", "Sends a message containing the microsite link that agents can manually generate and send to customers via Omnichannel."},
			"order_failed":        {"Automatic", "Sends a message when an order cannot be created due to stock issues, product unavailability, or checkout errors."},
			"order_incomplete":    {"Automatic", "Sends a message when a customer starts checkout via WhatsApp but hasn’t completed the required delivery or payment details."},
			"order_placed":        {"Automatic", "Sends a message after the customer successfully completes checkout and the order is created."},
			"order_paid":          {"Automatic", "Sends a message when the customer’s payment has been confirmed or manually marked as paid."},
		},
		"id": {
			"share_microsite_url": {"Manual (dipicu oleh agen)", "Mengirim pesan berisi tautan microsite yang dapat dibuat dan dikirim agen secara manual ke pelanggan melalui Omnichannel."},
			"order_failed":        {"Otomatis", "Mengirim pesan ketika pesanan tidak dapat dibuat karena masalah stok, produk tidak tersedia, atau kesalahan checkout."},
			"order_incomplete":    {"Otomatis", "Mengirim pesan ketika pelanggan memulai checkout melalui WhatsApp tetapi belum melengkapi detail pengiriman atau pembayaran."},
			"order_placed":        {"Otomatis", "Mengirim pesan setelah pelanggan berhasil menyelesaikan checkout dan pesanan dibuat."},
			"order_paid":          {"Otomatis", "Mengirim pesan ketika pembayaran pelanggan telah dikonfirmasi atau ditandai lunas secara manual."},
		},
	}
	for _, lang := range []string{"en", "id"} {
		page := "/admin/stores/" + sh.Store + "/message-center/order_paid"
		if resp, body := b.Post("/admin/language", url.Values{"language": {lang}, "next": {page}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("choose %s: %d %s", lang, resp.StatusCode, body)
		}
		for event, w := range want[lang] {
			resp, body := b.Get("/admin/stores/" + sh.Store + "/message-center/" + event)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s %s: %d", lang, event, resp.StatusCode)
			}
			body = html.UnescapeString(body)
			if !strings.Contains(body, `id="mc-trigger-type" data-automatic="`) || !strings.Contains(body, ">"+w[0]+"</span>") || !strings.Contains(body, ">"+w[1]+"</span>") {
				t.Errorf("%s %s: the tab does not say %q / %q", lang, event, w[0], w[1])
			}
		}
	}
}
