package main_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/internal/browsertest"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// editorTab drives one Chromium tab for the Message Center editor tests.
type editorTab struct {
	t   *testing.T
	ctx context.Context
	out string
}

func (e *editorTab) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	if err := chromedp.Do(e.ctx, steps...); err != nil {
		e.t.Fatalf("%s: %v", what, err)
	}
}

func (e *editorTab) eval(js string) string {
	e.t.Helper()
	v, err := chromedp.Run(e.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		e.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// is evaluates a JavaScript condition once.
func (e *editorTab) is(cond string) bool {
	e.t.Helper()
	ok, err := chromedp.Run(e.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
	if err != nil {
		e.t.Fatalf("evaluate %s: %v", cond, err)
	}
	return ok
}

// wait polls a JavaScript condition until it holds.
func (e *editorTab) wait(what, cond string) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ok, err := chromedp.Run(e.ctx, chromedp.Evaluate[bool]("!!("+cond+")"))
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			state, _ := chromedp.Run(e.ctx, chromedp.Evaluate[string](`document.getElementById("mc-status") ? document.getElementById("mc-status").textContent + " | save disabled " + document.getElementById("mc-save").disabled + " | errors " + [...document.querySelectorAll(".field-error")].filter(p => !p.hidden).map(p => p.id + ": " + p.textContent).join("; ") : ""`))
			e.t.Fatalf("waiting for %s (%s): %v; page: %s", what, cond, err, state)
		}
		time.Sleep(15 * time.Millisecond)
	}
}

func (e *editorTab) choose(id, value string) {
	e.t.Helper()
	e.eval(`(() => { const s = document.getElementById(` + jsString(id) + `); s.value = ` + jsString(value) + `; s.dispatchEvent(new Event("change")); return "" })()`)
}

func (e *editorTab) screenshot(name string) {
	e.t.Helper()
	e.run("screenshot "+name, browsertest.Screenshot(e.t, e.out, name))
}

