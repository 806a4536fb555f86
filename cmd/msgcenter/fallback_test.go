package main_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	main "github.com/qiscus/msgcenter/cmd/msgcenter"
)

const publicURL = "https://shop.example.com/"

// orderTemplate is an approved utility template with three variables and a
// dynamic CTA button on the public URL (given without its trailing slash).
func orderTemplate(channelID int64) *msgcenter.WhatsAppTemplate {
	return &msgcenter.WhatsAppTemplate{
		ChannelID: channelID, Name: "order_update", Language: "en", Category: msgcenter.CategoryUtility,
		Type: msgcenter.TemplateType24Hour, Status: msgcenter.TemplateApproved,
		Body:    "Hi {{1}}, your order {{2}} is confirmed: {{3}}.",
		Buttons: []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "View order", URL: "https://shop.example.com", Dynamic: true}},
	}
}

// FallbackShop is a shop whose WhatsApp room has gone quiet for 25 hours.
type FallbackShop struct {
	*Shop
	Clock *Clock
}

func newFallbackShop(t *testing.T, dbURL string) *FallbackShop {
	return newFallbackShopCredits(t, dbURL, 1000)
}

// newFallbackShopCredits is newFallbackShop with a given WhatsApp credit balance.
func newFallbackShopCredits(t *testing.T, dbURL string, credits int64) *FallbackShop {
	t.Helper()
	clock := NewClock()
	a := MustRunMainWith(t, dbURL, func(c *main.Config) { c.PublicURL = publicURL; c.Now = clock.Now })
	sh := a.NewShop("Toko Kopi Senja")
	if err := a.Main.Sandbox.CreateTemplate(context.Background(), sh.StoreID, orderTemplate(sh.WhatsApp)); err != nil {
		t.Fatal(err)
	}
	if err := a.Main.Sandbox.TopUp(context.Background(), sh.StoreID, credits); err != nil {
		t.Fatal(err)
	}
	return &FallbackShop{Shop: sh, Clock: clock}
}

// fallbackBody is a PUT body enabling the fallback on channel with orderTemplate.
func fallbackBody(channelID int64, vars ...msgcenter.Binding) map[string]any {
	if vars == nil {
		vars = []msgcenter.Binding{{Placeholder: "customer.name"}, {Placeholder: "order_id"}, {Placeholder: "order.products"}}
	}
	return map[string]any{"fallback": msgcenter.FallbackConfig{
		Enabled: true, ChannelID: channelID, TemplateType: msgcenter.TemplateType24Hour, TemplateCategory: msgcenter.CategoryUtility,
		TemplateName: "order_update", TemplateLanguage: "en", Variables: vars, Button: &msgcenter.Binding{Placeholder: "order.details_path"},
	}}
}

func (fs *FallbackShop) enableFallback(t *testing.T, event string) {
	t.Helper()
	fs.MustJSON(200, "PUT", "/api/v1/stores/"+fs.Store+"/message-center/"+event, fallbackBody(fs.WhatsApp), nil)
}

func byKind(ds []delivery) map[string]delivery {
	out := map[string]delivery{}
	for _, d := range ds {
		out[d.Event+"/"+d.Kind] = d
	}
	return out
}

func TestFallback(t *testing.T) {
	cases := []engineCase{
		{"ExpiredSentByFallback", testFallbackSent},
		{"FallbackOff", testFallbackOff},
		{"ToggleOffSendsNothing", testFallbackToggleOff},
		{"IdenticalTemplateOnCustomersChannel", testFallbackIdenticalChannel},
		{"DifferentBodyUsesConfiguredChannel", testFallbackDifferentBody},
		{"PausedAfterSave", testFallbackPaused},
		{"ProviderSaysExpired", testFallbackProviderExpired},
		{"UsableList", testFallbackUsableList},
		{"Validation", testFallbackValidation},
		{"Credits", testFallbackCredits},
		{"Preview", testFallbackPreview},
	}
	runEngineCases(t, cases)
}

