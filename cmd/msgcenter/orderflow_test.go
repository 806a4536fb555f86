package main_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/qiscus/msgcenter"
	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// Clock is real time plus an offset that tests move forward.
type Clock struct {
	mu     sync.Mutex
	offset time.Duration
}

// NewClock starts a clock at real time, so River's own timers agree with it.
func NewClock() *Clock { return &Clock{} }

// Now returns real time moved by the clock's offset.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().UTC().Add(c.offset)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

// Shop is a store with products, channels and rooms, made through the API.
type Shop struct {
	*App
	Store        string
	StoreID      int64
	Kopi, Roti   int64 // products
	WhatsApp, IG int64 // channels
	WARoom       int64 // Budi on WhatsApp
	IGRoom       int64 // Budi on Instagram
}

func (a *App) NewShop(name string) *Shop {
	a.tb.Helper()
	sh := &Shop{App: a, Store: a.CreateStore(name)}
	fmt.Sscan(sh.Store, &sh.StoreID)
	sh.Kopi = a.create("products", sh.Store, map[string]any{"name": "Kopi Susu", "price": 25000, "stock": 1000})
	sh.Roti = a.create("products", sh.Store, map[string]any{"name": "Roti Bakar", "price": 18000, "stock": 1000})
	sh.WhatsApp = a.create("channels", sh.Store, map[string]any{"type": "whatsapp", "name": "WA Toko"})
	sh.IG = a.create("channels", sh.Store, map[string]any{"type": "instagram", "name": "IG Toko"})
	sh.WARoom = a.create("rooms", sh.Store, map[string]any{"channel_id": sh.WhatsApp, "customer_name": "Budi", "customer_phone": "+6281234567890"})
	sh.IGRoom = a.create("rooms", sh.Store, map[string]any{"channel_id": sh.IG, "customer_name": "Budi"})
	return sh
}

func (a *App) create(kind, store string, body map[string]any) int64 {
	a.tb.Helper()
	var out struct {
		ID int64 `json:"id"`
	}
	a.MustJSON(http.StatusCreated, "POST", "/api/v1/stores/"+store+"/"+kind, body, &out)
	return out.ID
}

type orderOut struct {
	ID     int64  `json:"id"`
	Number int64  `json:"number"`
	Token  string `json:"token"`
	Status string `json:"status"`
}

// Order places an order of 2 Kopi Susu and 1 Roti Bakar from room.
func (sh *Shop) Order(room int64) orderOut {
	sh.tb.Helper()
	var o orderOut
	sh.MustJSON(http.StatusCreated, "POST", "/api/v1/stores/"+sh.Store+"/orders", sh.orderBody(room), &o)
	return o
}

func (sh *Shop) orderBody(room int64) map[string]any {
	return map[string]any{
		"room_id": room, "customer_name": "Budi", "customer_phone": "+6281234567890", "address": "Jl. Braga 1",
		"items":           []map[string]any{{"product_id": sh.Kopi, "quantity": 2}, {"product_id": sh.Roti, "quantity": 1}},
		"delivery_method": "regular", "payment_method": "bank_transfer",
	}
}

type delivery struct {
	ID          int64  `json:"id"`
	Event       string `json:"event"`
	Kind        string `json:"kind"`
	Status      string `json:"status"`
	Reason      string `json:"reason"`
	ReasonText  string `json:"reason_text"`
	Text        string `json:"text"`
	ButtonURL   string `json:"button_url"`
	ChannelType string `json:"channel_type"`
	Attempts    []struct {
		Outcome string `json:"outcome"`
	} `json:"attempts"`
}

type deliveriesOut struct {
	Summary    msgcenter.DeliverySummary `json:"summary"`
	Deliveries []delivery                `json:"deliveries"`
}

