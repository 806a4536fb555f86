package main_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// TestAdminLanguage: the dashboard follows the browser's Accept-Language
// until the admin chooses a language, then the choice, in every session.
func TestAdminLanguage(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		a := MustRunMain(t, dbURL)
		store := a.CreateStore("Toko Kopi Senja")
		orders := "/admin/stores/" + store + "/orders"
		get := func(b *Browser, acceptLanguage string) string {
			t.Helper()
			req, err := http.NewRequest("GET", b.base+orders, nil)
			if err != nil {
				t.Fatal(err)
			}
			if acceptLanguage != "" {
				req.Header.Set("Accept-Language", acceptLanguage)
			}
			resp, err := b.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", orders, resp.StatusCode, body)
			}
			return string(body)
		}
		inID := func(body string) bool {
			return strings.Contains(body, `lang="id"`) && strings.Contains(body, "<h1>Pesanan</h1>")
		}
		inEN := func(body string) bool {
			return strings.Contains(body, `lang="en"`) && strings.Contains(body, "<h1>Orders</h1>")
		}

		b := a.SignIn("admin@example.com")
		if body := get(b, ""); !inEN(body) {
			t.Fatalf("no Accept-Language: not English:\n%s", body)
		}
		if body := get(b, "id-ID,id;q=0.9,en;q=0.5"); !inID(body) {
			t.Fatalf("Accept-Language id-ID: not Indonesian:\n%s", body)
		}
		if body := get(b, "fr-FR,de;q=0.8"); !inEN(body) {
			t.Fatalf("Accept-Language fr: not English:\n%s", body)
		}

		// Choosing Indonesian holds whatever the browser says, in a new
		// session too; choosing English goes back.
		resp, body := b.Post("/admin/language", url.Values{"language": {"id"}, "next": {orders}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != orders {
			t.Fatalf("choose id: %d %q %s", resp.StatusCode, resp.Header.Get("Location"), body)
		}
		if body := get(b, "en-US"); !inID(body) {
			t.Fatalf("chose id, browser en-US: not Indonesian:\n%s", body)
		}
		if body := get(a.SignIn("admin@example.com"), ""); !inID(body) {
			t.Fatalf("chose id, new session: not Indonesian:\n%s", body)
		}
		if resp, body := b.Post("/admin/language", url.Values{"language": {"fr"}, "next": {orders}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("choose fr: %d %s, want 422", resp.StatusCode, body)
		}
		b.Post("/admin/language", url.Values{"language": {"en"}, "next": {orders}})
		if body := get(b, "id"); !inEN(body) {
			t.Fatalf("chose en, browser id: not English:\n%s", body)
		}
		// Not signed in, the choice cannot be made.
		if resp, _ := a.NewBrowser().Post("/admin/language", url.Values{"language": {"id"}}); resp.StatusCode != http.StatusSeeOther ||
			!strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
			t.Fatalf("no session: %d %q, want the sign-in page", resp.StatusCode, resp.Header.Get("Location"))
		}
	})
}