func testFallbackSent(t *testing.T, dbURL string) {
	fs := newFallbackShop(t, dbURL)
	fs.enableFallback(t, "order_placed")
	fs.Clock.Advance(25 * time.Hour)
	o := fs.Order(fs.WARoom)
	got := fs.WaitOrderDeliveries(o.ID, 2)
	ds := byKind(got.Deliveries)
	auto, fb := ds["order_placed/automation"], ds["order_placed/fallback"]
	if auto.Status != "failed" || auto.Reason != "session_expired" {
		t.Errorf("automation = %+v, want failed session_expired", auto)
	}
	if fb.Status != "sent" || fb.ChannelType != "whatsapp" {
		t.Errorf("fallback = %+v, want sent on WhatsApp", fb)
	}
	// Delivered by fallback: the automation's failure is covered, not counted failed.
	if got.Summary.Sent != 1 || got.Summary.Failed != 0 || got.Summary.CoveredByFallback != 1 {
		t.Errorf("summary = %+v, want Sent (1) · Failed (0) · covered by fallback (1)", got.Summary)
	}
	ms, err := fs.Main.Sandbox.ChannelMessages(context.Background(), fs.StoreID, fs.WhatsApp)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 {
		t.Fatalf("%d template messages, want 1", len(ms))
	}
	// The products list is flattened to one line, as WhatsApp requires.
	want := "Hi Budi, your order #1 is confirmed: 2 x Kopi Susu — Rp\u00a050.000; 1 x Roti Bakar — Rp\u00a018.000."
	if ms[0].Text != want || fb.Text != want {
		t.Errorf("template text = %q (recorded %q), want %q", ms[0].Text, fb.Text, want)
	}
	if wantURL := "https://shop.example.com/order/" + o.Token; ms[0].ButtonURL != wantURL {
		t.Errorf("button = %q, want %q", ms[0].ButtonURL, wantURL)
	}
	if n, _ := fs.Main.Sandbox.Credits(context.Background(), fs.StoreID); n != 999 {
		t.Errorf("credits = %d, want 999", n)
	}
	if len(fs.Outbox(fs.WARoom)) != 1 {
		t.Errorf("the room's conversation should hold the template message")
	}
}

func testFallbackOff(t *testing.T, dbURL string) {
	fs := newFallbackShop(t, dbURL)
	fs.Clock.Advance(25 * time.Hour)
	o := fs.Order(fs.WARoom)
	got := fs.WaitOrderDeliveries(o.ID, 1)
	time.Sleep(100 * time.Millisecond)
	got = fs.WaitOrderDeliveries(o.ID, 1)
	if len(got.Deliveries) != 1 || got.Deliveries[0].Reason != "session_expired" || got.Summary.Failed != 1 {
		t.Fatalf("fallback off: %+v", got)
	}
	if ms, _ := fs.Main.Sandbox.ChannelMessages(context.Background(), fs.StoreID, fs.WhatsApp); len(ms) != 0 {
		t.Fatalf("fallback off sent %d templates", len(ms))
	}
}

func testFallbackToggleOff(t *testing.T, dbURL string) {
	fs := newFallbackShop(t, dbURL)
	fs.enableFallback(t, "order_placed")
	fs.MustJSON(200, "PUT", "/api/v1/stores/"+fs.Store+"/message-center/order_placed", map[string]any{"automation_enabled": false}, nil)
	fs.Clock.Advance(25 * time.Hour)
	o := fs.Order(fs.WARoom)
	got := fs.WaitOrderDeliveries(o.ID, 1)
	time.Sleep(100 * time.Millisecond)
	got = fs.WaitOrderDeliveries(o.ID, 1)
	if len(got.Deliveries) != 1 || got.Deliveries[0].Status != "skipped" || got.Summary.Sent+got.Summary.Failed != 0 {
		t.Fatalf("toggle off: %+v", got)
	}
	if ms, _ := fs.Main.Sandbox.ChannelMessages(context.Background(), fs.StoreID, fs.WhatsApp); len(ms) != 0 {
		t.Fatalf("toggle off sent %d templates", len(ms))
	}
}

// secondChannel adds another WhatsApp channel with Budi's room on it and,
// when tpl is set, that template.
func (fs *FallbackShop) secondChannel(t *testing.T, tpl func(int64) *msgcenter.WhatsAppTemplate) (channel, room int64) {
	t.Helper()
	channel = fs.create("channels", fs.Store, map[string]any{"type": "whatsapp", "name": "WA Cabang"})
	room = fs.create("rooms", fs.Store, map[string]any{"channel_id": channel, "customer_name": "Budi", "customer_phone": "+6281234567890"})
	if tpl != nil {
		if err := fs.Main.Sandbox.CreateTemplate(context.Background(), fs.StoreID, tpl(channel)); err != nil {
			t.Fatal(err)
		}
	}
	return channel, room
}

