package main_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/internal/browsertest"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// dialogs closes every JavaScript dialog the page opens and records it:
// beforeunload prompts are answered "stay", anything else is accepted.
type dialogs struct {
	mu   sync.Mutex
	seen []page.EventJavascriptDialogOpening
}

func (d *dialogs) watch(ctx context.Context, t *testing.T) {
	events := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			d.mu.Lock()
			d.seen = append(d.seen, ev)
			d.mu.Unlock()
			accept := ev.Type != page.DialogTypeBeforeunload
			if _, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: accept}); err != nil && ctx.Err() == nil {
				t.Errorf("closing the %s dialog: %v", ev.Type, err)
			}
		}
	}()
}

func (d *dialogs) count(typ page.DialogType) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, ev := range d.seen {
		if ev.Type == typ {
			n++
		}
	}
	return n
}

// TestAdminBrowser drives the dashboard in Chromium against the whole
// program: sign-in, the Message Center's live preview, save, versions and
// revert, the orders' message column, mark paid, and the layout at phone
// and desktop widths, saving screenshots of each page.
func TestAdminBrowser(t *testing.T) {
	exe := browsertest.Chromium(t)
	out := browsertest.OutputDir(t)
	a := MustRunMain(t, sqltest.SQLiteURL(t))
	sh := a.NewShop("Toko Kopi Senja")
	sent := sh.Order(sh.WARoom)
	sh.WaitOrderDeliveries(sent.ID, 1)
	// An order from a WhatsApp room whose 24-hour window has closed: its
	// message fails with the session_expired reason.
	old := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	sh.MustJSON(200, "PATCH", fmt.Sprintf("/api/v1/stores/%s/rooms/%d", sh.Store, sh.WARoom), map[string]any{"last_inbound_at": old}, nil)
	failed := sh.Order(sh.WARoom)
	sh.WaitOrderDeliveries(failed.ID, 1)
	intruderToken := a.NewAdmin("intruder@example.com")
	var other struct {
		ID int64 `json:"id"`
	}
	resp, body := a.Do("POST", "/api/v1/stores", intruderToken, map[string]string{"name": "Someone Else's Shop"})
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("intruder store: %d %s", resp.StatusCode, body)
	}
	fmt.Sscanf(string(body), `{"id":%d`, &other.ID)
	if other.ID == 0 {
		t.Fatalf("intruder store id from %s", body)
	}

	// WhatsApp templates of the shop's channel: only the approved Utility
	// one may serve as fallback. Its dynamic button is on the public URL.
	// No credits were bought: the balance is 0.
	for _, tpl := range []*msgcenter.WhatsAppTemplate{
		{Name: "order_update", Category: msgcenter.CategoryUtility, Status: msgcenter.TemplateApproved,
			Body:    "Hi {{1}}, your order from {{2}} is confirmed.",
			Buttons: []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "View order", URL: a.Base + "/", Dynamic: true}}},
		{Name: "pending_update", Category: msgcenter.CategoryUtility, Status: msgcenter.TemplatePending, Body: "Pending {{1}}"},
		{Name: "paused_promo", Category: msgcenter.CategoryMarketing, Status: msgcenter.TemplatePaused, Body: "Paused {{1}}"},
		{Name: "rejected_promo", Category: msgcenter.CategoryMarketing, Status: msgcenter.TemplateRejected, Body: "Rejected"},
		{Name: "login_code", Category: msgcenter.CategoryAuthentication, Status: msgcenter.TemplateApproved, Body: "Code {{1}}"},
		{Name: "flow_update", Category: msgcenter.CategoryUtilityFlow, Status: msgcenter.TemplateApproved, Body: "Flow {{1}}"},
		{Name: "carousel_promo", Category: msgcenter.CategoryMarketingCarousel, Status: msgcenter.TemplateApproved, Body: "Carousel"},
	} {
		tpl.ChannelID, tpl.Language, tpl.Type = sh.WhatsApp, "en", msgcenter.TemplateType24Hour
		if err := a.Main.Sandbox.CreateTemplate(context.Background(), sh.StoreID, tpl); err != nil {
			t.Fatalf("template %s: %v", tpl.Name, err)
		}
	}

	ctx := browsertest.Tab(t, exe, 1440, 1000, 90*time.Second)
	var dlg dialogs
	dlg.watch(ctx, t)

	store := "/admin/stores/" + sh.Store
	mc := func(ev string) string { return a.Base + store + "/message-center/" + ev }
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return v
	}
	// waitJS polls a JavaScript condition until it holds.
	waitJS := func(what, cond string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
			if err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %s (%s): %v", what, cond, err)
			}
			time.Sleep(15 * time.Millisecond)
		}
	}
	screenshot := func(name string) {
		t.Helper()
		run("screenshot "+name, browsertest.Screenshot(t, out, name))
	}
	// unlabelled lists the form controls no label names.
	unlabelled := func(page string) {
		t.Helper()
		got := eval(`[...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
			.filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
			.map(el => el.id || el.name).join(",")`)
		if got != "" {
			t.Errorf("%s: inputs without a label: %s", page, got)
		}
	}
	noHScroll := func(page string, width int) {
		t.Helper()
		run("scroll width of "+page, browsertest.NoHScroll(t, page, width))
	}
	versionsLoaded := `document.querySelector("#version-list li.version")`
	status := func(want string) {
		t.Helper()
		waitJS("status "+want, `document.getElementById("mc-status").textContent.includes(`+jsString(want)+`)`)
	}
	setBody := func(text string) {
		t.Helper()
		eval(`(() => { const b = document.getElementById("mc-body"); b.value = ""; b.dispatchEvent(new Event("input")); return "" })()`)
		run("type body", browsertest.Type("mc-body", text))
	}

	// Sign in: the page asked for comes back after the sign-in form.
	run("sign in",
		chromedp.Navigate(mc("order_paid")),
		chromedp.WaitVisible(chromedp.ID("email")),
	)
	unlabelled("sign-in page")
	screenshot("admin-login-1440.png")
	run("sign in",
		browsertest.Type("email", "admin@example.com"),
		browsertest.Type("password", "correct horse battery"),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("mc-form")),
	)
	waitJS("versions", versionsLoaded)

	// Live preview while typing a custom body, timed from the last keystroke.
	run("choose custom", chromedp.Click(chromedp.ID("mc-type-custom")), chromedp.WaitVisible(chromedp.ID("mc-body")))
	setBody("Pesanan {{order_id}} lunas, terima kasih zq")
	typed := time.Now()
	waitJS("preview of the typed body", `document.getElementById("pv-text").textContent.endsWith("terima kasih zq")`)
	t.Logf("keystroke → preview on screen: %d ms (120 ms of it is the typing debounce)", time.Since(typed).Milliseconds())
	if got := eval(`document.getElementById("pv-text").textContent`); !strings.HasPrefix(got, "Pesanan #") {
		t.Errorf("preview = %q, want the order id filled in", got)
	}
	unlabelled("message center")

	// Save, reload, kept.
	run("save", chromedp.Click(chromedp.ID("mc-save")))
	status("Saved as version 2")
	waitJS("versions", `document.querySelectorAll("#version-list li.version").length == 2`)
	screenshot("admin-mc-order_paid-custom-1440.png")
	run("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("mc-body")))
	if got := eval(`document.getElementById("mc-body").value + "|" + document.getElementById("mc-type-custom").checked`); got != "Pesanan {{order_id}} lunas, terima kasih zq|true" {
		t.Errorf("after reload: %q", got)
	}

	// An unknown placeholder: the error beside the field, and no Save.
	setBody("Hi {{nope}}")
	waitJS("placeholder error", `!document.getElementById("err-body").hidden && document.getElementById("err-body").textContent.includes("{{nope}}")`)
	if eval(`String(document.getElementById("mc-save").disabled)`) != "true" {
		t.Errorf("Save is enabled with an unknown placeholder")
	}
	// A body with a script tag is text, in the editor and in the preview.
	setBody("<script>alert(1)</script> {{order_id}}")
	waitJS("script preview", `document.getElementById("pv-text").textContent.startsWith("<script>alert(1)</script> #")`)
	if got := eval(`String(document.querySelectorAll("#pv-text *, #pv-bubble script").length)`); got != "0" {
		t.Errorf("preview holds %s elements, want text only", got)
	}
	run("save script body", chromedp.Click(chromedp.ID("mc-save")))
	status("Saved as version 3")
	run("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("mc-body")))
	waitJS("versions", versionsLoaded)
	if got := eval(`document.getElementById("mc-body").value`); got != "<script>alert(1)</script> {{order_id}}" {
		t.Errorf("editor after reload = %q", got)
	}
	if got := eval(`document.getElementById("pv-text").textContent`); !strings.HasPrefix(got, "<script>alert(1)</script> #") {
		t.Errorf("preview after reload = %q", got)
	}

	// Revert to version 2, then to the default message.
	run("revert", chromedp.Click(chromedp.CSS(`#version-list button[data-version="2"]`)))
	status("Reverted to version 2")
	if got := eval(`document.getElementById("mc-body").value`); got != "Pesanan {{order_id}} lunas, terima kasih zq" {
		t.Errorf("after revert to 2: body %q", got)
	}
	run("revert to default", chromedp.Click(chromedp.ID("revert-default")))
	status("Reverted to the default message")
	if eval(`String(document.getElementById("mc-type-default").checked)`) != "true" {
		t.Errorf("after revert to default: not the default message")
	}

	// Unsaved changes: leaving asks first, and staying keeps the edit.
	run("edit", chromedp.Click(chromedp.ID("mc-type-custom")), chromedp.WaitVisible(chromedp.ID("mc-body")))
	run("leave", chromedp.Click(chromedp.ID("tab-order_failed")))
	waitJS("the page to settle", `true`)
	deadline := time.Now().Add(5 * time.Second)
	for dlg.count(page.DialogTypeBeforeunload) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if dlg.count(page.DialogTypeBeforeunload) == 0 {
		t.Errorf("leaving with unsaved changes asked nothing")
	}
	if got := eval(`location.pathname`); !strings.HasSuffix(got, "/order_paid") {
		t.Errorf("after answering stay: at %s", got)
	}
	run("cancel", chromedp.Click(chromedp.ID("mc-cancel")))
	waitJS("cancelled", `document.getElementById("mc-type-default").checked`)

	// Default message in Indonesian, saved with the keyboard only.
	run("order placed", chromedp.Navigate(mc("order_placed")), chromedp.WaitVisible(chromedp.ID("mc-language")))
	waitJS("versions", versionsLoaded)
	run("choose Indonesian", chromedp.Focus(chromedp.ID("mc-language")))
	eval(`(() => { const s = document.getElementById("mc-language"); s.value = "id"; s.dispatchEvent(new Event("change")); return "" })()`)
	waitJS("Indonesian preview", `document.getElementById("pv-text").textContent.includes("terima kasih sudah berbelanja")`)
	if got := eval(`document.getElementById("pv-button").textContent`); got != "Lihat Pesanan" {
		t.Errorf("Indonesian button = %q", got)
	}
	waitJS("save enabled", `!document.getElementById("mc-save").disabled`)
	for i := 0; i < 20 && eval(`document.activeElement.id`) != "mc-save"; i++ {
		run("tab", chromedp.KeyEvent("\t"))
	}
	if got := eval(`document.activeElement.id`); got != "mc-save" {
		t.Fatalf("Tab never reached Save (at %q)", got)
	}
	run("enter", chromedp.KeyEvent("\r"))
	status("Saved as version 2")

	// The automation toggle, saved and kept.
	run("toggle automation", chromedp.Click(chromedp.ID("mc-automation")), chromedp.Click(chromedp.ID("mc-save")))
	status("Saved as version 3")
	run("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("mc-language")))
	if got := eval(`document.getElementById("mc-language").value + "|" + document.getElementById("mc-automation").checked`); got != "id|false" {
		t.Errorf("after reload: language|automation = %q, want id|false", got)
	}

	// WhatsApp Fallback on Order Placed, whose automation is now off: the
	// section is dimmed, its values kept.
	waitJS("fallback section", `document.getElementById("fb")`)
	if got := eval(`document.getElementById("fb").className + "|" + document.getElementById("fb").getAttribute("aria-disabled")`); got != "fallback dimmed|true" {
		t.Errorf("fallback with automation off: class|aria-disabled = %q", got)
	}
	run("enable fallback", chromedp.Click(chromedp.ID("fb-enabled")), chromedp.WaitVisible(chromedp.ID("fb-channel")))
	waitJS("zero-credit warning", `!document.getElementById("fb-credits-warn").hidden && getComputedStyle(document.getElementById("fb-credits-warn")).display !== "none"`)
	if got := eval(`document.getElementById("fb-credits-warn").textContent`); got != "Fallback messages need WhatsApp credits; the balance is 0." {
		t.Errorf("credit warning = %q", got)
	}
	options := func(id string) string {
		t.Helper()
		return eval(`[...document.getElementById(` + jsString(id) + `).options].map(o => o.value).join(",")`)
	}
	choose := func(id, value string) {
		t.Helper()
		eval(`(() => { const s = document.getElementById(` + jsString(id) + `); s.value = ` + jsString(value) + `; s.dispatchEvent(new Event("change")); return "" })()`)
	}
	waitJS("WhatsApp channels", `document.querySelectorAll("#fb-channel option").length > 1`)
	if got, want := options("fb-channel"), fmt.Sprintf(",%d", sh.WhatsApp); got != want {
		t.Errorf("channel options %q, want %q (WhatsApp channels only)", got, want)
	}
	choose("fb-channel", fmt.Sprint(sh.WhatsApp))
	waitJS("template types", `document.querySelectorAll("#fb-type option").length > 1`)
	for _, step := range []struct{ id, want, pick string }{
		{"fb-type", ",24-Hour Message", "24-Hour Message"},
		{"fb-category", ",Utility", "Utility"},
		{"fb-name", ",order_update", "order_update"},
		{"fb-language", ",en", ""},
	} {
		if got := options(step.id); got != step.want {
			t.Errorf("%s options %q, want %q: only approved templates of allowed categories", step.id, got, step.want)
		}
		if step.pick != "" {
			choose(step.id, step.pick)
		}
	}
	if got := eval(`document.getElementById("fb-language").value`); got != "en" {
		t.Errorf("the only language was not chosen: %q", got)
	}
	if got := eval(`String(document.querySelectorAll("#fb-vars .fb-var").length)`); got != "2" {
		t.Fatalf("variable rows: %s, want 2", got)
	}
	if got := options("fb-button"); got != "order.details_path" {
		t.Errorf("CTA button options on order_placed: %q", got)
	}
	choose("fb-var-src-1", "placeholder")
	choose("fb-var-ph-1", "customer.name")
	run("variable 2", browsertest.Type("fb-var-text-2", "Toko Kopi Senja"))
	waitJS("fallback preview", `!document.getElementById("fbpv").hidden && document.getElementById("fbpv-text").textContent === "Hi Budi Santoso, your order from Toko Kopi Senja is confirmed."`)
	if got := eval(`document.getElementById("fbpv-button").textContent + " " + document.getElementById("fbpv-button").title`); got != "View order "+a.Base+"/order/sample-7Kq2Xv9LmT4pRz8N" {
		t.Errorf("fallback preview button = %q", got)
	}
	unlabelled("order_placed with fallback")
	screenshot("admin-mc-order_placed-fallback-1440.png")
	run("save fallback", chromedp.Click(chromedp.ID("mc-save")))
	status("Saved as version 4")
	run("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.ID("fb-fields")))
	waitJS("fallback reloaded", `document.querySelectorAll("#fb-name option").length > 1 && document.getElementById("fb-var-text-2")`)
	if got := eval(`["fb-enabled", "fb-channel", "fb-type", "fb-category", "fb-name", "fb-language", "fb-var-src-1", "fb-var-ph-1", "fb-var-text-2", "fb-button"]
		.map(id => { const el = document.getElementById(id); return el.type === "checkbox" ? el.checked : el.value }).join("|")`); got != fmt.Sprintf("true|%d|24-Hour Message|Utility|order_update|en|placeholder|customer.name|Toko Kopi Senja|order.details_path", sh.WhatsApp) {
		t.Errorf("fallback after reload: %q", got)
	}
	waitJS("fallback preview after reload", `!document.getElementById("fbpv").hidden`)
	if eval(`String(document.getElementById("mc-save").disabled)`) != "true" {
		t.Errorf("a reloaded fallback counts as unsaved")
	}
	run("viewport", chromedp.EmulateViewport(375, 900))
	noHScroll("order_placed with fallback", 375)
	screenshot("admin-mc-order_placed-fallback-375.png")
	run("viewport", chromedp.EmulateViewport(1440, 1000))

	// Send test message: the Instagram room gets it; the WhatsApp room's
	// session has expired, which the status line says.
	waitJS("rooms", `document.querySelectorAll("#ts-room option").length == 2`)
	if got := eval(`document.getElementById("ts-room").options[1].textContent`); got != "Budi · Instagram" {
		t.Errorf("room option = %q", got)
	}
	choose("ts-room", fmt.Sprint(sh.IGRoom))
	run("send test", chromedp.Click(chromedp.ID("ts-send")))
	waitJS("test sent", `document.getElementById("ts-status").dataset.state === "sent"`)
	// The preview's text, marked as a test in the message's language (Indonesian).
	want := "[UJI COBA] " + eval(`document.getElementById("pv-text").textContent`)
	var found bool
	for _, m := range sh.Outbox(sh.IGRoom) {
		found = found || (m.Text == want && m.ButtonLabel == eval(`document.getElementById("pv-button").textContent`))
	}
	if !found {
		t.Errorf("test message %q not in the sandbox room: %+v", want, sh.Outbox(sh.IGRoom))
	}
	choose("ts-room", fmt.Sprint(sh.WARoom))
	run("send test", chromedp.Click(chromedp.ID("ts-send")))
	waitJS("test failed", `document.getElementById("ts-status").dataset.state === "failed"`)
	if got := eval(`document.getElementById("ts-status").textContent`); !strings.Contains(got, "WhatsApp session expired") {
		t.Errorf("failed test status = %q", got)
	}

	// Share Microsite URL: copy the Custom Button URL, then renew it.
	run("share tab", chromedp.Navigate(mc("share_microsite_url")), chromedp.WaitVisible(chromedp.ID("cb-url")))
	if got := eval(`document.getElementById("cb-auto").textContent`); !strings.Contains(got, "Created automatically in Omnichannel with label") {
		t.Errorf("custom button set-up: %q", got)
	}
	if got := eval(`String(document.querySelectorAll("#cb-steps li").length)`); got != "7" {
		t.Errorf("manual steps: %s", got)
	}
	for _, perm := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: perm}, Setting: browser.PermissionSettingGranted, Origin: a.Base,
		}); err != nil {
			t.Logf("grant %s: %v", perm, err)
		}
	}
	cbURL := eval(`document.getElementById("cb-url").value`)
	run("copy", chromedp.Click(chromedp.ID("cb-copy")))
	waitJS("copied", `document.getElementById("cb-copy-status").textContent === "Copied"`)
	switch via := eval(`document.getElementById("cb-copy-status").dataset.via`); via {
	case "clipboard":
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
		if err != nil || got != cbURL {
			t.Errorf("clipboard holds %q (%v), want %q", got, err, cbURL)
		}
	case "execCommand":
		t.Logf("the Clipboard API is unavailable; copied with execCommand")
		if got := eval(`document.getSelection().toString() || (document.activeElement.id === "cb-url" ? document.activeElement.value.substring(document.activeElement.selectionStart, document.activeElement.selectionEnd) : "")`); got != cbURL {
			t.Errorf("execCommand copied the selection %q, want %q", got, cbURL)
		}
	default:
		t.Errorf("copy went via %q", via)
	}
	run("renew", chromedp.Click(chromedp.ID("cb-rotate")))
	waitJS("renewed", `document.getElementById("cb-url").value !== `+jsString(cbURL)+` && document.getElementById("cb-status").textContent.startsWith("Renewed")`)
	if dlg.count(page.DialogTypeConfirm) != 1 {
		t.Errorf("Renew URL asked %d confirmations, want 1", dlg.count(page.DialogTypeConfirm))
	}
	unlabelled("share_microsite_url")

	// Every tab at both widths.
	for _, width := range []int{1440, 375} {
		run("viewport", chromedp.EmulateViewport(int64(width), 900))
		for _, ev := range []string{"share_microsite_url", "order_failed", "order_incomplete", "order_placed", "order_paid"} {
			run(ev, chromedp.Navigate(mc(ev)), chromedp.WaitVisible(chromedp.ID("mc-form")))
			waitJS("versions", versionsLoaded)
			waitJS("preview", `document.getElementById("pv-text").textContent !== ""`)
			noHScroll(ev, width)
			unlabelled(ev)
			screenshot(fmt.Sprintf("admin-mc-%s-%d.png", ev, width))
		}
		names := map[string]string{"location": "location", "messages": "messages", fmt.Sprintf("orders/%d", failed.ID): "order-detail"}
		for _, p := range []string{"location", "messages", fmt.Sprintf("orders/%d", failed.ID)} {
			run(p, chromedp.Navigate(a.Base+store+"/"+p), chromedp.WaitVisible(chromedp.ID("main")))
			noHScroll(p, width)
			unlabelled(p)
			screenshot(fmt.Sprintf("admin-%s-%d.png", names[p], width))
		}
		run("orders", chromedp.Navigate(a.Base+store+"/orders"), chromedp.WaitVisible(chromedp.CSS(".msgsum")))
		noHScroll("orders", width)
		screenshot(fmt.Sprintf("admin-orders-%d.png", width))
	}

	// The message column: reasons on hover and on keyboard focus.
	pop := fmt.Sprintf("document.getElementById(%q)", fmt.Sprintf("msgs-%d", failed.ID))
	shown := func() bool {
		return eval(`getComputedStyle(`+pop+`).display`) != "none" &&
			strings.Contains(eval(pop+`.textContent`), "WhatsApp session expired")
	}
	if shown() {
		t.Fatalf("popover shown before hover or focus")
	}
	rect, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`(() => { const r = `+pop+`.parentElement.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2] })()`))
	if err != nil {
		t.Fatal(err)
	}
	run("hover", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, rect[0], rect[1]))
	if !shown() {
		t.Errorf("hovering Sent/Failed shows no reasons")
	}
	screenshot("admin-orders-popover-375.png")
	run("move away", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, 1, 1))
	if shown() {
		t.Errorf("popover still shown after the mouse left")
	}
	eval(`(() => { document.querySelector('a[href$="/orders/` + fmt.Sprint(failed.ID) + `"]').focus(); return "" })()`)
	for i := 0; i < 5 && !strings.Contains(eval(`document.activeElement.className`), "msgsum"); i++ {
		run("tab", chromedp.KeyEvent("\t"))
	}
	if !shown() {
		t.Errorf("keyboard focus on Sent/Failed shows no reasons")
	}
	if got := eval(`document.activeElement.getAttribute("aria-describedby")`); got != fmt.Sprintf("msgs-%d", failed.ID) {
		t.Errorf("focused summary describedby %q", got)
	}

	// Mark paid.
	run("viewport", chromedp.EmulateViewport(1440, 900))
	run("mark paid",
		chromedp.Navigate(fmt.Sprintf("%s%s/orders/%d", a.Base, store, sent.ID)),
		chromedp.Click(chromedp.ID("action-pay")),
		chromedp.WaitVisible(chromedp.CSS(".flash.ok")),
	)
	if got := eval(`document.getElementById("order-status").textContent`); got != "Paid" {
		t.Errorf("status after mark paid = %q", got)
	}

	// Another admin's store: 404.
	res, err := chromedp.Run(ctx, chromedp.NavigateResponse(fmt.Sprintf("%s/admin/stores/%d/message-center/order_paid", a.Base, other.ID)))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != http.StatusNotFound {
		t.Errorf("another admin's store: %d, want 404", res.Status)
	}

	if n := dlg.count(page.DialogTypeAlert); n != 0 {
		t.Errorf("%d alert dialogs opened: a script ran", n)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	return "`" + strings.NewReplacer("\\", "\\\\", "`", "\\`", "${", "\\${").Replace(s) + "`"
}
