package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
)

// BenchMemory configures n stores on a fresh database while serving, reads
// every store's Message Center once through the API, and returns the
// process's resident set size in bytes afterwards.
func BenchMemory(ctx context.Context, n int, out io.Writer) (int64, error) {
	dbURL, cleanup, err := freshDatabase(ctx, "")
	if err != nil {
		return 0, err
	}
	defer cleanup()
	m := NewMain()
	m.Config.DatabaseURL = dbURL
	m.Config.Addr = "127.0.0.1:0"
	m.Config.Logger = slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := m.Run(ctx); err != nil {
		m.Close()
		return 0, err
	}
	defer m.Close()
	svc := newServices(m.DB)
	u, err := svc.users.CreateUser(ctx, "bench@msgcenter.local", "bench-password")
	if err != nil {
		return 0, err
	}
	token, err := svc.users.CreateAPIToken(ctx, u.ID, "bench")
	if err != nil {
		return 0, err
	}
	client := &http.Client{}
	for i := range n {
		st := &msgcenter.Store{Name: fmt.Sprintf("Toko %d", i), OwnerID: u.ID}
		if err := svc.stores.CreateStore(ctx, st); err != nil {
			return 0, err
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/api/v1/stores/%d/message-center", m.HTTP.URL(), st.ID), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if i%500 == 0 {
			progress(out, "stores", i, n)
		}
	}
	progress(out, "stores", n, n)
	fmt.Fprintln(out)
	runtime.GC()
	debug.FreeOSMemory()
	return residentBytes()
}

// residentBytes reads this process's resident set size from /proc.
func residentBytes() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/self/status")
}