func testFallbackIdenticalChannel(t *testing.T, dbURL string) {
	fs := newFallbackShop(t, dbURL)
	fs.enableFallback(t, "order_placed")
	wa2, room := fs.secondChannel(t, orderTemplate)
	fs.Clock.Advance(25 * time.Hour)
	o := fs.Order(room)
	fs.WaitOrderDeliveries(o.ID, 2)
	on1, _ := fs.Main.Sandbox.ChannelMessages(context.Background(), fs.StoreID, fs.WhatsApp)
	on2, _ := fs.Main.Sandbox.ChannelMessages(context.Background(), fs.StoreID, wa2)
	if len(on1) != 0 || len(on2) != 1 {
		t.Fatalf("templates on configured channel %d, on customer's channel %d; want 0 and 1", len(on1), len(on2))
	}
}

func testFallbackDifferentBody(t *testing.T, dbURL string) {
	fs := newFallbackShop(t, dbURL)
	fs.enableFallback(t, "order_placed")
	wa2, room := fs.secondChannel(t, func(ch int64) *msgcenter.WhatsAppTemplate {
		tpl := orderTemplate(ch)
		tpl.Body = "Hello {{1}}! Order {{2}}: {{3}}."
		return tpl
	})
	fs.Clock.Advance(25 * time.Hour)
	o := fs.Order(room)
	fs.WaitOrderDeliveries(o.ID, 2)
	on1, _ := fs.Main.Sandbox.ChannelMessages(context.Background(), fs.StoreID, fs.WhatsApp)
	on2, _ := fs.Main.Sandbox.ChannelMessages(context.Background(), fs.StoreID, wa2)
	if len(on1) != 1 || len(on2) != 0 {
		t.Fatalf("templates on configured channel %d, on customer's channel %d; want 1 and 0", len(on1), len(on2))
	}
}

func testFallbackPaused(t *testing.T, dbURL string) {
	fs := newFallbackShop(t, dbURL)
	fs.enableFallback(t, "order_placed")
	if err := fs.Main.Sandbox.SetTemplateStatus(context.Background(), fs.StoreID, fs.WhatsApp, "order_update", "en", msgcenter.TemplatePaused); err != nil {
		t.Fatal(err)
	}
	fs.Clock.Advance(25 * time.Hour)
	o := fs.Order(fs.WARoom)
	ds := byKind(fs.WaitOrderDeliveries(o.ID, 2).Deliveries)
	if d := ds["order_placed/fallback"]; d.Status != "failed" || d.Reason != "template_not_approved" || d.ReasonText == "" {
		t.Fatalf("paused template: %+v", d)
	}
}

func testFallbackProviderExpired(t *testing.T, dbURL string) {
	fs := newFallbackShop(t, dbURL)
	fs.enableFallback(t, "order_paid")
	o := fs.Order(fs.WARoom)
	fs.WaitOrderDeliveries(o.ID, 1)
	// The room looks open to us, but the platform answers 131047.
	if err := fs.Main.Sandbox.InjectFaults(context.Background(), fs.StoreID, "session_expired", 1); err != nil {
		t.Fatal(err)
	}
	fs.MustJSON(200, "POST", fmt.Sprintf("/api/v1/stores/%s/orders/%d/pay", fs.Store, o.ID), nil, nil)
	ds := byKind(fs.WaitOrderDeliveries(o.ID, 3).Deliveries)
	if ds["order_paid/automation"].Reason != "session_expired" || ds["order_paid/fallback"].Status != "sent" {
		t.Fatalf("provider-reported expiry: %+v", ds)
	}
}

