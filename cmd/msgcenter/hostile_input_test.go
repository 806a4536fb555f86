package main_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	main "github.com/qiscus/msgcenter/cmd/msgcenter"
)

// TestHostileInput is the hostile-input suite of the API on both engines:
// each refusal has its exact status and field, and leaves the stored state
// as it was.
func TestHostileInput(t *testing.T) {
	runEngineCases(t, []engineCase{
		{"StrictJSON", testHostileStrictJSON},
		{"Idempotency", testHostileIdempotency},
		{"QiscusBaseURL", testHostileQiscusBaseURL},
		{"UnpaidRelease", testHostileUnpaidRelease},
		{"StrangerCheckout", testHostileStrangerCheckout},
	})
}

// doH sends a raw body with extra headers and returns status and body.
func doH(t *testing.T, a *App, method, path, body string, hdr map[string]string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, a.Base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+a.Token)
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(out)
}

// storeState is what a refused request must leave as it was: the store's
// orders, rooms, products (with their stock), channels and messages, and
// the admin's stores.
func storeState(t *testing.T, sh *Shop) string {
	t.Helper()
	var out []string
	for _, kind := range []string{"orders", "rooms", "products", "channels"} {
		var raw map[string]json.RawMessage
		sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store+"/"+kind, nil, &raw)
		out = append(out, kind+"="+string(raw[kind]))
	}
	// Messages change status as they are sent: their ids are what a
	// refused request must not add to.
	var ds struct {
		Deliveries []struct {
			ID int64 `json:"id"`
		} `json:"deliveries"`
	}
	sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store+"/deliveries", nil, &ds)
	out = append(out, fmt.Sprint("deliveries=", ds.Deliveries))
	var stores json.RawMessage
	sh.MustJSON(200, "GET", "/api/v1/stores", nil, &stores)
	return strings.Join(out, "\n") + "\nstores=" + string(stores)
}

