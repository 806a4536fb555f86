package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/qiscus/msgcenter"
)

// PreviewResult is what the preview load measured.
type PreviewResult struct {
	Requests      int
	Errors        int
	PerSecond     float64
	P50, P99, Max time.Duration
}

// BenchPreview has admins admins type into the Message Center at once, each
// sending a preview request every interval (5 per second), for duration,
// against a service on loopback, and measures the answers' latency.
func BenchPreview(ctx context.Context, admins int, interval, duration time.Duration, progress io.Writer) (*PreviewResult, error) {
	dbURL, cleanup, err := freshDatabase(ctx, "")
	if err != nil {
		return nil, err
	}
	defer cleanup()
	m := NewMain()
	m.Config.DatabaseURL = dbURL
	m.Config.Addr = "127.0.0.1:0"
	m.Config.Logger = slog.New(slog.NewTextHandler(progress, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if err := m.Run(ctx); err != nil {
		m.Close()
		return nil, err
	}
	defer m.Close()
	url, token, err := previewTarget(ctx, m)
	if err != nil {
		return nil, err
	}
	l := &previewLoad{url: url, token: token, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: admins}, Timeout: 5 * time.Second}}
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for a := range admins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Spread the admins' keystrokes over the interval.
			time.Sleep(interval * time.Duration(a) / time.Duration(admins))
			l.admin(ctx, interval, deadline)
		}()
	}
	wg.Wait()
	sort.Slice(l.lat, func(i, j int) bool { return l.lat[i] < l.lat[j] })
	res := &PreviewResult{Requests: len(l.lat) + l.errs, Errors: l.errs, PerSecond: float64(len(l.lat)+l.errs) / duration.Seconds()}
	if len(l.lat) > 0 {
		res.P50, res.P99, res.Max = percentile(l.lat, 0.5), percentile(l.lat, 0.99), l.lat[len(l.lat)-1]
	}
	return res, nil
}

// previewTarget makes an admin with an API token and a store, and returns
// the URL of the store's order_paid preview and the token.
func previewTarget(ctx context.Context, m *Main) (url, token string, err error) {
	svc := newServices(m.DB)
	u, err := svc.users.CreateUser(ctx, "bench@msgcenter.local", "bench-password")
	if err != nil {
		return "", "", err
	}
	st := &msgcenter.Store{Name: "Bench Store", OwnerID: u.ID}
	if err := svc.stores.CreateStore(ctx, st); err != nil {
		return "", "", err
	}
	if token, err = svc.users.CreateAPIToken(ctx, u.ID, "bench"); err != nil {
		return "", "", err
	}
	return fmt.Sprintf("%s/api/v1/stores/%d/message-center/%s/preview", m.HTTP.URL(), st.ID, msgcenter.EventOrderPaid), token, nil
}

// previewLoad is the preview requests of every admin and their latencies.
type previewLoad struct {
	url, token string
	client     *http.Client

	mu   sync.Mutex
	lat  []time.Duration
	errs int
}

// previewBody is what the admins type, a little more at each request.
const previewBody = "Halo {{customer.name}}, pembayaran {{order.grand_total}} untuk pesanan {{order_id}} sudah kami terima. " +
	"Struk: {{order_receipt_link}}\n{{order.products}}\nTerima kasih sudah belanja di {{store_name}}"

// admin sends one admin's preview requests, one every interval, until the
// deadline.
func (l *previewLoad) admin(ctx context.Context, interval time.Duration, deadline time.Time) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for n := 1; time.Now().Before(deadline); n++ {
		draft := fmt.Sprintf(`{"type": "custom", "button_label": "Lihat Struk", "body": %q}`, previewBody[:min(len(previewBody), 20+n%len(previewBody))])
		req, _ := http.NewRequestWithContext(ctx, "POST", l.url, strings.NewReader(draft))
		req.Header.Set("Authorization", "Bearer "+l.token)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		resp, err := l.client.Do(req)
		d := time.Since(start)
		ok := err == nil && (resp.StatusCode == 200 || resp.StatusCode == 422)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		l.mu.Lock()
		if ok {
			l.lat = append(l.lat, d)
		} else {
			l.errs++
		}
		l.mu.Unlock()
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		}
	}
}
