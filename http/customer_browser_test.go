package http_test

import (
	"context"
	"io"
	nethttp "net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/qiscus/msgcenter/internal/browsertest"
)

// TestCustomerBrowser walks a phone-sized browser from the paid order's
// page to its receipt and downloads the PDF.
func TestCustomerBrowser(t *testing.T) {
	exe := browsertest.Chromium(t)
	f := newCustomerFixture(t)
	order := f.Orders["paid-Tok_en"]
	out := browsertest.OutputDir(t)
	downloads := t.TempDir()

	ctx := browsertest.Tab(t, exe, 375, 812, 30*time.Second)

	yes := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads, EventsEnabled: &yes,
	}); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(f.URL+"/order/"+order.Token),
		chromedp.WaitVisible(chromedp.ID("view-receipt")),
		browsertest.NoHScroll(t, "order page", 375),
		browsertest.Screenshot(t, out, "customer-order-375.png"),
		chromedp.Click(chromedp.ID("view-receipt")),
		chromedp.WaitVisible(chromedp.ID("download")),
		browsertest.NoHScroll(t, "receipt page", 375),
		browsertest.Screenshot(t, out, "customer-receipt-375.png"),
	)
	if err != nil {
		t.Fatal(err)
	}
	href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("download").href`))
	if err != nil {
		t.Fatal(err)
	}

	// Clicking Download saves the file under the name the server gives it.
	// The subscription starts before the click, so no event is lost.
	evCtx, stopEvents := context.WithCancel(ctx)
	defer stopEvents()
	progress := chromedp.BrowserEvents(evCtx, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.ID("download"))); err != nil {
		t.Fatal(err)
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			break
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the download was canceled")
		}
	}
	stopEvents()
	pdf, err := os.ReadFile(filepath.Join(downloads, "receipt-kopi-senja-1041.pdf"))
	if err != nil {
		t.Fatalf("downloaded file: %v", err)
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Errorf("downloaded file is not a PDF: %q", pdf[:min(16, len(pdf))])
	}

	// The link the button carries answers the PDF itself.
	if want := f.URL + "/receipt/" + order.Token + ".pdf"; href != want {
		t.Errorf("Download href = %q, want %q", href, want)
	}
	resp, err := nethttp.Get(href)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "application/pdf" || !strings.HasPrefix(string(body), "%PDF-") {
		t.Errorf("GET %s: status %d, Content-Type %q, body starts %q", href, resp.StatusCode, ct, body[:min(16, len(body))])
	}
}
