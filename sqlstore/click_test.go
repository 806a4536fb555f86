package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

// fakeButtons is a ButtonProvider that records its calls.
type fakeButtons struct {
	mu    sync.Mutex
	urls  []string
	ok    bool
	fails error
}

func (f *fakeButtons) EnsureCustomButton(_ context.Context, _ int64, _, url string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.urls = append(f.urls, url)
	return f.ok, f.fails
}

func TestCustomButtonService(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		prov := &fakeButtons{ok: true}
		s := sqlstore.NewCustomButtonService(f.db, func(context.Context, int64) (msgcenter.ButtonProvider, error) { return prov, nil },
			func() string { return "https://shop.example.com/" })

		b, err := s.SetupCustomButton(ctx, f.store)
		if err != nil || !b.AutoCreated || len(b.Secret) != 43 || b.Label != f.store.Name {
			t.Fatalf("setup = %+v, %v", b, err)
		}
		if again, err := s.SetupCustomButton(ctx, f.store); err != nil || again.Secret != b.Secret || len(prov.urls) != 1 {
			t.Fatalf("second setup = %+v, %v; provider called %d times", again, err, len(prov.urls))
		}
		if want := fmt.Sprintf("https://shop.example.com/hooks/omnichannel/%d/custom-button/%s", f.store.ID, b.Secret); s.CustomButtonURL(b) != want || prov.urls[0] != want {
			t.Fatalf("url = %s, provider got %v", s.CustomButtonURL(b), prov.urls)
		}

		t.Run("RotateWithoutProvider", func(t *testing.T) {
			prov.ok = false
			r, err := s.RotateCustomButton(ctx, f.other)
			if err != nil || r.AutoCreated {
				t.Fatalf("rotate = %+v, %v; want auto_created false", r, err)
			}
			prov.ok = true
		})

		click := &msgcenter.ButtonClick{RoomID: fmt.Sprint(f.waRoom.ID), ChannelID: f.wa.ID, ChannelType: msgcenter.ChannelWhatsApp,
			AgentEmail: "a@example.com", Payload: []byte(`{"room_id":"x"}`)}

		t.Run("WrongSecretAndOtherStore", func(t *testing.T) {
			for _, tc := range []struct {
				store  int64
				secret string
			}{{f.store.ID, flip(b.Secret)}, {f.store.ID, ""}, {f.other.ID, b.Secret}, {99999, b.Secret}} {
				if _, err := s.Click(ctx, tc.store, tc.secret, click); msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
					t.Errorf("click on store %d = %v, want ENOTFOUND", tc.store, err)
				}
			}
			f.enq.take(t)
		})

		t.Run("ConcurrentRetriesSendOnce", func(t *testing.T) {
			var wg sync.WaitGroup
			results := make(chan *msgcenter.ClickResult, 10)
			for range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					res, err := s.Click(ctx, f.store.ID, b.Secret, click)
					if err != nil {
						t.Error(err)
						return
					}
					results <- res
				}()
			}
			wg.Wait()
			close(results)
			sent, ids := 0, map[int64]bool{}
			for r := range results {
				if r.Status == msgcenter.ClickSent {
					sent++
				}
				ids[r.DeliveryID] = true
			}
			if sent != 1 || len(ids) != 1 {
				t.Fatalf("10 concurrent clicks: %d sent, delivery ids %v; want 1 and one id", sent, ids)
			}
			if got := f.enq.take(t); len(got) != 1 {
				t.Fatalf("enqueued %v, want one job", got)
			}
			f.clk.Add(31 * time.Second)
			if res, err := s.Click(ctx, f.store.ID, b.Secret, click); err != nil || res.Status != msgcenter.ClickSent {
				t.Fatalf("click after 30 s = %+v, %v", res, err)
			}
			f.enq.take(t)
		})

		t.Run("WorkCarriesTheLink", func(t *testing.T) {
			res, err := s.Click(ctx, f.store.ID, b.Secret, &msgcenter.ButtonClick{RoomID: fmt.Sprint(f.igRoom.ID), Payload: []byte(`{}`)})
			if err != nil || res.RoomID != f.igRoom.ID {
				t.Fatalf("click = %+v, %v", res, err)
			}
			f.enq.take(t)
			w, err := f.deliveries.LoadDeliveryWork(ctx, res.DeliveryID)
			if err != nil || w.Room == nil || w.Room.ID != f.igRoom.ID || w.MicrositeToken == "" {
				t.Fatalf("work = %+v, %v", w, err)
			}
			l, err := s.FindMicrositeLink(ctx, f.store.ID, w.MicrositeToken)
			if err != nil || l.CustomerName != "Sari" || l.RoomID == nil || *l.RoomID != f.igRoom.ID {
				t.Fatalf("link = %+v, %v", l, err)
			}
			if _, err := s.FindMicrositeLink(ctx, f.other.ID, w.MicrositeToken); msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
				t.Fatalf("link on another store: %v", err)
			}
			f.clk.Add(msgcenter.MicrositeLinkTTL)
			if _, err := s.FindMicrositeLink(ctx, f.store.ID, w.MicrositeToken); msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
				t.Fatalf("expired link: %v", err)
			}
		})
	})
}

// flip returns secret with its first character changed.
func flip(secret string) string {
	if secret[0] == 'x' {
		return "y" + secret[1:]
	}
	return "x" + secret[1:]
}
