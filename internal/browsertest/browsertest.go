// Package browsertest starts headless Chromium for the browser tests of
// every package, with the one set of flags this machine needs, and says
// where their screenshots go.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Chromium returns the path of Debian's Chromium. When it is missing the
// test skips, saying so, or fails under CI, where scripts/test installs it.
func Chromium(t testing.TB) string {
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

// Options are the allocator options of a fresh headless Chromium at exe with
// a window of width × height. The background-networking flags keep it from
// reaching for Google's hosts, which this machine's closed network refuses.
func Options(t testing.TB, exe string, width, height int) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
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
		chromedp.WindowSize(width, height),
	}
}

// OutputDir is where screenshots go: $MSGCENTER_TEST_OUTPUT (scripts/test
// sets it to testoutput/), or a temporary directory.
func OutputDir(t testing.TB) string {
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

// Tab starts a fresh headless Chromium at exe with a window of width ×
// height and returns the context of a tab in it, its viewport emulated at
// that size. Chromium closes when the test ends or timeout passes.
func Tab(t testing.TB, exe string, width, height int, timeout time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, Options(t, exe, width, height)...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx, chromedp.WithLogf(t.Logf))
	t.Cleanup(cancelTab)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height))); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// Screenshot is an action that saves a full-page PNG of the tab as name in
// dir and logs where.
func Screenshot(t testing.TB, dir, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, tg)
		if err != nil {
			return err
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			return err
		}
		t.Logf("screenshot: %s", path)
		return nil
	})
}

// NoHScroll is an action that fails t, naming page, when the page scrolls
// horizontally or the window is not width pixels wide.
func NoHScroll(t testing.TB, page string, width int) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		dims, err := chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`)(ctx, tg)
		if err != nil {
			return err
		}
		if len(dims) != 2 || dims[0] > dims[1] || dims[1] != width {
			t.Errorf("%s scrolls horizontally at %d px, or is not that wide: scrollWidth, innerWidth = %v", page, width, dims)
		}
		return nil
	})
}

// Type is an action that focuses the element with the given id and inserts
// text into it as typing does, firing its input events. It stands in for
// chromedp.SendKeys, which reads the node's attributes without their lock
// while the page changes them (a data race the race detector reports when
// a page marks a field invalid as it is typed into).
func Type(id, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := chromedp.Focus(chromedp.ID(id))(ctx, tg); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, input.InsertText, input.InsertTextParams{Text: text})
		return err
	})
}
