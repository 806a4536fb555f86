package main_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// qiscusApp is a fake Qiscus app for end-to-end tests: its bot endpoint
// answers as answer decides, and it counts the messages it accepted.
type qiscusApp struct {
	srv      *httptest.Server
	mu       sync.Mutex
	answer   func(secret string) (int, string)
	accepted atomic.Int64
	requests atomic.Int64
}

func newQiscusApp(t *testing.T) *qiscusApp {
	q := &qiscusApp{}
	q.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		if r.Method != http.MethodPost || r.URL.Path != "/kopi-app/bot" {
			http.NotFound(w, r)
			return
		}
		q.requests.Add(1)
		q.mu.Lock()
		answer := q.answer
		q.mu.Unlock()
		status, body := http.StatusOK, ""
		if answer != nil {
			status, body = answer(r.Header.Get("Qiscus-Secret-Key"))
		}
		w.Header().Set("Content-Type", "application/json")
		if status != http.StatusOK {
			w.WriteHeader(status)
			io.WriteString(w, body)
			return
		}
		n := q.accepted.Add(1)
		fmt.Fprintf(w, `{"status":200,"data":{"comment":{"id":%d,"type":"text"}}}`, n)
	}))
	t.Cleanup(q.srv.Close)
	return q
}

func (q *qiscusApp) setAnswer(f func(secret string) (int, string)) {
	q.mu.Lock()
	q.answer = f
	q.mu.Unlock()
}

// connectedShop is a shop whose store sends through q with secret, and a
// platform room to order from.
func connectedShop(t *testing.T, a *App, q *qiscusApp, secret string) (*Shop, int64) {
	sh := a.NewShop("Toko Kopi Senja")
	connect(a, sh, q, secret)
	room := a.create("rooms", sh.Store, map[string]any{"channel_id": sh.IG, "customer_name": "Budi", "external_id": "ig-room-1"})
	return sh, room
}

func connect(a *App, sh *Shop, q *qiscusApp, secret string) {
	a.MustJSON(http.StatusOK, "PUT", "/api/v1/stores/"+sh.Store+"/integration/qiscus",
		map[string]any{"app_id": "kopi-app", "secret_key": secret, "base_url": q.srv.URL}, nil)
}

// TestOutageLosesNoMessage holds the platform down (503, then the open
// breaker's refusals) for longer than every retry's backoff together with
// a message's tries: the messages wait without using their tries and are
// all sent once it answers again.
func TestOutageLosesNoMessage(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		q := newQiscusApp(t)
		var down atomic.Bool
		down.Store(true)
		q.setAnswer(func(string) (int, string) {
			if down.Load() {
				return http.StatusServiceUnavailable, `{"status":503,"errors":"service unavailable"}`
			}
			return http.StatusOK, ""
		})
		a := MustRunMainWith(t, dbURL, func(c *main.Config) {
			c.SecretKey = bytes.Repeat([]byte{7}, 32)
			// Two tries, 5–50 ms apart: under the old rule every message
			// had failed within a second of the outage.
			c.Delivery.MaxAttempts = 2
			c.QiscusBreakerCooldown = 300 * time.Millisecond
		})
		sh, room := connectedShop(t, a, q, "s3cret-value")
		var orders []int64
		for range 5 {
			orders = append(orders, sh.Order(room).ID)
		}
		// Down for far longer than 2 tries × 50 ms and several breaker cycles.
		time.Sleep(1500 * time.Millisecond)
		for _, id := range orders {
			var out deliveriesOut
			sh.MustJSON(200, "GET", fmt.Sprintf("/api/v1/stores/%s/orders/%d/deliveries", sh.Store, id), nil, &out)
			if out.Summary.Failed != 0 || out.Summary.Queued != 1 {
				t.Fatalf("order %d during the outage: %+v, want its message queued", id, out.Summary)
			}
			if d := out.Deliveries[0]; d.Reason != "provider_unavailable" || d.ReasonText == "" {
				t.Errorf("order %d waits with reason %q (%q), want provider_unavailable and its text", id, d.Reason, d.ReasonText)
			}
		}
		down.Store(false)
		for _, id := range orders {
			if got := sh.WaitOrderDeliveries(id, 1); got.Summary.Sent != 1 || got.Summary.Failed != 0 {
				t.Fatalf("order %d after the outage: %+v, want sent", id, got.Summary)
			}
		}
		if n := q.accepted.Load(); n != int64(len(orders)) {
			t.Errorf("the platform accepted %d messages, want %d", n, len(orders))
		}
	})
}

// TestRevokedKeyWaitsForReconnect: a store whose key the platform rejects
// sees its messages waiting with the reason, and they go out once it
// reconnects with a valid key.
func TestRevokedKeyWaitsForReconnect(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		q := newQiscusApp(t)
		q.setAnswer(func(secret string) (int, string) {
			if secret != "new-valid-key" {
				return http.StatusUnauthorized, `{"status":401,"errors":{"message":"Unauthorized"}}`
			}
			return http.StatusOK, ""
		})
		a := MustRunMainWith(t, dbURL, func(c *main.Config) {
			c.SecretKey = bytes.Repeat([]byte{7}, 32)
			c.Delivery.MaxAttempts = 2
			c.Delivery.ParkRecheck = 100 * time.Millisecond
		})
		sh, room := connectedShop(t, a, q, "revoked-key")
		o1, o2 := sh.Order(room), sh.Order(room)
		time.Sleep(800 * time.Millisecond)
		for _, id := range []int64{o1.ID, o2.ID} {
			var out deliveriesOut
			sh.MustJSON(200, "GET", fmt.Sprintf("/api/v1/stores/%s/orders/%d/deliveries", sh.Store, id), nil, &out)
			if out.Summary.Queued != 1 || out.Summary.Failed != 0 {
				t.Fatalf("order %d with a revoked key: %+v, want its message waiting", id, out.Summary)
			}
			if d := out.Deliveries[0]; d.Reason != "provider_unauthorized" || len(d.Attempts) != 0 {
				t.Errorf("order %d: reason %q with %d attempts, want provider_unauthorized and no try used", id, d.Reason, len(d.Attempts))
			}
		}
		// The rejected key is not tried for every message and every check.
		if n := q.requests.Load(); n > 2 {
			t.Errorf("the platform was asked %d times with the rejected key, want at most 2", n)
		}
		connect(a, sh, q, "new-valid-key")
		for _, id := range []int64{o1.ID, o2.ID} {
			if got := sh.WaitOrderDeliveries(id, 1); got.Summary.Sent != 1 {
				t.Fatalf("order %d after reconnecting: %+v, want sent", id, got.Summary)
			}
		}
	})
}
