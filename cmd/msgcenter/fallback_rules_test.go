package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

func TestFallbackRules(t *testing.T) {
	runEngineCases(t, []engineCase{
		{"ListAgreesWithSaveOnDemoCatalogue", testFallbackListAgreesWithSave},
		{"ConfiguredCTABases", testFallbackConfiguredCTABases},
		{"StaticButtonShownAndSent", testFallbackStaticButton},
		{"PartialPutKeepsFallback", testFallbackPartialPut},
	})
}

// catalogueTemplate is a template of the store's WhatsApp catalogue as the
// API lists it.
type catalogueTemplate struct {
	msgcenter.WhatsAppTemplate
	Variables         int  `json:"variables"`
	HeaderVariables   int  `json:"header_variables"`
	UsableForFallback bool `json:"usable_for_fallback"`
}

func (a *App) templates(store, query string) []catalogueTemplate {
	a.tb.Helper()
	var out struct {
		Templates []catalogueTemplate `json:"templates"`
	}
	a.MustJSON(http.StatusOK, "GET", "/api/v1/stores/"+store+"/whatsapp/templates"+query, nil, &out)
	return out.Templates
}

// fullFallback binds every variable of t with text and its dynamic button,
// if any, with the event's path: what an admin who filled every field of
// the editor saves.
func fullFallback(t catalogueTemplate, event string) map[string]any {
	bind := func(n int) []msgcenter.Binding {
		out := make([]msgcenter.Binding, n)
		for i := range out {
			out[i] = msgcenter.Binding{Text: fmt.Sprintf("nilai %d", i+1)}
		}
		return out
	}
	// Every field is sent, empty lists included: absent ones would keep
	// the previous template's bindings.
	fb := map[string]any{"enabled": true, "channel_id": t.ChannelID, "template_type": t.Type, "template_category": t.Category,
		"template_name": t.Name, "template_language": t.Language, "variables": bind(t.Variables), "header_variables": bind(t.HeaderVariables)}
	if _, b := t.DynamicButton(); b != nil {
		path := "order.details_path"
		if event == "order_paid" {
			path = "order.receipt_path"
		}
		fb["button"] = msgcenter.Binding{Placeholder: path}
	}
	return map[string]any{"fallback": fb}
}

// demoApp starts serve --demo and signs the API in as the demo's admin; it
// returns the demo store.
func demoApp(t *testing.T, dbURL string, configure func(*main.Config)) (*App, string, int64) {
	t.Helper()
	a := MustRunMainWith(t, dbURL, func(c *main.Config) {
		c.Demo, c.Stdout = true, io.Discard
		if configure != nil {
			configure(c)
		}
	})
	users := sqlstore.NewUserService(a.Main.DB)
	ctx := context.Background()
	u, err := users.FindUserByEmail(ctx, "demo@msgcenter.local")
	if err != nil {
		t.Fatalf("the demo admin: %v", err)
	}
	if a.Token, err = users.CreateAPIToken(ctx, u.ID, "test"); err != nil {
		t.Fatal(err)
	}
	var stores struct {
		Stores []struct {
			ID int64 `json:"id"`
		} `json:"stores"`
	}
	a.MustJSON(http.StatusOK, "GET", "/api/v1/stores", nil, &stores)
	if len(stores.Stores) != 1 {
		t.Fatalf("the demo admin has %d stores, want 1", len(stores.Stores))
	}
	id := stores.Stores[0].ID
	return a, jsonNumber(id), id
}

