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

	opts := browsertest.Options(t, exe, 375, 812)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	ctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithLogf(t.Logf))
	defer cancelTab()

	noHScroll := func(page string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			dims, err := chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`)(ctx, tg)
			if err != nil {
				return err
			}
			if len(dims) != 2 || dims[0] > dims[1] || dims[1] != 375 {
				t.Errorf("%s scrolls horizontally at 375 px: scrollWidth, innerWidth = %v", page, dims)
			}
			return nil
		})
	}
	screenshot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			png, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			path := filepath.Join(out, name)
			if err := os.WriteFile(path, png, 0o644); err != nil {
				return err
			}
			t.Logf("screenshot: %s", path)
			return nil
		})
	}
	text := func(sel string) string {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}

	kopi := fmt.Sprintf(`[data-product="%d"]`, sh.Kopi)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(375, 812),
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.ID("greeting")),
		noHScroll("microsite"),
		screenshot("microsite-375.png"),
		chromedp.Click(chromedp.CSS(kopi+` .add`)),
		chromedp.WaitVisible(chromedp.CSS(kopi+` .step[data-step="1"]`)),
		chromedp.Click(chromedp.CSS(kopi+` .step[data-step="1"]`)),
		noHScroll("microsite with a cart"),
		screenshot("microsite-cart-375.png"),
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
		noHScroll("checkout"),
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
		screenshot("checkout-375.png"),
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
		noHScroll("confirmation"),
		screenshot("confirmation-375.png"),
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
		noHScroll("order page"),
		screenshot("microsite-order-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if body := text("main"); !strings.Contains(body, "#1") || !strings.Contains(body, "Kopi Susu") || !strings.Contains(body, "Rp\u00a077.000") {
		t.Errorf("order page = %q", body)
	}
}
