// Package browsertest starts headless Chromium for the browser tests of
// every package, with the one set of flags this machine needs, and says
// where their screenshots go.
package browsertest

import (
	"os"
	"os/exec"
	"testing"

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
