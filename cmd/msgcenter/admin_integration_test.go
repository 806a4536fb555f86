package main_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// TestAdminIntegration connects a store's own Qiscus app from the Location
// tab: refused input keeps nothing, the secret is never shown back or
// stored in clear, and disconnecting works.
func TestAdminIntegration(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		key := bytes.Repeat([]byte{7}, 32)
		a := MustRunMainWith(t, dbURL, func(c *main.Config) { c.SecretKey = key })
		store := a.CreateStore("Toko Kopi Senja")
		b := a.SignIn("admin@example.com")
		path := "/admin/stores/" + store + "/location"

		resp, page := b.Post(path+"/integration", url.Values{"app_id": {"has space"}, "secret_key": {"s3cret-value"}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "App ID is required") {
			t.Fatalf("bad app id: %d", resp.StatusCode)
		}
		// Until it connects its own, the store's app is its sandbox app.
		if !a.OnSandboxApp(store) {
			t.Fatal("a refused connection was stored")
		}

		resp, _ = b.Post(path+"/integration", url.Values{"app_id": {"kopi-app"}, "secret_key": {"s3cret-value"}, "base_url": {"https://multichannel.qiscus.com"}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("connect: %d", resp.StatusCode)
		}
		_, page = b.Get(path)
		if !strings.Contains(page, "kopi-app") || !strings.Contains(page, "/hooks/qiscus/") || strings.Contains(page, "s3cret-value") {
			t.Fatal("the Location tab should show the app and its webhook URL, never the secret")
		}
		var stored int
		a.Main.DB.SQL().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM integrations WHERE secret_sealed LIKE '%s3cret%'`).Scan(&stored)
		if stored != 0 {
			t.Fatal("the secret is stored in clear")
		}

		if resp, _ := b.Post(path+"/integration", url.Values{"action": {"disconnect"}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("disconnect: %d", resp.StatusCode)
		}
		if !a.OnSandboxApp(store) {
			t.Fatal("after disconnect the store is not back on its sandbox app")
		}
	})
}