// WaitOrderDeliveries waits until the order has n messages and none is queued.
func (sh *Shop) WaitOrderDeliveries(orderID int64, n int) deliveriesOut {
	sh.tb.Helper()
	var out deliveriesOut
	deadline := time.Now().Add(90 * time.Second)
	for {
		sh.MustJSON(200, "GET", fmt.Sprintf("/api/v1/stores/%s/orders/%d/deliveries", sh.Store, orderID), nil, &out)
		if len(out.Deliveries) >= n && out.Summary.Queued == 0 {
			return out
		}
		if time.Now().After(deadline) {
			sh.tb.Fatalf("order %d: deliveries %+v, want %d final", orderID, out, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WaitStoreDeliveries waits until the store has n order-less messages, none queued.
func (sh *Shop) WaitStoreDeliveries(n int) []delivery {
	sh.tb.Helper()
	var out deliveriesOut
	deadline := time.Now().Add(90 * time.Second)
	for {
		sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store+"/deliveries", nil, &out)
		queued := 0
		for _, d := range out.Deliveries {
			if d.Status == "queued" {
				queued++
			}
		}
		if len(out.Deliveries) >= n && queued == 0 {
			return out.Deliveries
		}
		if time.Now().After(deadline) {
			sh.tb.Fatalf("store deliveries %+v, want %d final", out.Deliveries, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Outbox returns the messages the sandbox carried to a room.
func (sh *Shop) Outbox(room int64) []*sandbox.Message {
	sh.tb.Helper()
	ms, err := sh.Main.Sandbox.Messages(context.Background(), sh.StoreID, room)
	if err != nil {
		sh.tb.Fatal(err)
	}
	var out []*sandbox.Message
	for _, m := range ms {
		if m.Direction == "out" {
			out = append(out, m)
		}
	}
	return out
}

func TestOrderFlow(t *testing.T) {
	cases := []engineCase{
		{"GoldenPlacedAndPaid", testGoldenPlacedAndPaid},
		{"GoldenFailed", testGoldenFailed},
		{"GoldenIncomplete", testGoldenIncomplete},
		{"ToggleOff", testToggleOff},
		{"ConfigAtSendTime", testConfigAtSendTime},
		{"SessionExpired", testSessionExpired},
		{"PayIdempotent", testPayIdempotent},
		{"Faults", testFaults},
		{"Stock", testStock},
		{"PayRules", testPayRules},
		{"RestockOnRefund", testRestockOnRefund},
		{"RequeueLostJob", testRequeueLostJob},
		{"InputGone", testInputGone},
	}
	runEngineCases(t, cases)
}

func testGoldenPlacedAndPaid(t *testing.T, dbURL string) {
	sh := MustRunMainWith(t, dbURL, func(c *main.Config) { c.PublicURL = "https://shop.example.com/" }).NewShop("Toko Kopi Senja")
	o := sh.Order(sh.WARoom)
	sh.WaitOrderDeliveries(o.ID, 1)
	sh.MustJSON(200, "POST", fmt.Sprintf("/api/v1/stores/%s/orders/%d/pay", sh.Store, o.ID), nil, nil)
	got := sh.WaitOrderDeliveries(o.ID, 2)
	if got.Summary.Sent != 2 || got.Summary.Failed != 0 {
		t.Fatalf("summary = %+v", got.Summary)
	}
	out := sh.Outbox(sh.WARoom)
	if len(out) != 2 {
		t.Fatalf("room got %d messages, want 2", len(out))
	}
	wantPlaced := "Hi Budi, thank you for shopping at Toko Kopi Senja! Your order #1 has been placed.\n\n" +
		"2 x Kopi Susu — Rp\u00a050.000\n1 x Roti Bakar — Rp\u00a018.000\n\n" +
		"Subtotal: Rp\u00a068.000\nDelivery fee: Rp\u00a015.000\nService fee: Rp\u00a02.000\nTotal: Rp\u00a085.000\n\n" +
		"Tap the button below to see your order details."
	if out[0].Text != wantPlaced {
		t.Errorf("order_placed text =\n%q\nwant\n%q", out[0].Text, wantPlaced)
	}
	if want := "https://shop.example.com/order/" + o.Token; out[0].ButtonURL != want || out[0].ButtonLabel != "View Order" {
		t.Errorf("order_placed button = %q %q, want View Order %q", out[0].ButtonLabel, out[0].ButtonURL, want)
	}
	wantPaid := "Hi Budi, we've received your payment of Rp\u00a085.000 for order #1. Thank you for shopping at Toko Kopi Senja!\n\n" +
		"We're preparing your order now. Tap the button below to view your receipt."
	if out[1].Text != wantPaid {
		t.Errorf("order_paid text =\n%q\nwant\n%q", out[1].Text, wantPaid)
	}
	if want := "https://shop.example.com/receipt/" + o.Token; out[1].ButtonURL != want {
		t.Errorf("order_paid button = %q, want %q", out[1].ButtonURL, want)
	}
	// The record keeps exactly what was sent.
	for _, d := range got.Deliveries {
		if d.Status != "sent" || d.ChannelType != "whatsapp" || len(d.Attempts) != 1 || d.Attempts[0].Outcome != "sent" {
			t.Errorf("delivery %+v", d)
		}
		if d.Event == "order_placed" && d.Text != wantPlaced {
			t.Errorf("recorded text differs from the sent one: %q", d.Text)
		}
	}
}

func testGoldenFailed(t *testing.T, dbURL string) {
	sh := MustRunMainWith(t, dbURL, func(c *main.Config) { c.PublicURL = "https://shop.example.com/" }).NewShop("Toko Kopi Senja")
	sh.MustJSON(200, "PATCH", fmt.Sprintf("/api/v1/stores/%s/products/%d", sh.Store, sh.Roti), map[string]any{"stock": 0}, nil)
	sh.MustJSON(200, "PATCH", fmt.Sprintf("/api/v1/stores/%s/products/%d", sh.Store, sh.Kopi), map[string]any{"active": false}, nil)
	resp, body := sh.Do("POST", "/api/v1/stores/"+sh.Store+"/orders", sh.Token, sh.orderBody(sh.WARoom))
	if resp.StatusCode != http.StatusConflict ||
		!strings.Contains(string(body), `"The order could not be created: Kopi Susu (no longer sold), Roti Bakar (out of stock)."`) {
		t.Fatalf("order with an inactive and an out-of-stock item: %d %s", resp.StatusCode, body)
	}
	ds := sh.WaitStoreDeliveries(1)
	if len(ds) != 1 || ds[0].Event != "order_failed" || ds[0].Status != "sent" {
		t.Fatalf("deliveries = %+v", ds)
	}
	out := sh.Outbox(sh.WARoom)
	if len(out) != 1 {
		t.Fatalf("room got %d messages", len(out))
	}
	want := "Hi Budi, we're sorry — your order at Toko Kopi Senja could not be created.\n\n" +
		"These products could not be processed:\n2 x Kopi Susu — no longer sold\n1 x Roti Bakar — out of stock\n\n" +
		"Tap the button below to shop again and choose other products."
	if out[0].Text != want {
		t.Errorf("order_failed text =\n%q\nwant\n%q", out[0].Text, want)
	}
	if !strings.HasPrefix(out[0].ButtonURL, "https://shop.example.com/s/toko-kopi-senja?t=") {
		t.Errorf("order_failed button = %q, want a personalised microsite link", out[0].ButtonURL)
	}
}

func testGoldenIncomplete(t *testing.T, dbURL string) {
	clock := NewClock()
	sh := MustRunMainWith(t, dbURL, func(c *main.Config) {
		c.PublicURL = "https://shop.example.com/"
		c.Now = clock.Now
	}).NewShop("Toko Kopi Senja")
	items := []map[string]any{{"product_id": sh.Kopi, "quantity": 2}}
	var left, completed, ig struct {
		ID    int64  `json:"id"`
		Token string `json:"token"`
	}
	sh.MustJSON(201, "POST", "/api/v1/stores/"+sh.Store+"/checkouts", map[string]any{"room_id": sh.WARoom, "items": items}, &left)
	sh.MustJSON(201, "POST", "/api/v1/stores/"+sh.Store+"/checkouts", map[string]any{"room_id": sh.IGRoom, "items": items}, &ig)
	// A second WhatsApp customer completes the checkout.
	other := sh.create("rooms", sh.Store, map[string]any{"channel_id": sh.WhatsApp, "customer_name": "Sari", "customer_phone": "+6281111111111"})
	sh.MustJSON(201, "POST", "/api/v1/stores/"+sh.Store+"/checkouts", map[string]any{"room_id": other, "items": items}, &completed)
	body := sh.orderBody(other)
	body["checkout_id"] = completed.ID
	sh.MustJSON(201, "POST", "/api/v1/stores/"+sh.Store+"/orders", body, nil)

	time.Sleep(200 * time.Millisecond) // sweeps run before the delay: nothing due
	if ds := sh.WaitStoreDeliveries(0); len(ds) != 0 {
		t.Fatalf("before the delay: %+v", ds)
	}
	clock.Advance(31 * time.Minute)
	ds := sh.WaitStoreDeliveries(1)
	time.Sleep(200 * time.Millisecond) // more sweeps: still once
	ds = sh.WaitStoreDeliveries(1)
	if len(ds) != 1 || ds[0].Event != "order_incomplete" || ds[0].Status != "sent" {
		t.Fatalf("deliveries = %+v, want one order_incomplete", ds)
	}
	out := sh.Outbox(sh.WARoom)
	if len(out) != 1 {
		t.Fatalf("WhatsApp room got %d messages", len(out))
	}
	want := "Hi Budi, your order at Toko Kopi Senja isn't finished yet.\n\nYour cart:\n2 x Kopi Susu — Rp\u00a050.000\n\n" +
		"Subtotal: Rp\u00a050.000\n\nJust add your delivery and payment details to complete it. " +
		"Tap the button below to continue where you left off."
	if out[0].Text != want {
		t.Errorf("order_incomplete text =\n%q\nwant\n%q", out[0].Text, want)
	}
	if wantURL := "https://shop.example.com/s/toko-kopi-senja/checkout/" + left.Token; out[0].ButtonURL != wantURL {
		t.Errorf("button = %q, want %q", out[0].ButtonURL, wantURL)
	}
	if n := len(sh.Outbox(sh.IGRoom)); n != 0 {
		t.Errorf("Instagram checkout got %d messages, want none", n)
	}
}

func testToggleOff(t *testing.T, dbURL string) {
	sh := MustRunMain(t, dbURL).NewShop("Toko Kopi Senja")
	sh.MustJSON(200, "PUT", "/api/v1/stores/"+sh.Store+"/message-center/order_placed", map[string]any{"automation_enabled": false}, nil)
	o := sh.Order(sh.WARoom)
	got := sh.WaitOrderDeliveries(o.ID, 1)
	d := got.Deliveries[0]
	if d.Status != "skipped" || d.Reason != "automation_disabled" || got.Summary.Sent+got.Summary.Failed != 0 {
		t.Fatalf("toggle off: %+v", got)
	}
	if n := len(sh.Outbox(sh.WARoom)); n != 0 {
		t.Fatalf("toggle off sent %d messages", n)
	}
}

func testConfigAtSendTime(t *testing.T, dbURL string) {
	// Workers down: the job waits in the queue while the admin edits.
	a := MustRunMainWith(t, dbURL, func(c *main.Config) { c.Delivery.Work = false })
	sh := a.NewShop("Toko Kopi Senja")
	o := sh.Order(sh.WARoom)
	sh.MustJSON(200, "PUT", "/api/v1/stores/"+sh.Store+"/message-center/order_placed",
		map[string]any{"type": "custom", "body": "Pesanan {{order_id}} diterima, {{customer.name}}!", "button_label": "Lihat"}, nil)
	a.Main.Close()

	b := MustRunMain(t, dbURL)
	sh.App = b
	sh.WaitOrderDeliveries(o.ID, 1)
	out := sh.Outbox(sh.WARoom)
	if len(out) != 1 || out[0].Text != "Pesanan #1 diterima, Budi!" || out[0].ButtonLabel != "Lihat" {
		t.Fatalf("sent %+v, want the configuration saved after the order", out)
	}
}

func testSessionExpired(t *testing.T, dbURL string) {
	clock := NewClock()
	sh := MustRunMainWith(t, dbURL, func(c *main.Config) { c.Now = clock.Now }).NewShop("Toko Kopi Senja")
	clock.Advance(25 * time.Hour) // Budi's WhatsApp room is now past its 24 hours
	ig := sh.Order(sh.IGRoom)
	wa := sh.Order(sh.WARoom)
	gotIG := sh.WaitOrderDeliveries(ig.ID, 1)
	gotWA := sh.WaitOrderDeliveries(wa.ID, 1)
	if d := gotIG.Deliveries[0]; d.Status != "sent" || d.ChannelType != "instagram" {
		t.Errorf("Instagram order: %+v", d)
	}
	if d := gotWA.Deliveries[0]; d.Status != "failed" || d.Reason != "session_expired" || !strings.Contains(d.ReasonText, "24 hours") || d.Text == "" {
		t.Errorf("WhatsApp order: %+v", d)
	}
	if gotWA.Summary.Failed != 1 || gotWA.Summary.Sent != 0 {
		t.Errorf("summary = %+v", gotWA.Summary)
	}
	if n := len(sh.Outbox(sh.WARoom)); n != 0 {
		t.Errorf("expired WhatsApp room got %d messages", n)
	}
	if n := len(sh.Outbox(sh.IGRoom)); n != 1 {
		t.Errorf("Instagram room got %d messages, want 1", n)
	}
}

func testPayIdempotent(t *testing.T, dbURL string) {
	sh := MustRunMain(t, dbURL).NewShop("Toko Kopi Senja")
	o := sh.Order(sh.WARoom)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, body := sh.Do("POST", fmt.Sprintf("/api/v1/stores/%s/orders/%d/pay", sh.Store, o.ID), sh.Token, nil)
			if resp.StatusCode != 200 {
				t.Errorf("pay: %d %s", resp.StatusCode, body)
			}
		}()
	}
	wg.Wait()
	got := sh.WaitOrderDeliveries(o.ID, 2)
	time.Sleep(100 * time.Millisecond)
	got = sh.WaitOrderDeliveries(o.ID, 2)
	paid := 0
	for _, m := range sh.Outbox(sh.WARoom) {
		if strings.Contains(m.ButtonURL, "/receipt/") {
			paid++
		}
	}
	if len(got.Deliveries) != 2 || paid != 1 {
		t.Fatalf("10 pays: %d deliveries, %d order_paid messages; want 2 and 1", len(got.Deliveries), paid)
	}
}

func testPayRules(t *testing.T, dbURL string) {
	sh := MustRunMain(t, dbURL).NewShop("Toko Kopi Senja")
	o := sh.Order(sh.WARoom)
	sh.MustJSON(200, "POST", fmt.Sprintf("/api/v1/stores/%s/orders/%d/cancel", sh.Store, o.ID), nil, nil)
	resp, body := sh.Do("POST", fmt.Sprintf("/api/v1/stores/%s/orders/%d/pay", sh.Store, o.ID), sh.Token, nil)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("pay a cancelled order: %d %s", resp.StatusCode, body)
	}
	got := sh.WaitOrderDeliveries(o.ID, 1)
	if len(got.Deliveries) != 1 {
		t.Fatalf("cancelled order has %d messages, want only order_placed", len(got.Deliveries))
	}

	// A paid order is cancelled only with its refund: then the customer's
	// order page says cancelled and refunded, never cancelled and paid.
	paid := sh.Order(sh.WARoom)
	sh.MustJSON(200, "POST", fmt.Sprintf("/api/v1/stores/%s/orders/%d/pay", sh.Store, paid.ID), nil, nil)
	cancelURL := fmt.Sprintf("/api/v1/stores/%s/orders/%d/cancel", sh.Store, paid.ID)
	resp, body = sh.Do("POST", cancelURL, sh.Token, map[string]any{"refund": false})
	if resp.StatusCode != http.StatusConflict || !strings.Contains(string(body), "cancelled only with a refund") {
		t.Fatalf("cancel a paid order without refund: %d %s", resp.StatusCode, body)
	}
	resp, body = sh.Do("POST", cancelURL, sh.Token, map[string]any{"refund": "yes"})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "refund") {
		t.Fatalf("cancel with a refund that is not a boolean: %d %s", resp.StatusCode, body)
	}
	var cancelled struct {
		Status     string     `json:"status"`
		PaidAt     *time.Time `json:"paid_at"`
		RefundedAt *time.Time `json:"refunded_at"`
	}
	sh.MustJSON(200, "POST", cancelURL, map[string]any{"refund": true}, &cancelled)
	if cancelled.Status != "cancelled" || cancelled.PaidAt == nil || cancelled.RefundedAt == nil {
		t.Fatalf("cancel with refund = %+v", cancelled)
	}
	code, page := sh.Get("/order/" + paid.Token)
	if code != 200 || !strings.Contains(page, "Cancelled") || !strings.Contains(page, "Refunded") || strings.Contains(page, ">Paid<") {
		t.Fatalf("order page of a cancelled, refunded order: %d %s", code, page)
	}
}

// testRestockOnRefund checks the store's restock_on_refund through the API:
// on by default, refused unless a boolean, and obeyed by a refund, while a
// cancel with refund always gives the items back.
func testRestockOnRefund(t *testing.T, dbURL string) {
	sh := MustRunMain(t, dbURL).NewShop("Toko Kopi Senja")
	st := "/api/v1/stores/" + sh.Store
	var store struct {
		Restock *bool `json:"restock_on_refund"`
	}
	sh.MustJSON(200, "GET", st, nil, &store)
	if store.Restock == nil || !*store.Restock {
		t.Fatalf("default restock_on_refund = %v, want true", store.Restock)
	}
	resp, body := sh.Do("PATCH", st, sh.Token, map[string]any{"restock_on_refund": "no"})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"restock_on_refund"`) {
		t.Fatalf("restock_on_refund \"no\": %d %s", resp.StatusCode, body)
	}
	stock := func() int {
		var ps struct {
			Products []msgcenter.Product `json:"products"`
		}
		sh.MustJSON(200, "GET", st+"/products", nil, &ps)
		for _, p := range ps.Products {
			if p.ID == sh.Kopi {
				return p.Stock
			}
		}
		t.Fatal("no Kopi")
		return 0
	}
	paidOrder := func() orderOut {
		o := sh.Order(sh.WARoom)
		sh.MustJSON(200, "POST", fmt.Sprintf("%s/orders/%d/pay", st, o.ID), nil, nil)
		return o
	}
	full := stock()

	sh.MustJSON(200, "PATCH", st, map[string]any{"restock_on_refund": false}, &store)
	if store.Restock == nil || *store.Restock {
		t.Fatalf("restock_on_refund after PATCH false = %v", store.Restock)
	}
	o := paidOrder()
	sh.MustJSON(200, "POST", fmt.Sprintf("%s/orders/%d/refund", st, o.ID), nil, nil)
	if got := stock(); got != full-2 {
		t.Fatalf("stock after a refund that keeps it = %d, want %d", got, full-2)
	}
	o = paidOrder()
	sh.MustJSON(200, "POST", fmt.Sprintf("%s/orders/%d/cancel", st, o.ID), map[string]any{"refund": true}, nil)
	if got := stock(); got != full-2 {
		t.Fatalf("stock after a cancel with refund = %d, want %d (the cancel gives its 2 back)", got, full-2)
	}

	sh.MustJSON(200, "PATCH", st, map[string]any{"restock_on_refund": true}, &store)
	o = paidOrder()
	sh.MustJSON(200, "POST", fmt.Sprintf("%s/orders/%d/refund", st, o.ID), nil, nil)
	if got := stock(); got != full-2 {
		t.Fatalf("stock after a refund that restocks = %d, want %d", got, full-2)
	}
}

func testFaults(t *testing.T, dbURL string) {
	sh := MustRunMain(t, dbURL).NewShop("Toko Kopi Senja")
	ctx := context.Background()
	t.Run("Transient30Percent", func(t *testing.T) {
		const n = 20
		if err := sh.Main.Sandbox.InjectFaults(ctx, sh.StoreID, sandbox.FaultTransient, n*3/10); err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = sh.Order(sh.IGRoom).ID
		}
		attempts := 0
		for _, id := range ids {
			got := sh.WaitOrderDeliveries(id, 1)
			if got.Summary.Sent != 1 || got.Summary.Failed != 0 || got.Deliveries[0].Status != "sent" {
				t.Fatalf("order %d: %+v", id, got)
			}
			attempts += len(got.Deliveries[0].Attempts)
		}
		if attempts != n+n*3/10 {
			t.Errorf("%d attempts recorded, want %d (one per send, one per fault)", attempts, n+n*3/10)
		}
	})
	t.Run("TriesExhausted", func(t *testing.T) {
		// Transient errors on every try: after --max-attempts tries the
		// message fails with provider_error, each try recorded.
		few := MustRunMainWith(t, freshURL(t, dbURL), func(c *main.Config) {
			c.Delivery.MaxAttempts, c.Delivery.RetryBase, c.Delivery.RetryMax = 3, 10*time.Millisecond, 20*time.Millisecond
		}).NewShop("Toko Sibuk")
		if err := few.Main.Sandbox.InjectFaults(ctx, few.StoreID, sandbox.FaultTransient, 5); err != nil {
			t.Fatal(err)
		}
		got := few.WaitOrderDeliveries(few.Order(few.IGRoom).ID, 1)
		d := got.Deliveries[0]
		var outcomes []string
		for _, a := range d.Attempts {
			outcomes = append(outcomes, a.Outcome)
		}
		if d.Status != "failed" || d.Reason != "provider_error" || strings.Join(outcomes, ",") != "retry,retry,failed" {
			t.Fatalf("after 3 transient errors: %s/%s, attempts %v", d.Status, d.Reason, outcomes)
		}
		if n := len(few.Outbox(few.IGRoom)); n != 0 {
			t.Fatalf("the room got %d messages, want none", n)
		}
	})
	t.Run("Permanent", func(t *testing.T) {
		if err := sh.Main.Sandbox.InjectFaults(ctx, sh.StoreID, sandbox.FaultPermanent, 1); err != nil {
			t.Fatal(err)
		}
		got := sh.WaitOrderDeliveries(sh.Order(sh.IGRoom).ID, 1)
		d := got.Deliveries[0]
		if d.Status != "failed" || d.Reason != "undeliverable" || len(d.Attempts) != 1 || got.Summary.Failed != 1 {
			t.Fatalf("permanent failure: %+v", got)
		}
	})
	t.Run("Timeouts", func(t *testing.T) {
		// A provider that hangs is cut off at the job timeout and retried.
		fast := MustRunMainWith(t, freshURL(t, dbURL), func(c *main.Config) {
			c.Delivery.JobTimeout, c.Delivery.RescueAfter = 2*time.Second, 4*time.Second
		}).NewShop("Toko Lambat")
		if err := fast.Main.Sandbox.InjectFaults(ctx, fast.StoreID, sandbox.FaultTimeout, 2); err != nil {
			t.Fatal(err)
		}
		for range 5 {
			got := fast.WaitOrderDeliveries(fast.Order(fast.IGRoom).ID, 1)
			if got.Summary.Sent != 1 {
				t.Fatalf("after timeouts: %+v", got)
			}
		}
		if n := len(fast.Outbox(fast.IGRoom)); n != 5 {
			t.Fatalf("%d messages reached the room, want 5", n)
		}
	})
	t.Run("AnswerLost", func(t *testing.T) {
		// The platform delivered the message but its answer never came: the
		// retry sends it again. At least once: the customer sees it twice,
		// and the record shows one message, sent, with two attempts.
		before := len(sh.Outbox(sh.IGRoom))
		if err := sh.Main.Sandbox.InjectFaults(ctx, sh.StoreID, sandbox.FaultAnswerLost, 1); err != nil {
			t.Fatal(err)
		}
		got := sh.WaitOrderDeliveries(sh.Order(sh.IGRoom).ID, 1)
		d := got.Deliveries[0]
		if d.Status != "sent" || len(d.Attempts) != 2 || got.Summary.Sent != 1 {
			t.Fatalf("answer lost: %+v", got)
		}
		if dup := len(sh.Outbox(sh.IGRoom)) - before; dup != 2 {
			t.Fatalf("answer lost: the room got %d copies, want 2 (one duplicate)", dup)
		}
	})
}

func testStock(t *testing.T, dbURL string) {
	sh := MustRunMain(t, dbURL).NewShop("Toko Kopi Senja")
	sh.MustJSON(200, "PATCH", fmt.Sprintf("/api/v1/stores/%s/products/%d", sh.Store, sh.Kopi), map[string]any{"stock": 10}, nil)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := sh.orderBody(sh.IGRoom)
			body["items"] = []map[string]any{{"product_id": sh.Kopi, "quantity": 1}}
			resp, _ := sh.Do("POST", "/api/v1/stores/"+sh.Store+"/orders", sh.Token, body)
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[201] != 10 || codes[409] != 40 {
		t.Fatalf("50 orders for stock 10: %v, want 10 × 201 and 40 × 409", codes)
	}
	var ps struct {
		Products []msgcenter.Product `json:"products"`
	}
	sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store+"/products", nil, &ps)
	for _, p := range ps.Products {
		if p.ID == sh.Kopi && p.Stock != 0 {
			t.Fatalf("stock = %d, want 0", p.Stock)
		}
	}
	if ds := sh.WaitStoreDeliveries(40); len(ds) != 40 {
		t.Fatalf("%d order_failed messages, want 40", len(ds))
	}
}

// freshURL returns a new empty database of the same engine as dbURL.
func freshURL(t *testing.T, dbURL string) string {
	if strings.HasPrefix(dbURL, "postgres") {
		return sqltest.PostgresURL(t)
	}
	return sqltest.SQLiteURL(t)
}

// riverClient is a River client on db that works no jobs, for tests that
// handle jobs as an operator would.
func riverClient(t *testing.T, db *sqlstore.DB) *river.Client[*sql.Tx] {
	t.Helper()
	var driver riverdriver.Driver[*sql.Tx] = riversqlite.New(db.SQL())
	if db.Engine() == sqlstore.EnginePostgres {
		driver = riverdatabasesql.New(db.SQL())
	}
	client, err := river.NewClient(driver, &river.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return client
}

// testRequeueLostJob: a queued message whose job is gone gets a new one from
// the requeue sweep and is sent, while a message whose job still waits to
// retry gets no second job.
func testRequeueLostJob(t *testing.T, dbURL string) {
	clock := NewClock()
	sh := MustRunMainWith(t, dbURL, func(c *main.Config) {
		c.Now = clock.Now
		// A failed try waits an hour of River's own time before the next.
		c.Delivery.RetryBase, c.Delivery.RetryMax = time.Hour, time.Hour
		c.Delivery.RequeueInterval = 50 * time.Millisecond
	}).NewShop("Toko Kopi Senja")
	ctx := context.Background()
	db := sh.Main.DB.SQL()
	count := func(query string) int {
		var n int
		if err := db.QueryRowContext(ctx, query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor := func(what string, ok func() bool) {
		deadline := time.Now().Add(30 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	sweeps := func() int {
		return count(`SELECT COUNT(*) FROM river_job WHERE kind = 'requeue_deliveries' AND state = 'completed'`)
	}

	if err := sh.Main.Sandbox.InjectFaults(ctx, sh.StoreID, sandbox.FaultTransient, 1); err != nil {
		t.Fatal(err)
	}
	o := sh.Order(sh.IGRoom)
	var out deliveriesOut
	waitFor("the first try", func() bool {
		sh.MustJSON(200, "GET", fmt.Sprintf("/api/v1/stores/%s/orders/%d/deliveries", sh.Store, o.ID), nil, &out)
		return len(out.Deliveries) == 1 && len(out.Deliveries[0].Attempts) == 1
	})
	if d := out.Deliveries[0]; d.Status != "queued" || d.Attempts[0].Outcome != "retry" {
		t.Fatalf("after a transient fault: %+v", d)
	}

	// Untouched past --requeue-after, but its job waits to retry: two sweeps
	// later it still has the one job.
	clock.Advance(11 * time.Minute)
	after := sweeps()
	waitFor("two sweeps", func() bool { return sweeps() >= after+2 })
	if n := count(`SELECT COUNT(*) FROM river_job WHERE kind = 'deliver'`); n != 1 {
		t.Fatalf("%d jobs for the message, want 1", n)
	}

	// The job is lost: the next sweep gives the message a new one.
	var jobID int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM river_job WHERE kind = 'deliver' AND state = 'retryable'`).Scan(&jobID); err != nil {
		t.Fatal(err)
	}
	if _, err := riverClient(t, sh.Main.DB).JobCancel(ctx, jobID); err != nil {
		t.Fatal(err)
	}
	got := sh.WaitOrderDeliveries(o.ID, 1)
	if d := got.Deliveries[0]; d.Status != "sent" || len(d.Attempts) != 2 || got.Summary.Sent != 1 {
		t.Fatalf("after the requeue: %+v", got)
	}
	if n := count(`SELECT COUNT(*) FROM river_job WHERE kind = 'deliver'`); n != 2 {
		t.Fatalf("%d jobs for the message, want 2 (the lost one and the new one)", n)
	}
	if n := len(sh.Outbox(sh.IGRoom)); n != 1 {
		t.Fatalf("the room got %d messages, want 1", n)
	}
}

// testInputGone: a message whose configuration is gone fails for good with
// its reason instead of staying queued; a message that is gone is nothing.
func testInputGone(t *testing.T, dbURL string) {
	sh := MustRunMainWith(t, dbURL, func(c *main.Config) { c.Delivery.Work = false }).NewShop("Toko Kopi Senja")
	ctx := context.Background()
	o := sh.Order(sh.IGRoom)
	var out deliveriesOut
	sh.MustJSON(200, "GET", fmt.Sprintf("/api/v1/stores/%s/orders/%d/deliveries", sh.Store, o.ID), nil, &out)
	if len(out.Deliveries) != 1 || out.Deliveries[0].Status != "queued" {
		t.Fatalf("deliveries = %+v, want one queued", out.Deliveries)
	}
	if _, err := sh.Main.DB.SQL().ExecContext(ctx, `DELETE FROM message_configs WHERE store_id = $1 AND event = 'order_placed'`, sh.StoreID); err != nil {
		t.Fatal(err)
	}
	if err := sh.Main.Delivery.Deliver(ctx, out.Deliveries[0].ID); err != nil {
		t.Fatal(err)
	}
	sh.MustJSON(200, "GET", fmt.Sprintf("/api/v1/stores/%s/orders/%d/deliveries", sh.Store, o.ID), nil, &out)
	d := out.Deliveries[0]
	if d.Status != "failed" || d.Reason != "undeliverable" || len(d.Attempts) != 1 || d.Attempts[0].Outcome != "failed" {
		t.Fatalf("after its configuration went: %+v", d)
	}
	if n := len(sh.Outbox(sh.IGRoom)); n != 0 {
		t.Fatalf("the room got %d messages, want none", n)
	}
	// Counted among the messages that reached a final status, its event and
	// kind unknown since they were among what could not be read.
	if n := messagesTotal(t, sh.Main, map[string]string{"event": "unknown", "status": "failed", "reason": "undeliverable"}); n != 1 {
		t.Fatalf("msgcenter_messages_total for the failed message = %v, want 1", n)
	}
	if err := sh.Main.Delivery.Deliver(ctx, 999999); err != nil {
		t.Fatalf("Deliver of a message that does not exist = %v, want nil", err)
	}
}

// messagesTotal sums msgcenter_messages_total over the series whose labels
// include want.
func messagesTotal(t *testing.T, m *main.Main, want map[string]string) float64 {
	t.Helper()
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, f := range families {
		if f.GetName() != "msgcenter_messages_total" {
			continue
		}
	series:
		for _, s := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range s.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			for k, v := range want {
				if labels[k] != v {
					continue series
				}
			}
			sum += s.GetCounter().GetValue()
		}
	}
	return sum
}