// testFallbackListAgreesWithSave checks, for every template of the demo's
// catalogue and variants that break each rule in turn, that the editor's
// list (usable=fallback) offers it exactly when a save of it, every field
// filled, is accepted, on both fallback events.
func testFallbackListAgreesWithSave(t *testing.T, dbURL string) {
	a, store, storeID := demoApp(t, dbURL, nil)
	ctx := context.Background()
	demo := a.templates(store, "")
	if len(demo) == 0 {
		t.Fatal("the demo catalogue has no template")
	}
	base := demo[0].WhatsAppTemplate
	variant := func(name string, change func(*msgcenter.WhatsAppTemplate)) {
		tpl := base
		tpl.Name, tpl.Buttons = name, append([]msgcenter.TemplateButton(nil), base.Buttons...)
		change(&tpl)
		if err := a.Main.Sandbox.CreateTemplate(ctx, storeID, &tpl); err != nil {
			t.Fatal(err)
		}
	}
	dynamic := func(url string) []msgcenter.TemplateButton {
		return []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "Lihat", URL: url, Dynamic: true}}
	}
	variant("v_spec_base", func(t *msgcenter.WhatsAppTemplate) { t.Buttons = dynamic("https://shop.qiscus.com/") })
	variant("v_foreign_base", func(t *msgcenter.WhatsAppTemplate) { t.Buttons = dynamic("https://elsewhere.example/") })
	variant("v_static_only", func(t *msgcenter.WhatsAppTemplate) {
		t.Buttons = []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "Visit Website", URL: "https://kopi.example/"}}
	})
	variant("v_two_dynamic", func(t *msgcenter.WhatsAppTemplate) {
		t.Buttons = append(dynamic("https://shop.qiscus.com/"), dynamic("https://shop.qiscus.com/")...)
	})
	variant("v_header", func(t *msgcenter.WhatsAppTemplate) { t.HeaderFormat, t.Header = msgcenter.HeaderText, "Pesanan {{1}}" })
	variant("v_pending", func(t *msgcenter.WhatsAppTemplate) { t.Status = msgcenter.TemplatePending })
	variant("v_paused", func(t *msgcenter.WhatsAppTemplate) { t.Status = msgcenter.TemplatePaused })
	variant("v_marketing", func(t *msgcenter.WhatsAppTemplate) { t.Category = msgcenter.CategoryMarketing })
	variant("v_auth", func(t *msgcenter.WhatsAppTemplate) { t.Category = msgcenter.CategoryAuthentication })
	variant("v_utility_flow", func(t *msgcenter.WhatsAppTemplate) { t.Category = msgcenter.CategoryUtilityFlow })
	variant("v_broadcast", func(t *msgcenter.WhatsAppTemplate) { t.Type = msgcenter.TemplateTypeBroadcast })

	all := a.templates(store, "")
	offered := map[string]bool{}
	for _, tpl := range a.templates(store, "?usable=fallback") {
		offered[fmt.Sprintf("%d/%s/%s", tpl.ChannelID, tpl.Name, tpl.Language)] = true
	}
	yes, no := 0, 0
	for _, tpl := range all {
		key := fmt.Sprintf("%d/%s/%s", tpl.ChannelID, tpl.Name, tpl.Language)
		if tpl.UsableForFallback != offered[key] {
			t.Errorf("%s: usable_for_fallback %v, but the usable list offers it: %v", key, tpl.UsableForFallback, offered[key])
		}
		for _, event := range []string{"order_placed", "order_paid"} {
			resp, out := a.Do("PUT", "/api/v1/stores/"+store+"/message-center/"+event, a.Token, fullFallback(tpl, event))
			accepted := resp.StatusCode == http.StatusOK
			if accepted != offered[key] {
				t.Errorf("%s on %s: offered %v, but the save answers %d: %s", key, event, offered[key], resp.StatusCode, out)
			}
			if !accepted && resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("%s on %s: status %d, want 200 or 422", key, event, resp.StatusCode)
			}
		}
		if offered[key] {
			yes++
		} else {
			no++
		}
	}
	// The demo's own templates are usable, and the variants cover both sides.
	for _, tpl := range demo {
		if !offered[fmt.Sprintf("%d/%s/%s", tpl.ChannelID, tpl.Name, tpl.Language)] {
			t.Errorf("the demo's template %s is not offered for fallback", tpl.Name)
		}
	}
	if yes < 5 || no < 6 {
		t.Errorf("%d offered and %d refused: the variants did not cover the rules", yes, no)
	}
}