// viewportShot saves what the window shows now, as the admin sees it,
// where a full-page screenshot would lay a sticky element out at the top.
func (e *editorTab) viewportShot(name string) {
	e.t.Helper()
	png, err := chromedp.Run(e.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		e.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(e.out, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		e.t.Fatal(err)
	}
	e.t.Logf("screenshot: %s", path)
}

// visible is a JavaScript expression: element id is shown.
func visible(id string) string {
	return `(el => el && !el.hidden && getComputedStyle(el).display !== "none" && el.getClientRects().length > 0)(document.getElementById(` + jsString(id) + `))`
}

// TestAdminEditorBrowser drives the Message Center editor in Chromium: an
// invalid draft is explained inside the preview, one problem a line, with
// no dimmed preview left behind; fallback fields are marked only once left
// or after Save; the fallback preview shows a template's static button; on
// a phone the preview stays in sight above the form; the custom button can
// be named. Screenshots of each state are kept.
func TestAdminEditorBrowser(t *testing.T) {
	exe := browsertest.Chromium(t)
	a := MustRunMain(t, sqltest.SQLiteURL(t))
	sh := a.NewShop("Toko Kopi Senja")
	ctx := context.Background()
	for _, tpl := range []*msgcenter.WhatsAppTemplate{
		{Name: "order_update", Body: "Hi {{1}}, your order from {{2}} is confirmed.",
			Buttons: []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "View order", URL: a.Base + "/", Dynamic: true}}},
		{Name: "with_website", Body: "Hi {{1}}, thank you for your order.",
			Buttons: []msgcenter.TemplateButton{
				{Type: msgcenter.ButtonURL, Text: "Visit Website", URL: "https://kopi.example/"},
				{Type: msgcenter.ButtonURL, Text: "View order", URL: "https://shop.qiscus.com/", Dynamic: true},
			}},
		{Name: "with_header", HeaderFormat: msgcenter.HeaderText, Header: "Order {{1}}", Body: "Hi {{1}}, it is on its way."},
	} {
		tpl.ChannelID, tpl.Language, tpl.Type = sh.WhatsApp, "en", msgcenter.TemplateType24Hour
		tpl.Category, tpl.Status = msgcenter.CategoryUtility, msgcenter.TemplateApproved
		sh.CreateTemplate(t, tpl)
	}
	if err := a.Main.Sandbox.TopUp(ctx, sh.StoreID, 10); err != nil {
		t.Fatal(err)
	}

	e := &editorTab{t: t, ctx: browsertest.Tab(t, exe, 1440, 1000, 90*time.Second), out: browsertest.OutputDir(t)}
	// Leaving a page with unsaved changes is answered "stay"; each case
	// below ends saved or cancelled.
	var dlg dialogs
	dlg.watch(e.ctx, t)
	mc := func(ev string) string { return a.Base + "/admin/stores/" + sh.Store + "/message-center/" + ev }
	e.run("sign in",
		chromedp.Navigate(mc("order_paid")),
		chromedp.WaitVisible(chromedp.ID("email")),
		browsertest.Type("email", "admin@example.com"),
		browsertest.Type("password", "correct horse battery"),
		chromedp.Click(chromedp.ID("signin")),
		chromedp.WaitVisible(chromedp.ID("mc-form")),
	)
	e.wait("the saved preview", `document.getElementById("pv-text").textContent !== ""`)

	t.Run("InvalidDraftExplainedInPreview", func(t *testing.T) {
		e.t = t
		e.run("custom", chromedp.Click(chromedp.ID("mc-type-custom")), chromedp.WaitVisible(chromedp.ID("mc-body")))
		e.eval(`(() => { for (const id of ["mc-body", "mc-label"]) { const el = document.getElementById(id); el.value = ""; el.dispatchEvent(new Event("input")); } return "" })()`)
		e.run("type", browsertest.Type("mc-body", "Hi {{nope}}, thanks"))
		e.wait("the explanation", visible("pv-invalid")+` && document.querySelectorAll("#pv-problems li").length === 2`)
		items := e.eval(`[...document.querySelectorAll("#pv-problems li")].map(li => li.textContent).sort().join("\n")`)
		if !strings.Contains(items, "Button label: ") || !strings.Contains(items, "Message: ") || !strings.Contains(items, "{{nope}}") {
			t.Errorf("problems listed:\n%s\nwant one line for the message naming {{nope}} and one for the button label", items)
		}
		if e.is(visible("pv-chat")) {
			t.Errorf("the old preview still shows beside the explanation")
		}
		if n := e.eval(`String([...document.querySelectorAll(".preview *")].filter(el => el.getClientRects().length && Number(getComputedStyle(el).opacity) < 1).length)`); n != "0" {
			t.Errorf("%s dimmed elements in the preview", n)
		}
		e.screenshot("admin-mc-invalid-draft-1440.png")
		e.run("fix", browsertest.Type("mc-label", "Lihat"))
		e.eval(`(() => { const b = document.getElementById("mc-body"); b.value = "Hi {{customer.name}}, thanks"; b.dispatchEvent(new Event("input")); return "" })()`)
		e.wait("the preview back", visible("pv-chat")+` && !`+visible("pv-invalid")+` && document.getElementById("pv-text").textContent === "Hi Budi Santoso, thanks"`)
		e.run("cancel", chromedp.Click(chromedp.ID("mc-cancel")))
	})

	t.Run("FallbackMarkedOnlyWhenLeftOrSaved", func(t *testing.T) {
		e.t = t
		e.run("order placed", chromedp.Navigate(mc("order_placed")), chromedp.WaitVisible(chromedp.ID("mc-form")))
		e.wait("preview", `document.getElementById("pv-text").textContent !== ""`)
		e.run("enable fallback", chromedp.Click(chromedp.ID("fb-enabled")), chromedp.WaitVisible(chromedp.ID("fb-channel")))
		e.wait("channels", `document.querySelectorAll("#fb-channel option").length > 1`)
		e.choose("fb-channel", fmt.Sprint(sh.WhatsApp))
		e.wait("types", `document.querySelectorAll("#fb-type option").length > 1`)
		e.choose("fb-type", msgcenter.TemplateType24Hour)
		e.choose("fb-category", msgcenter.CategoryUtility)
		e.choose("fb-name", "order_update")
		e.wait("variable rows", `document.getElementById("fb-var-text-2")`)
		e.wait("the fallback's problems in its preview", visible("fbpv-invalid")+` && document.querySelectorAll("#fbpv-problems li").length >= 2`)
		if got := e.eval(`String(document.querySelectorAll("#fb [aria-invalid]").length) + "|" + [...document.querySelectorAll("#fb .field-error")].filter(p => !p.hidden).map(p => p.id).join(",")`); got != "0|" {
			t.Errorf("fields marked invalid right after choosing the template: %q", got)
		}
		// The message itself is still previewed.
		if !e.is(visible("pv-chat")) || e.is(visible("pv-invalid")) || !strings.HasPrefix(e.eval(`document.getElementById("pv-text").textContent`), "Hi Budi Santoso") {
			t.Errorf("the message's preview is gone while only the fallback is unfinished")
		}
		e.screenshot("admin-mc-fallback-untouched-1440.png")

		// Leaving variable 1 empty marks it, and only it.
		e.run("enter and leave variable 1", chromedp.Focus(chromedp.ID("fb-var-text-1")), chromedp.Focus(chromedp.ID("fb-var-text-2")))
		e.wait("variable 1 marked", `!document.getElementById("err-fallback.variables.1").hidden && document.getElementById("fb-var-text-1").getAttribute("aria-invalid") === "true"`)
		if e.is(`!document.getElementById("err-fallback.variables.2").hidden`) {
			t.Errorf("variable 2, not left yet, is marked")
		}
		// Save marks every field.
		e.run("save", chromedp.Click(chromedp.ID("mc-save")))
		e.wait("every field marked", `!document.getElementById("err-fallback.variables.2").hidden && document.getElementById("mc-status").classList.contains("bad")`)
		e.screenshot("admin-mc-fallback-after-save-1440.png")

		// The static button of a template is shown with the dynamic one.
		e.choose("fb-name", "with_website")
		e.wait("one variable", `document.getElementById("fb-var-text-1") && !document.getElementById("fb-var-text-2")`)
		e.run("fill", browsertest.Type("fb-var-text-1", "Kak Budi"))
		e.wait("fallback preview", visible("fbpv-chat")+` && document.querySelectorAll("#fbpv-buttons .pv-button").length === 2`)
		if got := e.eval(`[...document.querySelectorAll("#fbpv-buttons .pv-button")].map(b => b.textContent + " " + b.title).join("|")`); got != "Visit Website https://kopi.example/|View order https://shop.qiscus.com/order/sample-7Kq2Xv9LmT4pRz8N" {
			t.Errorf("fallback preview buttons %q", got)
		}
		if e.eval(`document.getElementById("fbpv-button").textContent`) != "View order" {
			t.Errorf("the recorded button is not the dynamic one")
		}
		e.run("save", chromedp.Click(chromedp.ID("mc-save")))
		e.wait("saved", `document.getElementById("mc-status").textContent.startsWith("Saved as version")`)
		if e.is(`document.querySelector("#fb [aria-invalid]")`) {
			t.Errorf("a field is still marked after a good save")
		}
		e.screenshot("admin-mc-fallback-static-button-1440.png")

		// A text header's variables have rows of their own, numbered apart.
		e.choose("fb-name", "with_header")
		e.wait("header and body rows", `document.getElementById("fb-hvar-text-1") && document.getElementById("fb-var-text-1") && !document.getElementById("fb-var-text-2")`)
		e.choose("fb-hvar-src-1", "placeholder")
		e.choose("fb-hvar-ph-1", "order_id")
		// Variable 1 keeps what it held for the previous template.
		if got := e.eval(`document.getElementById("fb-var-text-1").value`); got != "Kak Budi" {
			t.Errorf("variable 1 = %q, want what it held", got)
		}
		e.wait("fallback preview", visible("fbpv-chat")+` && document.getElementById("fbpv-text").textContent === "Hi Kak Budi, it is on its way."`)
		if got := e.eval(`document.getElementById("fbpv-header").textContent`); got != "Order #1042" {
			t.Errorf("fallback preview header %q, want the sample order's number", got)
		}
		e.run("save", chromedp.Click(chromedp.ID("mc-save")))
		e.wait("saved", `document.getElementById("mc-status").textContent.startsWith("Saved as version 3")`)
	})

	t.Run("PhonePreviewStaysInSight", func(t *testing.T) {
		e.t = t
		e.run("phone", chromedp.EmulateViewport(375, 800), chromedp.Navigate(mc("order_placed")), chromedp.WaitVisible(chromedp.ID("mc-form")))
		e.wait("preview", `document.getElementById("pv-text").textContent !== "" && document.getElementById("fb-var-text-1")`)
		e.run("no sideways scroll", browsertest.NoHScroll(t, "order_placed", 375))
		if !e.is(`document.getElementById("pv").getBoundingClientRect().top < document.getElementById("mc-form").getBoundingClientRect().top`) {
			t.Errorf("the preview is not above the form")
		}
		e.screenshot("admin-mc-phone-top-375.png")
		e.eval(`(() => { document.getElementById("fb-var-text-1").scrollIntoView({block: "end"}); return "" })()`)
		e.wait("scrolled", `window.scrollY > 300`)
		inSight := `(r => r.top >= 0 && r.top < 5 && r.bottom > 100)(document.getElementById("pv").getBoundingClientRect()) &&
			(r => r.top >= 0 && r.bottom <= innerHeight)(document.getElementById("pv-text").getBoundingClientRect())`
		if !e.is(inSight) {
			t.Errorf("scrolled to the fallback, the preview is out of sight: %s", e.eval(`JSON.stringify(document.getElementById("pv").getBoundingClientRect())`))
		}
		// The field being edited is not hidden under the preview.
		if !e.is(`document.getElementById("fb-var-text-1").getBoundingClientRect().top >= document.getElementById("pv").getBoundingClientRect().bottom`) {
			t.Errorf("the field scrolled to is under the preview")
		}
		e.viewportShot("admin-mc-phone-scrolled-375.png")
		e.run("fold", chromedp.Click(chromedp.ID("pv-toggle")))
		if e.is(visible("pv-body")) || e.eval(`document.getElementById("pv-toggle").getAttribute("aria-expanded")`) != "false" {
			t.Errorf("folding the preview left it open")
		}
		e.viewportShot("admin-mc-phone-folded-375.png")
		e.run("unfold", chromedp.Click(chromedp.ID("pv-toggle")))
		if !e.is(visible("pv-body")) {
			t.Errorf("unfolding the preview left it folded")
		}
		// On a desktop the toggle is not offered.
		e.run("desktop", chromedp.EmulateViewport(1440, 1000))
		if e.is(visible("pv-toggle")) {
			t.Errorf("the fold button shows on a desktop")
		}
	})

	t.Run("CustomButtonLabel", func(t *testing.T) {
		e.t = t
		e.run("share tab", chromedp.Navigate(mc("share_microsite_url")), chromedp.WaitVisible(chromedp.ID("cb-label")))
		if got := e.eval(`document.getElementById("mc-trigger-type").textContent`); got != "Manual (triggered by agent)" {
			t.Errorf("trigger type %q", got)
		}
		e.run("name it", browsertest.Type("cb-label", "Kirim Katalog"), chromedp.Click(chromedp.ID("cb-label-save")))
		e.wait("saved", `document.getElementById("cb-label-status").textContent === "Label saved."`)
		if bs := sh.SandboxButtons(); len(bs) != 1 || bs[0].Label != "Kirim Katalog" {
			t.Errorf("the omnichannel's button %+v, want label Kirim Katalog", bs)
		}
		e.eval(`(() => { const l = document.getElementById("cb-label"); l.value = ""; return "" })()`)
		e.run("follow the store", chromedp.Click(chromedp.ID("cb-label-save")))
		e.wait("follows", `document.getElementById("cb-label-status").textContent === "The label follows the store name again."`)
		if got := e.eval(`document.getElementById("cb-auto").textContent`); !strings.Contains(got, "Toko Kopi Senja") {
			t.Errorf("set-up line %q, want the store name", got)
		}
		e.screenshot("admin-mc-custom-button-label-1440.png")
	})
}
