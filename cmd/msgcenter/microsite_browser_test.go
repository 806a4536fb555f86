package main_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/qiscus/msgcenter/internal/browsertest"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// TestMicrositeBrowser walks a phone-sized browser from the personalised
// link an agent's click sent, through the cart and the checkout, to the
// confirmation; the chat room then holds order_placed, whose button opens
// the order page.
func TestMicrositeBrowser(t *testing.T) {
	exe := browsertest.Chromium(t)
	sh := MustRunMain(t, sqltest.SQLiteURL(t)).NewShop("Toko Kopi Senja")
	if code, ans := sh.Webhook(sh.CustomButton().URL, sh.clickPayload(sh.WARoom)); code != 200 {
		t.Fatalf("click: %d %v", code, ans)
	}
	link := sh.waitOutbox(sh.WARoom, 1)[0].ButtonURL
	out := browsertest.OutputDir(t)

	ctx := browsertest.Tab(t, exe, 375, 812, 60*time.Second)
	text := func(sel string) string {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	kopi := fmt.Sprintf(`[data-product="%d"]`, sh.Kopi)
	err := chromedp.Do(ctx,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("greeting")),
		browsertest.NoHScroll(t, "microsite", 375),
		browsertest.Screenshot(t, out, "microsite-375.png"),
		chromedp.Click(chromedp.CSS(kopi+` .add`)),
		chromedp.WaitVisible(chromedp.CSS(kopi+` .step[data-step="1"]`)),
		chromedp.Click(chromedp.CSS(kopi+` .step[data-step="1"]`)),
		browsertest.NoHScroll(t, "microsite with a cart", 375),
		browsertest.Screenshot(t, out, "microsite-cart-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if g := text("#greeting"); !strings.Contains(g, "Budi") {
		t.Errorf("greeting = %q", g)
	}
	if n := text("#cart-count"); n != "2" {
		t.Errorf("cart count = %q, want 2", n)
	}

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("checkout")),
		chromedp.WaitVisible(chromedp.ID("checkout-form")),
		browsertest.NoHScroll(t, "checkout", 375),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := text("#grand-total"); got != "Rp\u00a067.000" {
		t.Errorf("grand total with regular delivery = %q, want Rp 67.000", got)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`input[name="delivery_method"][value="instant"]`)),
		chromedp.SetValue(chromedp.ID("address"), "Jl. Braga No. 1, Bandung"),
		browsertest.Screenshot(t, out, "checkout-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if got := text("#grand-total"); got != "Rp\u00a077.000" {
		t.Errorf("grand total with instant delivery = %q, want Rp 77.000", got)
	}
	if name, err := chromedp.Run(ctx, chromedp.Value(chromedp.ID("name"))); err != nil || name != "Budi" {
		t.Errorf("name prefilled = %q, %v", name, err)
	}

	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.ID("place-order")),
		chromedp.WaitVisible(chromedp.ID("confirmation")),
		browsertest.NoHScroll(t, "confirmation", 375),
		browsertest.Screenshot(t, out, "confirmation-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if n := text("#order-number"); n != "#1" {
		t.Errorf("order number = %q", n)
	}

	// The chat room holds order_placed; its button opens the order page.
	msgs := sh.waitOutbox(sh.WARoom, 2)
	placed := msgs[1]
	if !strings.Contains(placed.Text, "order #1 has been placed") || !strings.HasPrefix(placed.ButtonURL, sh.Base+"/order/") {
		t.Fatalf("order_placed = %q, button %q", placed.Text, placed.ButtonURL)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(placed.ButtonURL),
		chromedp.WaitVisible(chromedp.CSS(`.cust-head`)),
		browsertest.NoHScroll(t, "order page", 375),
		browsertest.Screenshot(t, out, "microsite-order-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if body := text("main"); !strings.Contains(body, "#1") || !strings.Contains(body, "Kopi Susu") || !strings.Contains(body, "Rp\u00a077.000") {
		t.Errorf("order page = %q", body)
	}
}