// testFallbackConfiguredCTABases runs with --cta-base-urls naming one base:
// a template on the public URL is no longer offered, one on the configured
// base is, and the save's refusal names the field and the accepted base.
func testFallbackConfiguredCTABases(t *testing.T, dbURL string) {
	fs := newFallbackShopWith(t, dbURL, func(c *main.Config) { c.CTABaseURLs = []string{"https://go.kopi.example/"} })
	tpl := orderTemplate(fs.WhatsApp)
	tpl.Name = "on_configured"
	tpl.Buttons[0].URL = "https://go.kopi.example"
	if err := fs.Main.Sandbox.CreateTemplate(context.Background(), fs.StoreID, tpl); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, t := range fs.templates(fs.Store, "?usable=fallback") {
		names = append(names, t.Name)
	}
	if strings.Join(names, ",") != "on_configured" {
		t.Errorf("usable list %q, want only the template on the configured base", names)
	}
	resp, out := fs.Do("PUT", "/api/v1/stores/"+fs.Store+"/message-center/order_placed", fs.Token, fallbackBody(fs.WhatsApp))
	var e apiError
	_ = json.Unmarshal(out, &e)
	msg := e.Error.Fields["fallback.button"]
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(msg, `"https://shop.example.com"`) || !strings.Contains(msg, `"https://go.kopi.example/"`) {
		t.Fatalf("template on the public URL: %d %s; want 422 naming fallback.button, its base and the accepted one", resp.StatusCode, out)
	}
	body := fallbackBody(fs.WhatsApp)
	fb := body["fallback"].(msgcenter.FallbackConfig)
	fb.TemplateName = "on_configured"
	body["fallback"] = fb
	fs.MustJSON(http.StatusOK, "PUT", "/api/v1/stores/"+fs.Store+"/message-center/order_placed", body, nil)
	// The link is built on the template's own base, not the public URL.
	fs.Clock.Advance(25 * time.Hour)
	o := fs.Order(fs.WARoom)
	d := byKind(fs.WaitOrderDeliveries(o.ID, 2).Deliveries)["order_placed/fallback"]
	if want := "https://go.kopi.example/order/" + o.Token; d.Status != "sent" || d.ButtonURL != want {
		t.Fatalf("fallback %+v, want sent with button %s", d, want)
	}
}

// testFallbackStaticButton uses a template whose only button is a static
// "Visit Website": the preview shows it, and the message records it.
func testFallbackStaticButton(t *testing.T, dbURL string) {
	fs := newFallbackShop(t, dbURL)
	tpl := orderTemplate(fs.WhatsApp)
	tpl.Name = "with_website"
	tpl.Buttons = []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "Visit Website", URL: "https://kopi.example/"}}
	if err := fs.Main.Sandbox.CreateTemplate(context.Background(), fs.StoreID, tpl); err != nil {
		t.Fatal(err)
	}
	body := fallbackBody(fs.WhatsApp)
	fb := body["fallback"].(msgcenter.FallbackConfig)
	fb.TemplateName, fb.Button = "with_website", nil
	body["fallback"] = fb
	var pv struct {
		Fallback struct {
			Button  struct{ Label, URL string } `json:"button"`
			Buttons []struct{ Label, URL string }
		} `json:"fallback"`
	}
	fs.MustJSON(http.StatusOK, "POST", "/api/v1/stores/"+fs.Store+"/message-center/order_placed/preview", body, &pv)
	if pv.Fallback.Button.Label != "Visit Website" || pv.Fallback.Button.URL != "https://kopi.example/" ||
		len(pv.Fallback.Buttons) != 1 || pv.Fallback.Buttons[0].URL != "https://kopi.example/" {
		t.Fatalf("preview %+v, want the static button", pv.Fallback)
	}
	fs.MustJSON(http.StatusOK, "PUT", "/api/v1/stores/"+fs.Store+"/message-center/order_placed", body, nil)
	fs.Clock.Advance(25 * time.Hour)
	o := fs.Order(fs.WARoom)
	d := byKind(fs.WaitOrderDeliveries(o.ID, 2).Deliveries)["order_placed/fallback"]
	if d.Status != "sent" || d.ButtonURL != "https://kopi.example/" {
		t.Fatalf("fallback %+v, want sent with the static button", d)
	}
}

