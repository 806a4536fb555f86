package main_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// scaleShop is a store reachable through several serve processes.
type scaleShop struct {
	t        *testing.T
	apps     []*App
	store    string
	product  int64
	room     int64
	children []*Child
	*watchedDB
}

func newScaleShop(t *testing.T, bin, dbURL string, n int, args ...string) *scaleShop {
	t.Helper()
	runCLI(t, bin, "migrate", "--db", dbURL)
	runCLI(t, bin, "admin", "create", "--db", dbURL, "--email", "ops@example.com", "--password-file", passwordFile(t, "correct horse battery"))
	token := runCLI(t, bin, "token", "create", "--db", dbURL, "--email", "ops@example.com")
	s := &scaleShop{t: t}
	for range n {
		c := StartChild(t, bin, dbURL, args...)
		s.children = append(s.children, c)
		s.apps = append(s.apps, &App{tb: t, Base: c.Base, Token: token})
	}
	a := s.apps[0]
	s.store = a.CreateStore("Toko Skala")
	s.product = a.create("products", s.store, map[string]any{"name": "Kopi Susu", "price": 25000, "stock": 1_000_000})
	sb := a.Platform(dbURL)
	_, ch := a.PlatformChannel(sb, s.store, msgcenter.ChannelInstagram, "IG")
	s.room, _ = a.CustomerRoom(sb, s.store, ch, "Budi", "")
	s.watchedDB = watchDatabase(t, dbURL)
	return s
}

// run places orders through the processes in turn and pays every second
// one through the next process; it returns the ids of orders and payments.
func (s *scaleShop) run(orders int, via func(i int) *App) (placed []int64, paid int) {
	s.t.Helper()
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				a := via(i)
				var o struct {
					ID int64 `json:"id"`
				}
				resp, body := a.Do("POST", "/api/v1/stores/"+s.store+"/orders", a.Token, map[string]any{
					"room_id": s.room, "items": []map[string]any{{"product_id": s.product, "quantity": 1}},
					"delivery_method": "pickup", "payment_method": "qris"})
				if resp.StatusCode != 201 {
					s.t.Errorf("order via %s: %d %s", a.Base, resp.StatusCode, body)
					continue
				}
				if err := jsonUnmarshal(body, &o); err != nil {
					s.t.Error(err)
					continue
				}
				mu.Lock()
				placed = append(placed, o.ID)
				mu.Unlock()
				if i%2 == 0 {
					b := via(i + 1)
					resp, body := b.Do("POST", fmt.Sprintf("/api/v1/stores/%s/orders/%d/pay", s.store, o.ID), b.Token, nil)
					if resp.StatusCode != 200 {
						s.t.Errorf("pay via %s: %d %s", b.Base, resp.StatusCode, body)
						continue
					}
					mu.Lock()
					paid++
					mu.Unlock()
				}
			}
		}()
	}
	for i := range orders {
		next <- i
	}
	close(next)
	wg.Wait()
	return placed, paid
}

// copies counts the distinct messages and all copies the sandbox carried.
func (s *scaleShop) copies() (distinct, total int) {
	s.t.Helper()
	seen, total := s.sentCopies()
	return len(seen), total
}

// TestScaleOut runs three serve processes on one PostgreSQL: 3,000 orders
// through all three, half paid through another process than placed them;
// every message is sent exactly once and visible from every process. Then
// one of the three is killed mid-run and the other two finish its work.
func TestScaleOut(t *testing.T) {
	if testing.Short() {
		t.Skip("scale-out test starts child processes")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--workers", "10", "--job-timeout", "2s", "--rescue-after", "3s", "--retry-base", "20ms", "--retry-max", "200ms"}

	t.Run("ExactlyOnce", func(t *testing.T) {
		s := newScaleShop(t, bin, sqltest.PostgresURL(t), 3, args...)
		placed, paid := s.run(3000, func(i int) *App { return s.apps[i%3] })
		want := len(placed) + paid
		if len(placed) != 3000 || paid != 1500 {
			t.Fatalf("placed %d, paid %d", len(placed), paid)
		}
		s.waitSent(want, 3*time.Minute)
		distinct, total := s.copies()
		if distinct != want || total != want {
			t.Fatalf("%d messages for %d deliveries (%d distinct): want each exactly once", total, want, distinct)
		}
		// Every process sees every order's messages.
		for i, id := range placed[:30] {
			var sums []string
			for _, a := range s.apps {
				var out deliveriesOut
				a.MustJSON(http.StatusOK, "GET", fmt.Sprintf("/api/v1/stores/%s/orders/%d/deliveries", s.store, id), nil, &out)
				sums = append(sums, fmt.Sprint(out.Summary, len(out.Deliveries)))
			}
			if sums[0] != sums[1] || sums[1] != sums[2] {
				t.Fatalf("order %d (#%d) seen differently by the processes: %v", id, i, sums)
			}
		}
	})

	t.Run("KillOne", func(t *testing.T) {
		// Sends slow enough (3 × 10 in flight, 400 ms each: 75/s) that
		// most of the 900 messages are still to go when placing ends.
		s := newScaleShop(t, bin, sqltest.PostgresURL(t), 3, append(args, "--sandbox-latency", "400ms")...)
		placed, paid := s.run(600, func(i int) *App { return s.apps[i%3] })
		want := len(placed) + paid
		for s.count(`SELECT COUNT(*) FROM sandbox_messages WHERE direction = 'out'`) < want/5 {
			time.Sleep(5 * time.Millisecond)
		}
		s.children[2].Kill()
		atKill := s.count(`SELECT COUNT(*) FROM deliveries WHERE status = 'sent'`)
		if atKill >= want {
			t.Fatal("every message was sent before the kill: the test proves nothing")
		}
		s.waitSent(want, 2*time.Minute)
		distinct, total := s.copies()
		if distinct != want {
			t.Fatalf("%d distinct messages reached the room, want %d", distinct, want)
		}
		t.Logf("killed one of three with %d of %d sent; %d duplicates (bound: its 10 sends in flight)", atKill, want, total-want)
		if total-want > 10 {
			t.Fatalf("%d duplicates, more than the killed process's 10 sends in flight", total-want)
		}
	})
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
