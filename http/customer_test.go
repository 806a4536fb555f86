package http_test

import (
	"context"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/http"
	"github.com/qiscus/msgcenter/mock"
	"github.com/qiscus/msgcenter/render"
)

// customerFixture is a server with two stores (English and Indonesian) and
// orders in every status, each found by its token.
type customerFixture struct {
	URL     string
	Orders  map[string]*msgcenter.Order
	Stores  map[int64]*msgcenter.Store
	Lookups atomic.Int64 // FindOrderByToken calls
}

func newCustomerOrder(storeID, number int64, token string, status msgcenter.OrderStatus) *msgcenter.Order {
	created := time.Date(2026, 3, 14, 7, 30, 0, 0, time.UTC)
	items := []msgcenter.OrderItem{
		{ProductID: 1, Name: "Kopi Susu Gula Aren", Quantity: 2, UnitPrice: 25000},
		{ProductID: 2, Name: "Croissant Mentega", Quantity: 1, UnitPrice: 32000},
		{ProductID: 3, Name: "Teh Tarik Dingin", Quantity: 3, UnitPrice: 18000},
	}
	var sub int64
	for _, it := range items {
		sub += it.LineTotal()
	}
	o := &msgcenter.Order{
		ID: number, StoreID: storeID, Number: number, Token: token, CustomerName: "Siti Nurhaliza Ümit",
		CustomerPhone: "+6281234567890", Address: "Jl. Melati 5, Depok", Items: items,
		DeliveryMethod: "regular", DeliveryFee: 15000, ServiceFee: msgcenter.ServiceFee,
		Subtotal: sub, GrandTotal: sub + 15000 + msgcenter.ServiceFee, PaymentMethod: "qris",
		Status: status, CreatedAt: created, UpdatedAt: created,
	}
	if status != msgcenter.OrderPlaced {
		paid := created.Add(12 * time.Minute)
		o.PaidAt = &paid
	}
	return o
}