func testFallbackUsableList(t *testing.T, dbURL string) {
	fs := newFallbackShop(t, dbURL)
	ctx := context.Background()
	bad := map[string]func(*msgcenter.WhatsAppTemplate){
		"pending":  func(t *msgcenter.WhatsAppTemplate) { t.Status = msgcenter.TemplatePending },
		"rejected": func(t *msgcenter.WhatsAppTemplate) { t.Status = msgcenter.TemplateRejected },
		"paused":   func(t *msgcenter.WhatsAppTemplate) { t.Status = msgcenter.TemplatePaused },
		"disabled": func(t *msgcenter.WhatsAppTemplate) { t.Status = msgcenter.TemplateDisabled },
		"auth":     func(t *msgcenter.WhatsAppTemplate) { t.Category = msgcenter.CategoryAuthentication },
		"mflow":    func(t *msgcenter.WhatsAppTemplate) { t.Category = msgcenter.CategoryMarketingFlow },
		"carousel": func(t *msgcenter.WhatsAppTemplate) { t.Category = msgcenter.CategoryMarketingCarousel },
		"uflow":    func(t *msgcenter.WhatsAppTemplate) { t.Category = msgcenter.CategoryUtilityFlow },
	}
	for name, mutate := range bad {
		tpl := orderTemplate(fs.WhatsApp)
		tpl.Name = name
		mutate(tpl)
		if err := fs.Main.Sandbox.CreateTemplate(ctx, fs.StoreID, tpl); err != nil {
			t.Fatal(err)
		}
	}
	var all, usable struct {
		Templates []struct{ Name string } `json:"templates"`
	}
	fs.MustJSON(200, "GET", "/api/v1/stores/"+fs.Store+"/whatsapp/templates", nil, &all)
	fs.MustJSON(200, "GET", "/api/v1/stores/"+fs.Store+"/whatsapp/templates?usable=fallback", nil, &usable)
	if len(all.Templates) != 9 {
		t.Errorf("all templates: %d, want 9", len(all.Templates))
	}
	if len(usable.Templates) != 1 || usable.Templates[0].Name != "order_update" {
		t.Errorf("usable=fallback lists %+v, want only order_update", usable.Templates)
	}
	var credits struct{ Balance int64 }
	fs.MustJSON(200, "GET", "/api/v1/stores/"+fs.Store+"/whatsapp/credits", nil, &credits)
	if credits.Balance != 1000 {
		t.Errorf("credits = %d, want 1000", credits.Balance)
	}
}

