package main_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// TestMessageLinks follows the buttons of real order_placed and order_paid
// messages to the customer's pages, and checks the sandbox shows each admin
// only their own stores' rooms.
func TestMessageLinks(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		sh := MustRunMain(t, dbURL).NewShop("Toko Kopi Senja")
		o := sh.Order(sh.IGRoom)
		sh.WaitOrderDeliveries(o.ID, 1)
		placed := sh.Outbox(sh.IGRoom)[0]
		code, page := sh.Get(placed.ButtonURL)
		if code != 200 || !strings.Contains(page, "#1") || !strings.Contains(page, "Kopi Susu") || strings.Contains(page, "/receipt/") {
			t.Fatalf("order_placed button %s: %d (want the order page, no receipt button before payment)", placed.ButtonURL, code)
		}
		sh.MustJSON(200, "POST", fmt.Sprintf("/api/v1/stores/%s/orders/%d/pay", sh.Store, o.ID), nil, nil)
		sh.WaitOrderDeliveries(o.ID, 2)
		out := sh.Outbox(sh.IGRoom)
		if len(out) != 2 {
			t.Fatalf("%d messages", len(out))
		}
		code, page = sh.Get(out[1].ButtonURL)
		if code != 200 || !strings.Contains(page, ".pdf") || !strings.Contains(page, "Rp") {
			t.Fatalf("order_paid button %s: %d (want the receipt page with its Download link)", out[1].ButtonURL, code)
		}
		code, page = sh.Get(strings.Replace(out[1].ButtonURL, "/receipt/", "/order/", 1))
		if code != 200 || !strings.Contains(page, "/receipt/"+o.Token) {
			t.Fatalf("paid order page: %d, want the View Order Receipt button", code)
		}

		// The sandbox is the signed-in admin's: anonymous visitors get
		// nothing, another admin sees none of these rooms.
		resp, _ := sh.Do("GET", "/sandbox", "", nil)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("anonymous /sandbox: %d, want 401", resp.StatusCode)
		}
		other := sh.NewAdmin("other@example.com")
		resp, body := sh.Do("GET", fmt.Sprintf("/sandbox/rooms/%d", sh.P(sh.IGRoom)), other, nil)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(string(body), "Budi") {
			t.Errorf("another admin's view of the room: %d", resp.StatusCode)
		}
		resp, body = sh.Do("GET", "/sandbox", sh.Token, nil)
		if resp.StatusCode != 200 || !strings.Contains(string(body), "Budi") {
			t.Errorf("the owner's /sandbox: %d", resp.StatusCode)
		}
	})
}
