package main_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// TestDemoOrderPaidFallback: the demo has a WhatsApp template for Order
// Paid, usable for the fallback, whose button opens the receipt; set as
// Order Paid's fallback, a payment in the demo's expired room sends that
// template, not Order Placed's text, its button on the order's receipt.
func TestDemoOrderPaidFallback(t *testing.T) {
	var out lockedBuffer
	a := MustRunMainWith(t, sqltest.SQLiteURL(t), func(c *main.Config) { c.Demo, c.Stdout = true, &out })
	m := regexp.MustCompile(`store: +.* \(id (\d+), slug .*\)\n +api token: +(\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("demo output without store and token:\n%s", out.String())
	}
	a.Token = m[2]
	sh := &Shop{App: a, Store: m[1]}
	fmt.Sscan(m[1], &sh.StoreID)
	st := "/api/v1/stores/" + sh.Store

	var templates struct {
		Templates []struct {
			ChannelID int64  `json:"channel_id"`
			Name      string `json:"name"`
			Buttons   []struct {
				Text string `json:"text"`
			} `json:"buttons"`
		} `json:"templates"`
	}
	sh.MustJSON(200, "GET", st+"/whatsapp/templates?usable=fallback", nil, &templates)
	var channel int64
	for _, tpl := range templates.Templates {
		if tpl.Name == "payment_received" && len(tpl.Buttons) == 1 && tpl.Buttons[0].Text == "Lihat Struk" {
			channel = tpl.ChannelID
		}
	}
	if channel == 0 {
		t.Fatalf("no usable payment_received template with a receipt button: %+v", templates.Templates)
	}
	sh.MustJSON(200, "PUT", st+"/message-center/order_paid", map[string]any{"fallback": msgcenter.FallbackConfig{
		Enabled: true, ChannelID: channel, TemplateType: msgcenter.TemplateType24Hour, TemplateCategory: msgcenter.CategoryUtility,
		TemplateName: "payment_received", TemplateLanguage: "id",
		Variables: []msgcenter.Binding{{Placeholder: "customer.name"}, {Placeholder: "order_id"}},
		Button:    &msgcenter.Binding{Placeholder: "order.receipt_path"},
	}}, nil)

	// Andi's WhatsApp room has been quiet for 26 hours.
	var rooms struct {
		Rooms []struct {
			ID           int64  `json:"id"`
			CustomerName string `json:"customer_name"`
		} `json:"rooms"`
	}
	sh.MustJSON(200, "GET", st+"/rooms", nil, &rooms)
	var andi int64
	for _, r := range rooms.Rooms {
		if r.CustomerName == "Andi Pratama" {
			andi = r.ID
		}
	}
	var o struct {
		ID     int64  `json:"id"`
		Number int64  `json:"number"`
		Token  string `json:"token"`
	}
	sh.MustJSON(201, "POST", st+"/orders", map[string]any{"room_id": andi, "items": []map[string]any{{"product_id": 1, "quantity": 1}},
		"customer_name": "Andi Pratama", "customer_phone": "+6281298765432", "address": "Jl. Asia Afrika 1, Bandung",
		"delivery_method": "regular", "payment_method": "bank_transfer"}, &o)
	sh.MustJSON(200, "POST", fmt.Sprintf("%s/orders/%d/pay", st, o.ID), nil, nil)
	got := sh.WaitOrderDeliveries(o.ID, 3)
	fb, ok := byKind(got.Deliveries)["order_paid/fallback"]
	if !ok || fb.Status != "sent" {
		t.Fatalf("Order Paid's fallback: %+v", got.Deliveries)
	}
	if !strings.Contains(fb.Text, "pembayaran pesanan #"+fmt.Sprint(o.Number)+" sudah kami terima") {
		t.Errorf("fallback text %q does not tell of the payment", fb.Text)
	}
	if want := "/receipt/" + o.Token; !strings.HasSuffix(fb.ButtonURL, want) {
		t.Errorf("fallback button opens %q, want the receipt %s", fb.ButtonURL, want)
	}
}
