package main_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/qiscus/msgcenter/internal/browsertest"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// TestIndonesianStoreBrowser walks a phone-sized browser through an
// Indonesian store, "Warung Bu Sri 🍜", whose products have emoji: the
// microsite, checkout (bank transfer), confirmation, order page, receipt
// page and receipt PDF are in Indonesian and print every name; the
// confirmation and the order page say what the chat was sent and how to
// pay; a 404 under the store's microsite carries its name; then the
// dashboard, switched to Bahasa Indonesia, remembers it. Screenshots and
// the PDF go to $MSGCENTER_TEST_OUTPUT.
func TestIndonesianStoreBrowser(t *testing.T) {
	exe := browsertest.Chromium(t)
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext not found; install poppler-utils (scripts/test does it as root)")
		}
		t.Skip("pdftotext not found; install poppler-utils to run this test (scripts/test does it as root)")
	}
	sh := MustRunMain(t, sqltest.SQLiteURL(t)).NewShop("Warung Bu Sri 🍜")
	const bank = "BCA 123-456-7890\na.n. Sri Wahyuni"
	var store struct {
		Slug string `json:"slug"`
	}
	sh.MustJSON(http.StatusOK, "PATCH", "/api/v1/stores/"+sh.Store, map[string]any{"language": "id", "bank_transfer_instructions": bank}, &store)
	mie := sh.create("products", sh.Store, map[string]any{"name": "Mie Ayam 🍜 Spesial", "price": 1250000, "stock": 50})
	if code, ans := sh.Webhook(sh.CustomButton().URL, sh.clickPayload(sh.WARoom)); code != 200 {
		t.Fatalf("click: %d %v", code, ans)
	}
	link := sh.waitOutbox(sh.WARoom, 1)[0].ButtonURL
	out := browsertest.OutputDir(t)

	opts := browsertest.Options(t, exe, 375, 812)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithLogf(t.Logf))
	defer cancelTab()

	screenshot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			png, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			path := filepath.Join(out, name)
			t.Logf("screenshot: %s", path)
			return os.WriteFile(path, png, 0o644)
		})
	}
	// page checks that the page is in Indonesian and shows want, and none
	// of the English words of the same page.
	page := func(name string, want, english []string) {
		t.Helper()
		lang, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang`))
		if err != nil || lang != "id" {
			t.Errorf("%s: <html lang=%q>, %v; want id", name, lang, err)
		}
		// textContent: as written, before CSS changes its case.
		body, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.textContent`))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, s := range want {
			if !strings.Contains(body, s) {
				t.Errorf("%s lacks %q; page:\n%s", name, s, body)
			}
		}
		for _, s := range english {
			if strings.Contains(body, s) {
				t.Errorf("%s shows the English %q; page:\n%s", name, s, body)
			}
		}
	}

	item := fmt.Sprintf(`[data-product="%d"]`, mie)
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(375, 812),
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("greeting")),
		chromedp.Click(chromedp.CSS(item+` .add`)),
		chromedp.WaitVisible(chromedp.CSS(item+` .step[data-step="1"]`)),
		screenshot("id-microsite-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	page("microsite", []string{"Hai Budi, selamat datang kembali!", "Mie Ayam 🍜 Spesial", "50 tersedia", "Lanjut ke pembayaran"},
		[]string{"welcome back", "available", "Checkout", "Add to cart"})

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("checkout")),
		chromedp.WaitVisible(chromedp.ID("checkout-form")),
		chromedp.SetValue(chromedp.ID("address"), "Gg. Mawar 🌹 7, Yogyakarta"),
		chromedp.Click(chromedp.CSS(`input[name="payment_method"][value="bank_transfer"]`)),
		screenshot("id-checkout-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	page("checkout", []string{"Keranjang Anda", "Data Anda", "Metode pengiriman", "Metode pembayaran", "Ongkos kirim",
		"Total bayar", "Buat pesanan", "Pengiriman reguler", "Rp\u00a01.250.000"},
		[]string{"Your cart", "Place order", "Delivery method", "Grand total"})

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("place-order")),
		chromedp.WaitVisible(chromedp.ID("confirmation")),
	)
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Orders []struct {
			ID     int64  `json:"id"`
			Number int64  `json:"number"`
			Token  string `json:"token"`
		} `json:"orders"`
	}
	sh.MustJSON(http.StatusOK, "GET", "/api/v1/stores/"+sh.Store+"/orders", nil, &list)
	if len(list.Orders) != 1 {
		t.Fatalf("orders = %+v, want one", list.Orders)
	}
	o := list.Orders[0]
	number := fmt.Sprintf("#%d", o.Number)
	// Once Order Placed is sent, the confirmation says so, and how to pay.
	sh.WaitOrderDeliveries(o.ID, 1)
	err = chromedp.Do(ctx,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("how-to-pay")),
		screenshot("id-confirmation-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	howToPay := []string{"Cara membayar", "Transfer tepat Rp\u00a01.267.000 dan tulis " + number + " sebagai berita transfer.", bank}
	page("confirmation", append([]string{"Terima kasih! Pesanan Anda sudah dibuat.", "No. pesanan", "Lihat detail pesanan", "Transfer bank",
		"Detail pesanan sudah kami kirim ke chat Anda."}, howToPay...),
		[]string{"Thank you", "Order number", "View order details", "We also sent", "How to pay"})

	// Unpaid, the order page tells how to pay.
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("view-order")),
		chromedp.WaitVisible(chromedp.ID("how-to-pay")),
		screenshot("id-order-unpaid-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	page("unpaid order page", append([]string{"Detail pesanan", "Menunggu pembayaran", "Detail pesanan sudah kami kirim ke chat Anda."}, howToPay...),
		[]string{"Order details", "How to pay", "Waiting for payment"})

	// Paid, the order page offers the receipt and tells of the payment's message.
	sh.MustJSON(http.StatusOK, "POST", fmt.Sprintf("/api/v1/stores/%s/orders/%d/pay", sh.Store, o.ID), nil, nil)
	sh.WaitOrderDeliveries(o.ID, 2)
	err = chromedp.Do(ctx,
		chromedp.Navigate(sh.Base+"/order/"+o.Token),
		chromedp.WaitVisible(chromedp.ID("view-receipt")),
		screenshot("id-order-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	page("order page", []string{"Detail pesanan", "Lunas", "Lihat Struk Pesanan", "Mie Ayam 🍜 Spesial",
		"Konfirmasi pembayaran sudah kami kirim ke chat Anda."},
		[]string{"Order details", "View Order Receipt", "Payment method", "Cara membayar"})

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("view-receipt")),
		chromedp.WaitVisible(chromedp.ID("download")),
		screenshot("id-receipt-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	page("receipt page", []string{"Struk", "Pelanggan", "Unduh", "Terima kasih telah berbelanja di Warung Bu Sri 🍜."},
		[]string{"Receipt", "Customer", "Download"})

	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("download").href`))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(href)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("receipt PDF: %d %.40q", resp.StatusCode, pdf)
	}
	pdfPath := filepath.Join(out, "id-receipt.pdf")
	if err := os.WriteFile(pdfPath, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("receipt PDF: %s", pdfPath)
	raw, err := exec.Command(pdftotext, "-enc", "UTF-8", "-layout", pdfPath, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, raw)
	}
	pdfText := strings.NewReplacer("\u00a0", " ").Replace(string(raw))
	// 🍜 is beyond what the receipt's fonts name (see package receipt): it
	// prints as □.
	for _, s := range []string{"STRUK", "Warung Bu Sri □", "Mie Ayam □ Spesial", "Gg. Mawar □ 7", "Budi", "Lunas", "Transfer bank", number,
		"Rp 1.250.000", "Rp 15.000", "Rp 2.000", "Rp 1.267.000", "Total bayar"} {
		if !strings.Contains(pdfText, s) {
			t.Errorf("receipt PDF text lacks %q; text:\n%s", s, pdfText)
		}
	}
	if png, err := exec.Command("pdftoppm", "-png", "-r", "60", "-singlefile", pdfPath, filepath.Join(out, "id-receipt-pdf")).CombinedOutput(); err != nil {
		t.Logf("no picture of the PDF: %v %s", err, png)
	}

	// A page the store's microsite does not have: the 404 carries the
	// store's name and language, and leads back to its shop.
	err = chromedp.Do(ctx,
		chromedp.Navigate(sh.Base+"/s/"+store.Slug+"/no-such-page"),
		chromedp.WaitVisible(chromedp.ID("back-to-shop")),
		screenshot("id-404-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	page("404 page", []string{"Halaman tidak ditemukan", "Warung Bu Sri 🍜", "Kembali ke Warung Bu Sri 🍜"}, []string{"Page not found", "Reference"})

	// The dashboard: English by default, Indonesian once chosen, and still
	// Indonesian on the next page.
	err = chromedp.Do(ctx,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(sh.Base+"/admin/login?next="+url.QueryEscape("/admin/stores/"+sh.Store+"/orders")),
		chromedp.WaitVisible(chromedp.ID("signin")),
		chromedp.SetValue(chromedp.ID("email"), "admin@example.com"),
		chromedp.SetValue(chromedp.ID("password"), "correct horse battery"),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("lang-id")),
		chromedp.Click(chromedp.ID("lang-id")),
		chromedp.WaitVisible(chromedp.CSS(`#lang-id[aria-pressed="true"]`)),
		screenshot("id-dashboard-orders.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	page("dashboard orders", []string{"Pesanan", "Pelanggan", "Total bayar", "Pesan Otomatis", "Lunas", "Rp\u00a01.267.000", "Terkirim (2) · Gagal (0)"},
		[]string{"Grand total", "Automation Message", "Customer"})
	// The Messages page names the agent's Share as such, with its recipient and room.
	err = chromedp.Do(ctx,
		chromedp.Navigate(sh.Base+"/admin/stores/"+sh.Store+"/messages"),
		chromedp.WaitVisible(chromedp.CSS(`.msglist .msg-to`)),
		screenshot("id-dashboard-messages.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	page("dashboard messages", []string{"Dibagikan manual oleh agen · WhatsApp", fmt.Sprintf("Kepada Budi (+6281234567890) · ruang %d", sh.WARoom), "Terkirim"},
		[]string{"automation", "Automation", "Sent"})
	err = chromedp.Do(ctx,
		chromedp.Navigate(sh.Base+"/admin/stores/"+sh.Store+"/location"),
		chromedp.WaitVisible(chromedp.ID("location-save")),
		screenshot("id-dashboard-location.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	page("dashboard location", []string{"Lokasi", "Zona waktu", "Bahasa halaman", "Simpan"}, []string{"Time zone", "Page language"})

	// The Message Center's script writes in the admin's language too.
	err = chromedp.Do(ctx,
		chromedp.Navigate(sh.Base+"/admin/stores/"+sh.Store+"/message-center/order_placed"),
		chromedp.WaitVisible(chromedp.CSS(`#version-list .version`)),
		screenshot("id-dashboard-message-center.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	page("dashboard message center", []string{"Pusat Pesan", "Pesanan Dibuat", "Pratinjau", "Kirim pesan uji", "Versi 1 (saat ini)"},
		[]string{"Preview", "Send test message", "Version 1", "(current)"})
}
