package http_test

import (
	"context"
	"html"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/http"
	"github.com/qiscus/msgcenter/mock"
)

// TestErrorPageLanguage: the error page speaks the store's language on a
// customer page, under the store's name with a way back to its shop, and
// the browser's elsewhere; the code's English messages are translated.
func TestErrorPageLanguage(t *testing.T) {
	st := &msgcenter.Store{ID: 3, Slug: "warung-bu-sri", Name: "Warung Bu Sri 🍜", Currency: "IDR", TimeZone: "Asia/Jakarta",
		Language: msgcenter.LanguageIndonesian}
	srv, err := http.NewServer(http.Config{
		Stores: &mock.StoreService{
			FindStoreBySlugFn: func(_ context.Context, slug string) (*msgcenter.Store, error) {
				if slug == st.Slug {
					return st, nil
				}
				return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
			},
			FindStoreByIDFn: func(context.Context, int64) (*msgcenter.Store, error) { return st, nil },
		},
		Commerce: &mock.CommerceService{FindOrderByTokenFn: func(context.Context, string) (*msgcenter.Order, error) {
			return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Order not found.")
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	for _, tc := range []struct {
		name, path, acceptLanguage string
		want, notWant              []string
	}{
		{"StoreBranded404", "/s/warung-bu-sri/nope", "en", []string{`lang="id"`, "<h1>Halaman tidak ditemukan</h1>",
			"Alamatnya mungkin salah ketik", `id="error-store">Warung Bu Sri 🍜<`, `href="/s/warung-bu-sri"`, "Kembali ke Warung Bu Sri 🍜"}, []string{"Page not found"}},
		{"SamplePageOfStore", "/s/warung-bu-sri/sample/nope", "en", []string{`lang="id"`, "Alamatnya mungkin salah ketik", "Kembali ke Warung Bu Sri 🍜"}, nil},
		{"UnknownShopIndonesianBrowser", "/s/nobody/sample/order", "id-ID,id;q=0.9", []string{`lang="id"`, "Toko tidak ditemukan."}, []string{"error-store"}},
		{"UnknownShopEnglishBrowser", "/s/nobody/sample/order", "en-US", []string{`lang="en"`, "<h1>Page not found</h1>", "Shop not found."}, nil},
		{"UnknownOrderIndonesianBrowser", "/order/unknown-token", "id", []string{`lang="id"`, "Pesanan tidak ditemukan."}, []string{"Order not found"}},
		{"UnknownPathEnglish", "/nowhere", "", []string{`lang="en"`, "<h1>Page not found</h1>", "The address may be mistyped"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := nethttp.NewRequest("GET", ts.URL+tc.path, nil)
			req.Header.Set("Accept", "text/html")
			if tc.acceptLanguage != "" {
				req.Header.Set("Accept-Language", tc.acceptLanguage)
			}
			resp, err := nethttp.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			body := html.UnescapeString(string(b))
			if resp.StatusCode != nethttp.StatusNotFound {
				t.Fatalf("status %d, want 404", resp.StatusCode)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q:\n%s", w, body)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("page has %q", w)
				}
			}
		})
	}
}

// TestLocationErrorsTranslated: an Indonesian admin's refused Location
// form reads in Indonesian, the domain's English field messages included,
// and the bank transfer instructions come back as typed.
func TestLocationErrorsTranslated(t *testing.T) {
	admin := &msgcenter.User{ID: 7, Email: "admin@example.com", Language: msgcenter.LanguageIndonesian}
	st := &msgcenter.Store{ID: 1, OwnerID: 7, Slug: "warung", Name: "Warung", Currency: "IDR", TimeZone: "Asia/Jakarta",
		Language: msgcenter.LanguageIndonesian, IncompleteDelay: msgcenter.DefaultIncompleteDelay, UnpaidHold: msgcenter.DefaultUnpaidHold}
	srv, err := http.NewServer(http.Config{
		Users: &mock.UserService{FindUserBySessionFn: func(context.Context, string) (*msgcenter.User, error) { return admin, nil }},
		Stores: &mock.StoreService{
			FindStoreFn:  func(context.Context, int64, string) (*msgcenter.Store, error) { return st, nil },
			FindStoresFn: func(context.Context, int64) ([]*msgcenter.Store, error) { return []*msgcenter.Store{st}, nil },
			UpdateStoreFn: func(_ context.Context, _, _ int64, upd msgcenter.StoreUpdate) (*msgcenter.Store, error) {
				s := *st
				upd.Apply(&s)
				return nil, s.Validate()
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	form := "name=&address=&time_zone=Asia/Jakarta&language=id&order_incomplete_delay_minutes=30&bank_transfer_instructions=" +
		strings.Repeat("x", 1001)
	req, _ := nethttp.NewRequest("POST", ts.URL+"/admin/stores/1/location", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&nethttp.Cookie{Name: "msgcenter_session", Value: "s3ssion"})
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	body := html.UnescapeString(string(b))
	if resp.StatusCode != nethttp.StatusUnprocessableEntity {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	for _, w := range []string{"Data toko tidak valid. Periksa kolom yang ditandai di bawah.", "wajib diisi", "paling banyak 1.000 karakter",
		strings.Repeat("x", 1001) + "</textarea>"} {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	for _, w := range []string{"is required", "must be at most", "The store is not valid"} {
		if strings.Contains(body, w) {
			t.Errorf("page has English %q", w)
		}
	}
}
