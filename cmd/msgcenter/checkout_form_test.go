package main_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestCheckoutForm checks that the checkout form refuses what the order API
// refuses, as field errors in the store's language before anything is
// written: a delivery or payment method the store does not offer, named
// beside its choices, and a product the store does not have, named by its
// line. Nothing is recorded, nobody is messaged, and the checkout stays
// open for the corrected form.
func TestCheckoutForm(t *testing.T) {
	runEngineCases(t, []engineCase{{"Refusals", testCheckoutFormRefusals}})
}

func testCheckoutFormRefusals(t *testing.T, dbURL string) {
	sh := MustRunMain(t, dbURL).NewShop("Toko Kopi Senja")
	var c struct {
		Token string `json:"token"`
	}
	sh.MustJSON(201, "POST", "/api/v1/stores/"+sh.Store+"/checkouts",
		map[string]any{"room_id": sh.WARoom, "items": []map[string]any{{"product_id": sh.Kopi, "quantity": 1}}}, &c)
	resume := "/s/toko-kopi-senja/checkout/" + c.Token
	good := func() url.Values {
		return url.Values{"name": {"Budi"}, "phone": {"+6281234567890"}, "address": {"Jl. Braga 1"},
			"delivery_method": {"regular"}, "payment_method": {"qris"}}
	}
	refused := func(t *testing.T, path string, form url.Values, want ...string) {
		t.Helper()
		before := storeState(t, sh)
		resp, body := sh.PostForm(path, form)
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("POST %s = %d, want 422: %s", path, resp.StatusCode, body)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Fatalf("the page lacks %q: %s", w, body)
			}
		}
		if after := storeState(t, sh); after != before {
			t.Fatalf("a refused form changed the store:\nbefore %s\nafter  %s", before, after)
		}
		if out := sh.Outbox(sh.WARoom); len(out) != 0 {
			t.Fatalf("the room got %d messages", len(out))
		}
	}

	t.Run("English", func(t *testing.T) {
		form := good()
		form.Set("delivery_method", "teleport")
		refused(t, resume, form, "Some details need a fix", `id="delivery-error">Choose one of these delivery methods.`)
		form = good()
		form.Set("payment_method", "iou")
		refused(t, resume, form, `id="payment-error">Choose one of these payment methods.`)
	})
	t.Run("Indonesian", func(t *testing.T) {
		sh.MustJSON(200, "PATCH", "/api/v1/stores/"+sh.Store, map[string]any{"language": "id"}, nil)
		form := good()
		form.Set("delivery_method", "teleport")
		refused(t, resume, form, "Ada data yang perlu diperbaiki", `id="delivery-error">Pilih salah satu metode pengiriman ini.`)
		// The plain microsite's cart names a product the store does not
		// have: its line is named, and the line reads "not found".
		plain := good()
		plain.Set("qty_"+strconv.FormatInt(sh.Kopi, 10), "1")
		plain.Set("qty_999999999", "2")
		refused(t, "/s/toko-kopi-senja/order", plain, `id="items-error">Baris 2 keranjang bukan produk toko ini.`, "tidak ditemukan")
	})
	t.Run("CorrectedFormPlaces", func(t *testing.T) {
		resp, body := sh.PostForm(resume, good())
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/s/toko-kopi-senja/orders/") {
			t.Fatalf("the corrected form: %d %s", resp.StatusCode, body)
		}
		if got := sh.WaitOrderDeliveries(firstOrderID(t, sh), 1); len(got.Deliveries) != 1 {
			t.Fatalf("order messages: %+v", got.Deliveries)
		}
	})
}

// firstOrderID returns the id of the store's only order.
func firstOrderID(t *testing.T, sh *Shop) int64 {
	t.Helper()
	var os struct {
		Orders []struct {
			ID int64 `json:"id"`
		} `json:"orders"`
	}
	sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store+"/orders", nil, &os)
	if len(os.Orders) != 1 {
		t.Fatalf("%d orders, want 1", len(os.Orders))
	}
	return os.Orders[0].ID
}