func newCustomerFixture(tb testing.TB) *customerFixture {
	tb.Helper()
	f := &customerFixture{
		Orders: map[string]*msgcenter.Order{},
		Stores: map[int64]*msgcenter.Store{
			1: {ID: 1, Slug: "kopi-senja", Name: "Kopi Senja", Address: "Jl. Kemang Raya No. 8, Jakarta Selatan",
				Currency: "IDR", TimeZone: "Asia/Jakarta", Language: msgcenter.LanguageEnglish},
			2: {ID: 2, Slug: "toko-budi", Name: "Toko Budi", Address: "Jl. Braga 10, Bandung",
				Currency: "IDR", TimeZone: "Asia/Jakarta", Language: msgcenter.LanguageIndonesian},
			3: {ID: 3, Slug: "warung-bu-sri", Name: "Warung Bu Sri 🍜", Address: "Jl. Cempaka ☀ 3, Yogyakarta",
				Currency: "IDR", TimeZone: "Asia/Jakarta", Language: msgcenter.LanguageIndonesian},
		},
	}
	for i, st := range []msgcenter.OrderStatus{msgcenter.OrderPlaced, msgcenter.OrderPaid, msgcenter.OrderCancelled, msgcenter.OrderRefunded} {
		f.Orders[string(st)+"-Tok_en"] = newCustomerOrder(1, 1040+int64(i), string(st)+"-Tok_en", st)
		f.Orders[string(st)+"-Tok_id"] = newCustomerOrder(2, 2040+int64(i), string(st)+"-Tok_id", st)
	}
	xss := newCustomerOrder(1, 1099, "xss-token", msgcenter.OrderPaid)
	xss.Items[0].Name = "<script>alert(1)</script>"
	xss.CustomerName = `"><img src=x onerror=alert(1)>`
	f.Orders["xss-token"] = xss
	emoji := newCustomerOrder(3, 3001, "emoji-token", msgcenter.OrderPaid)
	emoji.CustomerName, emoji.Address = "Ani 😊", "Gg. Mawar 🌹 7"
	emoji.Items[0].Name, emoji.Items[1].Name = "Mie Ayam 🍜 Spesial", "拉面"
	f.Orders["emoji-token"] = emoji

	srv, err := http.NewServer(http.Config{
		Stores: &mock.StoreService{FindStoreByIDFn: func(_ context.Context, id int64) (*msgcenter.Store, error) {
			if st, ok := f.Stores[id]; ok {
				return st, nil
			}
			return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
		}},
		Commerce: &mock.CommerceService{FindOrderByTokenFn: func(_ context.Context, token string) (*msgcenter.Order, error) {
			f.Lookups.Add(1)
			if o, ok := f.Orders[token]; ok {
				return o, nil
			}
			return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Order not found.")
		}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	f.URL = ts.URL
	return f
}

type customerResponse struct {
	Status int
	Header nethttp.Header
	Body   string
}

func customerGet(tb testing.TB, url string) customerResponse {
	tb.Helper()
	resp, err := nethttp.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return customerResponse{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

func assertPrivate(t *testing.T, r customerResponse) {
	t.Helper()
	if got := r.Header.Get("Cache-Control"); got != "private, no-store" {
		t.Errorf("Cache-Control = %q, want private, no-store", got)
	}
	if got := r.Header.Get("X-Robots-Tag"); got != "noindex" {
		t.Errorf("X-Robots-Tag = %q, want noindex", got)
	}
}

func assertContains(t *testing.T, body string, want ...string) {
	t.Helper()
	for _, s := range want {
		if !strings.Contains(body, s) {
			t.Errorf("body lacks %q", s)
		}
	}
}

const viewReceipt = "View Order Receipt"

func TestCustomerOrderPage(t *testing.T) {
	f := newCustomerFixture(t)
	words := map[msgcenter.OrderStatus]string{
		msgcenter.OrderPlaced: "Waiting for payment", msgcenter.OrderPaid: "Paid",
		msgcenter.OrderCancelled: "Cancelled", msgcenter.OrderRefunded: "Refunded",
	}
	for status, word := range words {
		t.Run(string(status), func(t *testing.T) {
			o := f.Orders[string(status)+"-Tok_en"]
			r := customerGet(t, f.URL+"/order/"+o.Token)
			if r.Status != 200 {
				t.Fatalf("status %d, want 200\n%s", r.Status, r.Body)
			}
			assertPrivate(t, r)
			money := func(n int64) string { return render.FormatMoney(n, "IDR", msgcenter.LanguageEnglish) }
			assertContains(t, r.Body, "Kopi Senja", "#"+itoa(o.Number), "14 Mar 2026, 14:30 WIB", word,
				"Kopi Susu Gula Aren", "Croissant Mentega", "Teh Tarik Dingin", "2 × "+money(25000), money(50000),
				"Subtotal", money(o.Subtotal), "Regular delivery", money(o.DeliveryFee), "Service fee",
				money(o.ServiceFee), "Grand total", money(o.GrandTotal), "QRIS", "/static/customer.css")
			if got, want := strings.Contains(r.Body, viewReceipt), status == msgcenter.OrderPaid; got != want {
				t.Errorf("%q shown = %v, want %v", viewReceipt, got, want)
			}
			if status == msgcenter.OrderPaid {
				assertContains(t, r.Body, `href="/receipt/`+o.Token+`"`)
			}
		})
	}
}

func TestCustomerReceipt(t *testing.T) {
	f := newCustomerFixture(t)
	for _, status := range []msgcenter.OrderStatus{msgcenter.OrderPlaced, msgcenter.OrderPaid, msgcenter.OrderCancelled, msgcenter.OrderRefunded} {
		o := f.Orders[string(status)+"-Tok_en"]
		t.Run(string(status)+"/Page", func(t *testing.T) {
			r := customerGet(t, f.URL+"/receipt/"+o.Token)
			assertPrivate(t, r)
			if status != msgcenter.OrderPaid {
				if r.Status != 404 {
					t.Fatalf("status %d, want 404", r.Status)
				}
				assertContains(t, r.Body, "Receipt not available", "The receipt is available once the order is paid.")
				return
			}
			if r.Status != 200 {
				t.Fatalf("status %d, want 200\n%s", r.Status, r.Body)
			}
			money := func(n int64) string { return render.FormatMoney(n, "IDR", msgcenter.LanguageEnglish) }
			assertContains(t, r.Body, "Kopi Senja", "Jl. Kemang Raya No. 8", "Receipt", "#"+itoa(o.Number),
				"14 Mar 2026, 14:30 WIB", "14 Mar 2026, 14:42 WIB", "Siti Nurhaliza Ümit", "6281234567890",
				"Kopi Susu Gula Aren", "Croissant Mentega", "Teh Tarik Dingin", money(25000), money(o.Subtotal),
				money(o.DeliveryFee), money(o.ServiceFee), money(o.GrandTotal), "QRIS", "Paid",
				`href="/receipt/`+o.Token+`.pdf"`, ">Download<")
		})
		t.Run(string(status)+"/PDF", func(t *testing.T) {
			r := customerGet(t, f.URL+"/receipt/"+o.Token+".pdf")
			assertPrivate(t, r)
			if status != msgcenter.OrderPaid {
				if r.Status != 404 {
					t.Fatalf("status %d, want 404", r.Status)
				}
				assertContains(t, r.Body, "Receipt not available")
				return
			}
			if r.Status != 200 {
				t.Fatalf("status %d, want 200\n%s", r.Status, r.Body)
			}
			if got := r.Header.Get("Content-Type"); got != "application/pdf" {
				t.Errorf("Content-Type = %q", got)
			}
			want := `attachment; filename="receipt-kopi-senja-` + itoa(o.Number) + `.pdf"`
			if got := r.Header.Get("Content-Disposition"); got != want {
				t.Errorf("Content-Disposition = %q, want %q", got, want)
			}
			if !strings.HasPrefix(r.Body, "%PDF-") {
				t.Errorf("body does not start with %%PDF-")
			}
		})
	}
}

func TestCustomerNotFound(t *testing.T) {
	f := newCustomerFixture(t)
	for _, path := range []string{"/order/unknown", "/receipt/unknown", "/receipt/unknown.pdf"} {
		t.Run(path, func(t *testing.T) {
			r := customerGet(t, f.URL+path)
			if r.Status != 404 {
				t.Fatalf("status %d, want 404", r.Status)
			}
			assertPrivate(t, r)
			assertContains(t, r.Body, "Order not found.")
		})
	}
	t.Run("MalformedToken", func(t *testing.T) {
		before := f.Lookups.Load()
		for _, path := range []string{
			"/order/" + strings.Repeat("a", 101), "/receipt/" + strings.Repeat("a", 101) + ".pdf",
			"/order/a.b", "/order/a%20b", "/receipt/a+b", "/receipt/paid-Tok_en.pdf.pdf", "/order/%C3%9C",
		} {
			r := customerGet(t, f.URL+path)
			if r.Status != 404 || !strings.Contains(r.Body, "Order not found.") {
				t.Errorf("%s: status %d, want 404 Order not found.", path, r.Status)
			}
		}
		if n := f.Lookups.Load() - before; n != 0 {
			t.Errorf("malformed tokens caused %d lookups, want 0", n)
		}
	})
}

func TestCustomerIndonesian(t *testing.T) {
	f := newCustomerFixture(t)
	paid, placed := f.Orders["paid-Tok_id"], f.Orders["placed-Tok_id"]
	money := func(n int64) string { return render.FormatMoney(n, "IDR", msgcenter.LanguageIndonesian) }

	r := customerGet(t, f.URL+"/order/"+paid.Token)
	assertContains(t, r.Body, `lang="id"`, "Detail pesanan", "Lunas", "Lihat Struk Pesanan", "Pengiriman reguler",
		"Biaya layanan", "Total bayar", money(paid.GrandTotal), "14 Mar 2026 14.30 WIB")
	if strings.Contains(r.Body, viewReceipt) {
		t.Errorf("Indonesian page shows the English %q", viewReceipt)
	}

	r = customerGet(t, f.URL+"/order/"+placed.Token)
	assertContains(t, r.Body, "Menunggu pembayaran", "Belum dibayar")
	if strings.Contains(r.Body, "Lihat Struk Pesanan") {
		t.Error("unpaid order shows the receipt button")
	}

	r = customerGet(t, f.URL+"/receipt/"+paid.Token)
	assertContains(t, r.Body, "Struk", "Pelanggan", "Tanggal pembayaran", ">Unduh<", "Terima kasih")

	r = customerGet(t, f.URL+"/receipt/"+placed.Token)
	if r.Status != 404 {
		t.Errorf("status %d, want 404", r.Status)
	}
	assertContains(t, r.Body, "Struk belum tersedia", "Struk tersedia setelah pesanan dibayar.")

	r = customerGet(t, f.URL+"/receipt/"+paid.Token+".pdf")
	if want := `attachment; filename="receipt-toko-budi-` + itoa(paid.Number) + `.pdf"`; r.Header.Get("Content-Disposition") != want {
		t.Errorf("Content-Disposition = %q, want %q", r.Header.Get("Content-Disposition"), want)
	}
}

// TestCustomerReceiptPDFAnyName: emoji and CJK in the store's, customer's
// and items' names give a PDF, not an error or a dropped connection.
func TestCustomerReceiptPDFAnyName(t *testing.T) {
	f := newCustomerFixture(t)
	r := customerGet(t, f.URL+"/receipt/emoji-token.pdf")
	if r.Status != 200 || !strings.HasPrefix(r.Body, "%PDF-") {
		t.Fatalf("status %d, body starts %q; want 200 and a PDF", r.Status, r.Body[:min(len(r.Body), 40)])
	}
}

func TestCustomerEscaping(t *testing.T) {
	f := newCustomerFixture(t)
	for _, path := range []string{"/order/xss-token", "/receipt/xss-token"} {
		r := customerGet(t, f.URL+path)
		if r.Status != 200 {
			t.Fatalf("%s: status %d", path, r.Status)
		}
		for _, raw := range []string{"<script>alert(1)</script>", "<img src=x"} {
			if strings.Contains(r.Body, raw) {
				t.Errorf("%s: unescaped %q in the page", path, raw)
			}
		}
		assertContains(t, r.Body, "&lt;script&gt;alert(1)&lt;/script&gt;")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