func testFallbackValidation(t *testing.T, dbURL string) {
	fs := newFallbackShop(t, dbURL)
	ctx := context.Background()
	for name, mutate := range map[string]func(*msgcenter.WhatsAppTemplate){
		"pending_tpl": func(t *msgcenter.WhatsAppTemplate) { t.Status = msgcenter.TemplatePending },
		"auth_tpl":    func(t *msgcenter.WhatsAppTemplate) { t.Category = msgcenter.CategoryAuthentication },
		"elsewhere": func(t *msgcenter.WhatsAppTemplate) {
			t.Buttons = []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "Go", URL: "https://evil.example.com/", Dynamic: true}}
		},
	} {
		tpl := orderTemplate(fs.WhatsApp)
		tpl.Name = name
		mutate(tpl)
		if err := fs.Main.Sandbox.CreateTemplate(ctx, fs.StoreID, tpl); err != nil {
			t.Fatal(err)
		}
	}
	before := fs.messageCenter(fs.Store)
	with := func(event string, edit func(fb *msgcenter.FallbackConfig)) (string, map[string]any) {
		body := fallbackBody(fs.WhatsApp)
		fb := body["fallback"].(msgcenter.FallbackConfig)
		edit(&fb)
		body["fallback"] = fb
		return event, body
	}
	cases := []struct {
		name  string
		event string
		body  map[string]any
		field string
	}{}
	add := func(name, field string, event string, body map[string]any) {
		cases = append(cases, struct {
			name  string
			event string
			body  map[string]any
			field string
		}{name, event, body, field})
	}
	ev, b := with("order_placed", func(fb *msgcenter.FallbackConfig) { fb.TemplateName = "pending_tpl" })
	add("ErrNotApproved", "fallback.template_name", ev, b)
	ev, b = with("order_placed", func(fb *msgcenter.FallbackConfig) {
		fb.TemplateName, fb.TemplateCategory = "auth_tpl", msgcenter.CategoryAuthentication
	})
	add("ErrExcludedCategory", "fallback.template_category", ev, b)
	ev, b = with("order_placed", func(fb *msgcenter.FallbackConfig) { fb.Variables = fb.Variables[:2] })
	add("ErrUnboundVariable", "fallback.variables", ev, b)
	ev, b = with("order_placed", func(fb *msgcenter.FallbackConfig) { fb.Variables[1] = msgcenter.Binding{Placeholder: "order.nope"} })
	add("ErrUnknownPlaceholder", "fallback.variables.2", ev, b)
	ev, b = with("order_placed", func(fb *msgcenter.FallbackConfig) {
		fb.Variables[1] = msgcenter.Binding{Placeholder: "order_receipt_link"}
	})
	add("ErrPlaceholderNotForEvent", "fallback.variables.2", ev, b)
	ev, b = with("order_placed", func(fb *msgcenter.FallbackConfig) { fb.Button = &msgcenter.Binding{Placeholder: "order.receipt_path"} })
	add("ErrReceiptPathOnPlaced", "fallback.button", ev, b)
	ev, b = with("order_placed", func(fb *msgcenter.FallbackConfig) { fb.TemplateName = "elsewhere" })
	add("ErrButtonBaseURL", "fallback.button", ev, b)
	ev, b = with("order_placed", func(fb *msgcenter.FallbackConfig) { fb.ChannelID = fs.IG })
	add("ErrNotWhatsApp", "fallback.channel_id", ev, b)
	add("ErrOtherEvent", "fallback", "order_failed", fallbackBody(fs.WhatsApp))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, out := fs.Do("PUT", "/api/v1/stores/"+fs.Store+"/message-center/"+tc.event, fs.Token, tc.body)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(out), `"`+tc.field+`"`) {
				t.Fatalf("status %d, want 422 naming %s: %s", resp.StatusCode, tc.field, out)
			}
		})
	}
	if after := fs.messageCenter(fs.Store); after[msgcenter.EventOrderPlaced].Version != before[msgcenter.EventOrderPlaced].Version {
		t.Fatal("a refused fallback changed the stored configuration")
	}
	// The receipt path is fine on order_paid.
	_, b = with("order_paid", func(fb *msgcenter.FallbackConfig) { fb.Button = &msgcenter.Binding{Placeholder: "order.receipt_path"} })
	fs.MustJSON(200, "PUT", "/api/v1/stores/"+fs.Store+"/message-center/order_paid", b, nil)
}

func testFallbackCredits(t *testing.T, dbURL string) {
	fs := newFallbackShopCredits(t, dbURL, 100)
	ctx := context.Background()
	fs.enableFallback(t, "order_placed")
	fs.Clock.Advance(25 * time.Hour)
	const n = 200
	ids := make([]int64, n)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i] = fs.Order(fs.WARoom).ID
		}()
	}
	wg.Wait()
	sent, short := 0, 0
	for _, id := range ids {
		d := byKind(fs.WaitOrderDeliveries(id, 2).Deliveries)["order_placed/fallback"]
		switch {
		case d.Status == "sent":
			sent++
		case d.Status == "failed" && d.Reason == "insufficient_credits":
			short++
		default:
			t.Errorf("fallback %+v", d)
		}
	}
	if left, _ := fs.Main.Sandbox.Credits(ctx, fs.StoreID); sent != 100 || short != 100 || left != 0 {
		t.Fatalf("credits for 100, %d fallbacks: %d sent, %d insufficient_credits, balance %d", n, sent, short, left)
	}
}

func testFallbackPreview(t *testing.T, dbURL string) {
	fs := newFallbackShop(t, dbURL)
	var out struct {
		Text     string `json:"text"`
		Fallback struct {
			Text   string               `json:"text"`
			Button struct{ URL string } `json:"button"`
		} `json:"fallback"`
	}
	fs.MustJSON(200, "POST", "/api/v1/stores/"+fs.Store+"/message-center/order_placed/preview", fallbackBody(fs.WhatsApp), &out)
	if !strings.HasPrefix(out.Fallback.Text, "Hi Budi Santoso, your order #1042 is confirmed: ") || strings.Contains(out.Fallback.Text, "\n") ||
		!strings.HasPrefix(out.Fallback.Button.URL, "https://shop.example.com/order/") {
		t.Fatalf("fallback preview = %+v", out.Fallback)
	}
}
