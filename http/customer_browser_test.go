package http_test

import (
	"context"
	"io"
	nethttp "net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's Chromium, skipping the test (or failing it
// under CI) when it is not installed.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not found; install the Debian package chromium (scripts/test does it as root)")
	}
	t.Skip("chromium not found; install the Debian package chromium to run the browser test (scripts/test does it as root)")
	return ""
}

// testOutputDir is where screenshots go: $MSGCENTER_TEST_OUTPUT, or a
// temporary directory.
func testOutputDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("MSGCENTER_TEST_OUTPUT")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestCustomerBrowser walks a phone-sized browser from the paid order's
// page to its receipt and downloads the PDF.
func TestCustomerBrowser(t *testing.T) {
	exe := chromiumPath(t)
	f := newCustomerFixture(t)
	order := f.Orders["paid-Tok_en"]
	out := testOutputDir(t)
	downloads := t.TempDir()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(375, 812),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
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
			if len(dims) != 2 || dims[0] > dims[1] {
				t.Errorf("%s scrolls horizontally at 375 px: scrollWidth, innerWidth = %v", page, dims)
			}
			if len(dims) == 2 && dims[1] != 375 {
				t.Errorf("%s: innerWidth = %d, want 375", page, dims[1])
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

	yes := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads, EventsEnabled: &yes,
	}); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(375, 812),
		chromedp.Navigate(f.URL+"/order/"+order.Token),
		chromedp.WaitVisible(chromedp.ID("view-receipt")),
		noHScroll("order page"),
		screenshot("customer-order-375.png"),
		chromedp.Click(chromedp.ID("view-receipt")),
		chromedp.WaitVisible(chromedp.ID("download")),
		noHScroll("receipt page"),
		screenshot("customer-receipt-375.png"),
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