func testHostileStrictJSON(t *testing.T, dbURL string) {
	a := MustRunMain(t, dbURL)
	sh := a.NewShop("Toko Kopi Senja")
	other := a.NewShop("Toko Lain")
	st := "/api/v1/stores/" + sh.Store
	order := func(mod func(map[string]any)) string {
		b := sh.orderBody(sh.WARoom)
		mod(b)
		raw, _ := json.Marshal(b)
		return string(raw)
	}
	future := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		field, want              string
	}{
		{"OrderUnknownField", "POST", st + "/orders", order(func(b map[string]any) { b["coupon"] = "FREE" }), 422, "coupon", "is not a field"},
		{"OrderNestedUnknownField", "POST", st + "/orders", order(func(b map[string]any) {
			b["items"] = []map[string]any{{"product_id": sh.Kopi, "qty": 2}}
		}), 422, "items[0].qty", "is not a field"},
		{"OrderDeliveryMethod", "POST", st + "/orders", order(func(b map[string]any) { b["delivery_method"] = "teleport" }), 422, "delivery_method", "must be one of pickup, regular, instant"},
		{"OrderPaymentMethod", "POST", st + "/orders", order(func(b map[string]any) { b["payment_method"] = "iou" }), 422, "payment_method", "must be one of bank_transfer"},
		{"OrderNUL", "POST", st + "/orders", order(func(b map[string]any) { b["customer_name"] = "Bu\x00di" }), 422, "customer_name", "valid text"},
		{"OrderInvalidUTF8", "POST", st + "/orders", strings.Replace(order(func(b map[string]any) { b["address"] = "XX" }), "XX", "\xff\xfe", 1), 422, "address", "valid text"},
		{"OrderOtherStoresProduct", "POST", st + "/orders", order(func(b map[string]any) {
			b["items"] = []map[string]any{{"product_id": sh.Kopi, "quantity": 1}, {"product_id": other.Kopi, "quantity": 1}}
		}), 422, "items[1].product_id", "is not a product of this store"},
		{"OrderWrongTypeInWords", "POST", st + "/orders", order(func(b map[string]any) {
			b["items"] = []map[string]any{{"product_id": fmt.Sprint(sh.Kopi), "quantity": 1}}
		}), 422, "items.product_id", "must be a whole number"},
		{"CheckoutOtherStoresProduct", "POST", st + "/checkouts", fmt.Sprintf(`{"room_id":%d,"items":[{"product_id":%d,"quantity":1}]}`, sh.WARoom, other.Kopi), 422, "items[0].product_id", "is not a product of this store"},
		{"CheckoutUnknownField", "POST", st + "/checkouts", fmt.Sprintf(`{"room_id":%d,"items":[{"product_id":%d,"quantity":1}],"due_at":"2020-01-01T00:00:00Z"}`, sh.WARoom, sh.Kopi), 422, "due_at", "is not a field"},
		{"ProductUnknownField", "POST", st + "/products", `{"name":"Es Teh","price":8000,"stock":5,"discount":10}`, 422, "discount", "is not a field"},
		{"ProductControlChar", "POST", st + "/products", `{"name":"Es\u001bTeh","price":8000,"stock":5}`, 422, "name", "valid text"},
		{"ProductTypeInWords", "PATCH", st + fmt.Sprintf("/products/%d", sh.Kopi), `{"price":"murah"}`, 422, "price", "must be a whole number"},
		{"StoreUnknownField", "POST", "/api/v1/stores", `{"name":"Toko Baru","automation_enabeld":false}`, 422, "automation_enabeld", "is not a field"},
		{"StorePatchUnknownField", "PATCH", st, `{"nmae":"Typo"}`, 422, "nmae", "is not a field"},
		{"RoomFutureInbound", "POST", st + "/rooms", fmt.Sprintf(`{"channel_id":%d,"customer_name":"Eve","last_inbound_at":%q}`, sh.WhatsApp, future), 422, "last_inbound_at", "must not be in the future"},
		{"RoomPatchFutureInbound", "PATCH", st + fmt.Sprintf("/rooms/%d", sh.WARoom), fmt.Sprintf(`{"last_inbound_at":%q}`, future), 422, "last_inbound_at", "must not be in the future"},
		{"RoomBadTime", "PATCH", st + fmt.Sprintf("/rooms/%d", sh.WARoom), `{"last_inbound_at":"tomorrow"}`, 422, "last_inbound_at", "must be a time"},
		{"MessageCenterTypo", "PUT", st + "/message-center/order_placed", `{"automation_enabeld":false}`, 422, "automation_enabeld", "is not a field"},
		{"OrderStatusFilter", "GET", st + "/orders?status=shipped", "", 422, "status", "must be one of placed, paid"},
		{"MalformedJSON", "POST", st + "/orders", `{"items":`, 400, "", ""},
		{"EmptyBody", "POST", st + "/orders", ``, 400, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := storeState(t, sh)
			status, _, body := doH(t, a, tc.method, tc.path, tc.body, nil)
			if status != tc.status {
				t.Fatalf("%s %s = %d %s, want %d", tc.method, tc.path, status, body, tc.status)
			}
			var e apiError
			if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Message == "" {
				t.Fatalf("error body %s", body)
			}
			if tc.field != "" && !strings.Contains(e.Error.Fields[tc.field], tc.want) {
				t.Fatalf("fields = %v, want %s: %q", e.Error.Fields, tc.field, tc.want)
			}
			if strings.Contains(body, "msgcenter.") || strings.Contains(body, "int64") || strings.Contains(body, "json: ") {
				t.Fatalf("the error speaks Go: %s", body)
			}
			if after := storeState(t, sh); after != before {
				t.Fatalf("a refused request changed the store:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func testHostileIdempotency(t *testing.T, dbURL string) {
	clock := NewClock()
	a := MustRunMainWith(t, dbURL, func(c *main.Config) { c.Now = clock.Now })
	sh := a.NewShop("Toko Kopi Senja")
	st := "/api/v1/stores/" + sh.Store
	raw, _ := json.Marshal(sh.orderBody(sh.IGRoom))
	body := string(raw)
	key := map[string]string{"Idempotency-Key": "order-7f3c9a"}

	status1, _, first := doH(t, a, "POST", st+"/orders", body, key)
	if status1 != 201 {
		t.Fatalf("first = %d %s", status1, first)
	}
	before := storeState(t, sh)
	// The same request again, formatted otherwise: the first answer, and
	// nothing new.
	spaced := strings.ReplaceAll(body, ",", ", ")
	for _, b := range []string{body, spaced} {
		status, hdr, again := doH(t, a, "POST", st+"/orders", b, key)
		if status != status1 || again != first || hdr.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("retry = %d %s (replayed %q), want %d %s", status, again, hdr.Get("Idempotent-Replayed"), status1, first)
		}
	}
	if after := storeState(t, sh); after != before {
		t.Fatalf("a retry changed the store:\nbefore %s\nafter  %s", before, after)
	}
	// The same key with another body.
	other := strings.Replace(body, `"quantity":2`, `"quantity":3`, 1)
	status, _, out := doH(t, a, "POST", st+"/orders", other, key)
	if status != 422 || !strings.Contains(out, `"Idempotency-Key"`) {
		t.Fatalf("same key, other body = %d %s, want 422 naming Idempotency-Key", status, out)
	}
	// …or another route.
	status, _, out = doH(t, a, "POST", st+"/products", `{"name":"Es Teh","price":8000,"stock":5}`, key)
	if status != 422 || !strings.Contains(out, `"Idempotency-Key"`) {
		t.Fatalf("same key, other route = %d %s, want 422", status, out)
	}
	if after := storeState(t, sh); after != before {
		t.Fatalf("a refused key changed the store:\nbefore %s\nafter  %s", before, after)
	}
	// A bad key.
	status, _, out = doH(t, a, "POST", st+"/orders", body, map[string]string{"Idempotency-Key": strings.Repeat("k", 256)})
	if status != 422 || !strings.Contains(out, `"Idempotency-Key"`) {
		t.Fatalf("long key = %d %s, want 422", status, out)
	}
	// A failed order (409, with its Order Failed message) is answered once
	// too: the retry sends no second message.
	failBody := strings.Replace(body, `"quantity":2`, `"quantity":1000`, 1)
	failKey := map[string]string{"Idempotency-Key": "order-fails"}
	status, _, failed := doH(t, a, "POST", st+"/orders", failBody, failKey)
	if status != 409 {
		t.Fatalf("failing order = %d %s", status, failed)
	}
	mid := storeState(t, sh)
	if status, _, again := doH(t, a, "POST", st+"/orders", failBody, failKey); status != 409 || again != failed {
		t.Fatalf("failing order retried = %d %s", status, again)
	}
	if after := storeState(t, sh); after != mid {
		t.Fatalf("a retried failed order changed the store")
	}
	// Every creating route takes a key.
	for _, c := range []struct{ path, body string }{
		{"/api/v1/stores", `{"name":"Toko Kedua"}`},
		{st + "/products", `{"name":"Es Teh","price":8000,"stock":5}`},
		{st + "/checkouts", fmt.Sprintf(`{"room_id":%d,"items":[{"product_id":%d,"quantity":1}]}`, sh.WARoom, sh.Kopi)},
		{st + "/message-center/order_placed/test", fmt.Sprintf(`{"room_id":%d}`, sh.IGRoom)},
	} {
		k := map[string]string{"Idempotency-Key": "create-" + c.path}
		s1, _, o1 := doH(t, a, "POST", c.path, c.body, k)
		if s1 != 201 && s1 != 200 && s1 != 202 {
			t.Fatalf("POST %s = %d %s", c.path, s1, o1)
		}
		mid := storeState(t, sh)
		s2, hdr, o2 := doH(t, a, "POST", c.path, c.body, k)
		if s2 != s1 || o2 != o1 || hdr.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("POST %s retried = %d %s, want %d %s", c.path, s2, o2, s1, o1)
		}
		if after := storeState(t, sh); after != mid {
			t.Fatalf("POST %s retried changed the store", c.path)
		}
	}
	// Without a key every request is new.
	if status, _, o := doH(t, a, "POST", st+"/orders", body, nil); status != 201 || o == first {
		t.Fatalf("without a key = %d %s", status, o)
	}
	// After 24 hours the key is forgotten: the same request is a new order.
	clock.Advance(24*time.Hour + time.Minute)
	status, hdr, late := doH(t, a, "POST", st+"/orders", body, key)
	if status != 201 || late == first || hdr.Get("Idempotent-Replayed") != "" {
		t.Fatalf("after 24 h = %d %s, want a new order", status, late)
	}
}

func testHostileQiscusBaseURL(t *testing.T, dbURL string) {
	a := MustRunMainWith(t, dbURL, func(c *main.Config) {
		c.SecretKey = []byte("0123456789abcdef0123456789abcdef")
		c.QiscusHosts = []string{"127.0.0.1:9"}
	})
	st := "/api/v1/stores/" + a.CreateStore("Toko Kopi Senja")
	for _, u := range []string{
		"http://169.254.169.254/latest/meta-data", "http://127.0.0.1:8080", "http://localhost:9", "http://[::1]:9",
		"http://10.0.0.1", "https://evil.example", "https://multichannel.qiscus.com.evil.example", "http://0.0.0.0:9",
	} {
		body := fmt.Sprintf(`{"app_id":"kopi","secret_key":"s3cret","base_url":%q}`, u)
		status, _, out := doH(t, a, "PUT", st+"/integration/qiscus", body, nil)
		if status != 422 || !strings.Contains(out, `"base_url":"must be a Qiscus API address`) {
			t.Fatalf("base_url %s = %d %s, want 422 on base_url", u, status, out)
		}
		if status, _, out := doH(t, a, "GET", st+"/integration/qiscus", "", nil); status != 200 || !strings.Contains(out, `/sandbox/qiscus"`) {
			t.Fatalf("after refusing %s: GET = %d %s, want the store's sandbox app", u, status, out)
		}
	}
	for _, u := range []string{"", "https://multichannel.qiscus.com", "https://omnichannel.qiscus.com", "http://127.0.0.1:9"} {
		body := fmt.Sprintf(`{"app_id":"kopi","secret_key":"s3cret","base_url":%q}`, u)
		if status, _, out := doH(t, a, "PUT", st+"/integration/qiscus", body, nil); status != 200 {
			t.Fatalf("base_url %q = %d %s, want 200", u, status, out)
		}
	}
}

// testHostileUnpaidRelease checks that orders nobody pays cannot empty a
// store: once the store's hold passes, the order's River job expires it and
// its items go back to stock, counted once; both pages say so.
func testHostileUnpaidRelease(t *testing.T, dbURL string) {
	clock := NewClock()
	a := MustRunMainWith(t, dbURL, func(c *main.Config) { c.Now = clock.Now })
	sh := a.NewShop("Toko Kopi Senja")
	st := "/api/v1/stores/" + sh.Store
	var store struct {
		Hold int `json:"unpaid_hold_minutes"`
	}
	sh.MustJSON(200, "GET", st, nil, &store)
	if store.Hold != 120 {
		t.Fatalf("default hold = %d minutes, want 120", store.Hold)
	}
	for _, bad := range []int{0, 9, 10081, -1, 1 << 40} {
		status, _, out := doH(t, a, "PATCH", st, fmt.Sprintf(`{"unpaid_hold_minutes":%d}`, bad), nil)
		if status != 422 || !strings.Contains(out, `"unpaid_hold_minutes":"must be between 10 and 10080 minutes"`) {
			t.Fatalf("hold %d = %d %s", bad, status, out)
		}
	}
	sh.MustJSON(200, "PATCH", st, map[string]any{"unpaid_hold_minutes": 10}, &store)

	stock := func() int {
		var ps struct {
			Products []struct {
				ID    int64 `json:"id"`
				Stock int   `json:"stock"`
			} `json:"products"`
		}
		sh.MustJSON(200, "GET", st+"/products", nil, &ps)
		for _, p := range ps.Products {
			if p.ID == sh.Kopi {
				return p.Stock
			}
		}
		t.Fatal("no Kopi Susu")
		return 0
	}
	// An order placed 15 minutes ago (by the store's clock) is 5 minutes
	// past its hold when it commits: River runs its job at once.
	clock.Advance(-15 * time.Minute)
	o := sh.Order(sh.IGRoom)
	var placed struct {
		ReleaseAt time.Time `json:"release_at"`
		CreatedAt time.Time `json:"created_at"`
	}
	sh.MustJSON(200, "GET", fmt.Sprintf("%s/orders/%d", st, o.ID), nil, &placed)
	if !placed.ReleaseAt.Equal(placed.CreatedAt.Add(10 * time.Minute)) {
		t.Fatalf("release at %v, created %v: want 10 minutes later", placed.ReleaseAt, placed.CreatedAt)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		var got orderOut
		sh.MustJSON(200, "GET", fmt.Sprintf("%s/orders/%d", st, o.ID), nil, &got)
		if got.Status == "expired" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("order status %q, want expired", got.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := stock(); n != 1000 {
		t.Fatalf("Kopi stock %d after the release, want 1000", n)
	}
	if n := releasedTotal(t, a.Main); n != 1 {
		t.Fatalf("msgcenter_unpaid_orders_released_total = %v, want 1", n)
	}
	status, _, out := doH(t, a, "POST", fmt.Sprintf("%s/orders/%d/pay", st, o.ID), "", nil)
	if status != 409 || !strings.Contains(out, "expired") {
		t.Fatalf("pay an expired order = %d %s, want 409", status, out)
	}
	resp, page := a.Do("GET", "/order/"+o.Token, "", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(page), "Expired") || !strings.Contains(string(page), "its items were released") {
		t.Fatalf("customer page %d: %s", resp.StatusCode, page)
	}
	// A fresh order's page says until when its items are held.
	clock.Advance(15 * time.Minute)
	fresh := sh.Order(sh.IGRoom)
	if _, page := a.Do("GET", "/order/"+fresh.Token, "", nil); !strings.Contains(string(page), "Your items are reserved until") {
		t.Fatalf("customer page of an unpaid order: %s", page)
	}
}

// releasedTotal reads msgcenter_unpaid_orders_released_total.
func releasedTotal(t *testing.T, m *main.Main) float64 {
	t.Helper()
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() == "msgcenter_unpaid_orders_released_total" {
			return f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	return 0
}

// testHostileStrangerCheckout checks that the public microsite, which holds
// no proof of any room, never reaches a customer's room: an order (placed
// or failed) typed with the phone of a store's customer joins no room and
// sends that customer nothing; the stranger sees the order's page.
func testHostileStrangerCheckout(t *testing.T, dbURL string) {
	a := MustRunMain(t, dbURL)
	sh := a.NewShop("Toko Kopi Senja")
	var st struct {
		Slug string `json:"slug"`
	}
	sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store, nil, &st)
	before := [2]int{len(sh.Outbox(sh.WARoom)), len(sh.Outbox(sh.IGRoom))}
	form := url.Values{
		"qty_" + strconv.FormatInt(sh.Kopi, 10): {"1"},
		"name":                                  {"Budi, your order was cancelled: pay again at evil.example"}, "phone": {"+6281234567890"},
		"address": {"Jl. Braga 1"}, "delivery_method": {"regular"}, "payment_method": {"cod"},
	}
	resp, body := sh.PostForm("/s/"+st.Slug+"/order", form)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/s/"+st.Slug+"/orders/") {
		t.Fatalf("plain order: %d %s %s", resp.StatusCode, loc, body)
	}
	if code, page := sh.Get(loc); code != 200 {
		t.Fatalf("order page: %d %s", code, page)
	}
	var orders struct {
		Orders []struct {
			ID     int64  `json:"id"`
			RoomID *int64 `json:"room_id"`
		} `json:"orders"`
	}
	sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store+"/orders", nil, &orders)
	if len(orders.Orders) != 1 || orders.Orders[0].RoomID != nil {
		t.Fatalf("orders %+v: want one, without a room", orders.Orders)
	}
	if got := sh.WaitOrderDeliveries(orders.Orders[0].ID, 1); got.Summary.Sent != 0 {
		t.Fatalf("the stranger's order sent a message: %+v", got)
	}
	// The form's text is held to the API's rule: a NUL byte is refused by
	// field and nothing is ordered.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("name", "Bu\x00di")
	if resp, body := sh.PostForm("/s/"+st.Slug+"/order", bad); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "valid text") {
		t.Fatalf("a NUL in the form's name: %d %s", resp.StatusCode, body)
	}
	sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store+"/orders", nil, &orders)
	if len(orders.Orders) != 1 {
		t.Fatalf("a refused form placed an order: %+v", orders.Orders)
	}
	// A plain order that fails (out of stock) sends its Order Failed to no
	// room either.
	sh.MustJSON(200, "PATCH", fmt.Sprintf("/api/v1/stores/%s/products/%d", sh.Store, sh.Kopi), map[string]any{"stock": 0}, nil)
	if resp, body := sh.PostForm("/s/"+st.Slug+"/order", form); resp.StatusCode != http.StatusConflict {
		t.Fatalf("failed plain order: %d %s", resp.StatusCode, body)
	}
	sh.WaitStoreDeliveries(1)
	if after := [2]int{len(sh.Outbox(sh.WARoom)), len(sh.Outbox(sh.IGRoom))}; after != before {
		t.Fatalf("the customer's rooms got messages from a stranger: outboxes %v → %v", before, after)
	}
}
