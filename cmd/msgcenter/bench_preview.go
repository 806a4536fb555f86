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
	svc := newServices(m.DB)
	u, err := svc.users.CreateUser(ctx, "bench@msgcenter.local", "bench-password")
	if err != nil {
		return nil, err
	}
	st := &msgcenter.Store{Name: "Bench Store", OwnerID: u.ID}
	if err := svc.stores.CreateStore(ctx, st); err != nil {
		return nil, err
	}
	token, err := svc.users.CreateAPIToken(ctx, u.ID, "bench")
	if err != nil {
		return nil, err
	}
	url := fmt.Sprintf("%s/api/v1/stores/%d/message-center/%s/preview", m.HTTP.URL(), st.ID, msgcenter.EventOrderPaid)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: admins}, Timeout: 5 * time.Second}
	body := "Halo {{customer.name}}, pembayaran {{order.grand_total}} untuk pesanan {{order_id}} sudah kami terima. " +
		"Struk: {{order_receipt_link}}\n{{order.products}}\nTerima kasih sudah belanja di {{store_name}}"

	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	deadline := time.Now().Add(duration)
	var wg sync.WaitGroup
	for a := range admins {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Spread the admins' keystrokes over the interval.
			time.Sleep(interval * time.Duration(a) / time.Duration(admins))
			tick := time.NewTicker(interval)
			defer tick.Stop()
			for n := 1; time.Now().Before(deadline); n++ {
				draft := fmt.Sprintf(`{"type": "custom", "button_label": "Lihat Struk", "body": %q}`, body[:min(len(body), 20+n%len(body))])
				req, _ := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(draft))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				start := time.Now()
				resp, err := client.Do(req)
				d := time.Since(start)
				ok := err == nil && (resp.StatusCode == 200 || resp.StatusCode == 422)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				mu.Lock()
				if ok {
					lat = append(lat, d)
				} else {
					errs++
				}
				mu.Unlock()
				select {
				case <-tick.C:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	wg.Wait()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	res := &PreviewResult{Requests: len(lat) + errs, Errors: errs, PerSecond: float64(len(lat)+errs) / duration.Seconds()}
	if len(lat) > 0 {
		res.P50, res.P99, res.Max = percentile(lat, 0.5), percentile(lat, 0.99), lat[len(lat)-1]
	}
	return res, nil
}