// testFallbackPartialPut sends fallbacks with some fields only: the others
// keep their saved value, as README promises for absent fields.
func testFallbackPartialPut(t *testing.T, dbURL string) {
	fs := newFallbackShop(t, dbURL)
	fs.enableFallback(t, "order_placed")
	path := "/api/v1/stores/" + fs.Store + "/message-center/order_placed"
	get := func() *msgcenter.FallbackConfig {
		return fs.messageCenter(fs.Store)[msgcenter.EventOrderPlaced].Fallback
	}
	want := fallbackBody(fs.WhatsApp)["fallback"].(msgcenter.FallbackConfig)

	fs.MustJSON(http.StatusOK, "PUT", path, map[string]any{"fallback": map[string]any{"enabled": false}}, nil)
	got := get()
	if got == nil || got.Enabled || got.TemplateName != want.TemplateName || got.ChannelID != want.ChannelID ||
		len(got.Variables) != 3 || got.Button == nil || got.Button.Placeholder != "order.details_path" {
		t.Fatalf("after {enabled: false}: %+v, want the template and bindings kept", got)
	}
	fs.MustJSON(http.StatusOK, "PUT", path, map[string]any{"fallback": map[string]any{"enabled": true}}, nil)
	if got := get(); !got.Enabled || got.TemplateName != want.TemplateName || got.TemplateLanguage != "en" {
		t.Fatalf("after {enabled: true}: %+v", got)
	}
	fs.MustJSON(http.StatusOK, "PUT", path, map[string]any{"fallback": map[string]any{
		"variables": []map[string]string{{"text": "Kak"}, {"placeholder": "order_id"}, {"placeholder": "order.grand_total"}},
	}}, nil)
	if got := get(); got.Variables[0].Text != "Kak" || got.Variables[2].Placeholder != "order.grand_total" || got.TemplateName != want.TemplateName || !got.Enabled {
		t.Fatalf("after new variables: %+v", got)
	}
	// A message change without a fallback keeps it whole.
	fs.MustJSON(http.StatusOK, "PUT", path, map[string]any{"language": "id"}, nil)
	if got := get(); !got.Enabled || got.TemplateName != want.TemplateName || len(got.Variables) != 3 {
		t.Fatalf("after a language change: %+v", got)
	}
	// A partial update that makes the fallback invalid is refused whole.
	resp, out := fs.Do("PUT", path, fs.Token, map[string]any{"fallback": map[string]any{"template_name": "nope"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(out), `"fallback.template_name"`) {
		t.Fatalf("unknown template: %d %s", resp.StatusCode, out)
	}
	if got := get(); got.TemplateName != want.TemplateName {
		t.Fatalf("a refused update changed the template: %+v", got)
	}
}

// newFallbackShopWith is newFallbackShop on a program configure adjusted.
func newFallbackShopWith(t *testing.T, dbURL string, configure func(*main.Config)) *FallbackShop {
	t.Helper()
	clock := NewClock()
	a := MustRunMainWith(t, dbURL, func(c *main.Config) {
		c.PublicURL, c.Now = publicURL, clock.Now
		configure(c)
	})
	sh := a.NewShop("Toko Kopi Senja")
	if err := a.Main.Sandbox.CreateTemplate(context.Background(), sh.StoreID, orderTemplate(sh.WhatsApp)); err != nil {
		t.Fatal(err)
	}
	if err := a.Main.Sandbox.TopUp(context.Background(), sh.StoreID, 100); err != nil {
		t.Fatal(err)
	}
	return &FallbackShop{Shop: sh, Clock: clock}
}
