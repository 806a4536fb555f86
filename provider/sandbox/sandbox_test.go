package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fixture is two stores, each with its app on the local Qiscus served over
// HTTP: the first with a WhatsApp and an Instagram room whose customers
// wrote an hour ago, the second with one WhatsApp room. Its rooms are the
// rooms as msgcenter knows them: ID and ExternalID are the platform's.
type fixture struct {
	db         *sqlstore.DB
	clock      *clock
	p          *sandbox.Provider
	api        *httptest.Server
	store      int64
	other      int64
	wa, ig     *msgcenter.Room
	otherRoom  *msgcenter.Room
	waChannel  int64
	otherStore string
	clients    map[int64]*qiscus.Client
}

func mustFixture(t testing.TB, db *sqlstore.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{now: time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)}
	f := &fixture{db: db, clock: clk, p: sandbox.New(db.SQL(), clk.Now), clients: map[int64]*qiscus.Client{}}
	owner, err := sqlstore.NewUserService(db).CreateUser(ctx, fmt.Sprintf("owner%d@example.com", owners.Add(1)), "correct horse")
	if err != nil {
		t.Fatal(err)
	}
	stores := sqlstore.NewStoreService(db)
	s1 := &msgcenter.Store{Name: "Kopi Senja", OwnerID: owner.ID}
	s2 := &msgcenter.Store{Name: "Toko Lain", OwnerID: owner.ID}
	for _, s := range []*msgcenter.Store{s1, s2} {
		if err := stores.CreateStore(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	f.store, f.other, f.otherStore = s1.ID, s2.ID, s2.Name
	f.api = httptest.NewServer(f.p.API())
	t.Cleanup(f.api.Close)
	for _, st := range []int64{f.store, f.other} {
		app, err := f.p.IssueApp(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		// No rate limit and no breaker: the tests count every send.
		f.clients[st] = qiscus.New(qiscus.Config{BaseURL: f.api.URL + sandbox.APIPrefix, AppID: app.AppID, SecretKey: qiscus.Secret(app.Secret),
			RatePerSecond: math.Inf(1), BreakerFailures: 1 << 30})
	}
	f.waChannel = mustChannel(t, f.p, f.store, msgcenter.ChannelWhatsApp, "WA Official")
	igChannel := mustChannel(t, f.p, f.store, msgcenter.ChannelInstagram, "@kopisenja")
	otherChannel := mustChannel(t, f.p, f.other, msgcenter.ChannelWhatsApp, "WA Lain")
	lastInbound := clk.Now().Add(-time.Hour)
	f.wa = mustRoom(t, f.p, f.store, f.waChannel, msgcenter.ChannelWhatsApp, "Budi", "+6281234567890", lastInbound)
	f.ig = mustRoom(t, f.p, f.store, igChannel, msgcenter.ChannelInstagram, "Sari", "", lastInbound)
	f.otherRoom = mustRoom(t, f.p, f.other, otherChannel, msgcenter.ChannelWhatsApp, "Hidden Customer", "+6289900000000", lastInbound)
	return f
}

// mustChannel adds a channel to the store's app and returns its platform id.
func mustChannel(t testing.TB, p *sandbox.Provider, storeID int64, typ msgcenter.ChannelType, name string) int64 {
	t.Helper()
	c := &sandbox.PlatformChannel{StoreID: storeID, Type: typ, Name: name}
	if err := p.CreateChannel(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// mustRoom opens a room on the store's channel whose customer wrote at
// lastInbound, and returns it as msgcenter knows it.
func mustRoom(t testing.TB, p *sandbox.Provider, storeID, channelID int64, typ msgcenter.ChannelType, name, phone string, lastInbound time.Time) *msgcenter.Room {
	t.Helper()
	ctx := context.Background()
	pr := &sandbox.PlatformRoom{StoreID: storeID, ChannelID: channelID, CustomerName: name, CustomerUserID: phone}
	if err := p.CreateRoom(ctx, pr); err != nil {
		t.Fatal(err)
	}
	if _, err := p.CustomerWroteAgo(ctx, storeID, pr.ID, "halo", p.Now().Sub(lastInbound)); err != nil {
		t.Fatal(err)
	}
	return &msgcenter.Room{ID: pr.ID, StoreID: storeID, ChannelID: channelID, ChannelType: typ, ExternalID: pr.ExternalID(),
		CustomerName: name, CustomerPhone: phone, LastInboundAt: lastInbound}
}

// lastInbound is the platform's last customer message time of the room.
func (f *fixture) lastInbound(t *testing.T, roomID int64) time.Time {
	t.Helper()
	var at time.Time
	if err := f.db.SQL().QueryRow(`SELECT last_customer_at FROM sandbox_rooms WHERE id = $1`, roomID).Scan(&at); err != nil {
		t.Fatal(err)
	}
	return at.UTC()
}

// messages is the room's conversation without the customer's first message.
func (f *fixture) messages(t *testing.T, storeID, roomID int64) []*sandbox.Message {
	t.Helper()
	ms, err := f.p.PlatformMessages(context.Background(), storeID, roomID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) > 0 && ms[0].Direction == sandbox.DirectionIn && ms[0].Text == "halo" {
		ms = ms[1:]
	}
	return ms
}

// sendMsg sends m through the adapter over HTTP as m.StoreID's app.
func (f *fixture) sendMsg(ctx context.Context, m *msgcenter.OutboundMessage) (*msgcenter.SendResult, error) {
	return f.clients[m.StoreID].Send(ctx, m)
}

func (f *fixture) send(room *msgcenter.Room, text string) (*msgcenter.SendResult, error) {
	return f.sendMsg(context.Background(), &msgcenter.OutboundMessage{StoreID: f.store, Room: room, Text: text})
}

// wantProviderError fails unless err is a *msgcenter.ProviderError of kind
// and reason.
func wantProviderError(t *testing.T, err error, kind msgcenter.ProviderErrorKind, reason msgcenter.Reason) {
	t.Helper()
	var pe *msgcenter.ProviderError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a *msgcenter.ProviderError", err)
	}
	if pe.Kind != kind || pe.Reason != reason {
		t.Fatalf("err = %+v, want kind %d reason %s", pe, kind, reason)
	}
}

func TestProvider_Send(t *testing.T) {
	t.Parallel()
	sqltest.EachDB(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := mustFixture(t, db)

		t.Run("Sent", func(t *testing.T) {
			res, err := f.sendMsg(ctx, &msgcenter.OutboundMessage{StoreID: f.store, Room: f.wa, Text: "Hi Budi\n2 x Kopi Susu",
				Button: &msgcenter.Button{Label: "See order", URL: "https://shop.example/order/abc"}})
			if err != nil {
				t.Fatal(err)
			}
			ms := f.messages(t, f.store, f.wa.ID)
			if len(ms) != 1 {
				t.Fatalf("got %d messages, want 1", len(ms))
			}
			m := ms[0]
			if res.ProviderMessageID != strconv.FormatInt(m.ID, 10) || m.ProviderMessageID != res.ProviderMessageID {
				t.Fatalf("provider message id %q, stored message %+v", res.ProviderMessageID, m)
			}
			// WhatsApp shows no URL button in a session message: the link
			// follows the text.
			if m.Direction != "out" || m.Kind != "text" || m.Text != "Hi Budi\n2 x Kopi Susu\nhttps://shop.example/order/abc" ||
				m.ButtonLabel != "" || m.Status != "sent" || !m.CreatedAt.Equal(f.clock.Now()) {
				t.Fatalf("stored message = %+v", m)
			}
			var channelID int64
			if err := db.SQL().QueryRow(`SELECT platform_channel_id FROM sandbox_messages WHERE id = $1`, m.ID).Scan(&channelID); err != nil {
				t.Fatal(err)
			}
			if channelID != f.waChannel {
				t.Fatalf("channel_id = %d, want the room's %d", channelID, f.waChannel)
			}
		})

		t.Run("SessionExpired", func(t *testing.T) {
			f.clock.Add(24 * time.Hour) // the inbound message is now 25 h old
			defer f.clock.Add(-24 * time.Hour)
			before := len(f.messages(t, f.store, f.wa.ID))
			_, err := f.send(f.wa, "too late")
			wantProviderError(t, err, msgcenter.ProviderSessionExpired, msgcenter.ReasonSessionExpired)
			if n := len(f.messages(t, f.store, f.wa.ID)); n != before {
				t.Fatalf("an expired send stored a message")
			}

			t.Run("InstagramUnaffected", func(t *testing.T) {
				if _, err := f.send(f.ig, "still fine"); err != nil {
					t.Fatal(err)
				}
			})
		})

		t.Run("WindowEdge", func(t *testing.T) {
			// Exactly 24 hours after the customer's message the window is
			// still open; a microsecond later it is closed.
			d := f.lastInbound(t, f.wa.ID).Add(24 * time.Hour).Sub(f.clock.Now())
			f.clock.Add(d)
			defer f.clock.Add(-d - time.Microsecond)
			if _, err := f.send(f.wa, "just in time"); err != nil {
				t.Fatal(err)
			}
			f.clock.Add(time.Microsecond)
			_, err := f.send(f.wa, "just too late")
			wantProviderError(t, err, msgcenter.ProviderSessionExpired, msgcenter.ReasonSessionExpired)
		})

		t.Run("StaleRoomCopy", func(t *testing.T) {
			// The platform's own record decides, not the caller's copy of the room.
			stale := *f.wa
			stale.LastInboundAt = f.clock.Now().Add(-48 * time.Hour)
			if _, err := f.send(&stale, "the sandbox knows better"); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("AgeRoomCloses", func(t *testing.T) {
			if err := f.p.AgeCustomer(ctx, f.store, f.wa.ID, 25*time.Hour); err != nil {
				t.Fatal(err)
			}
			if got, want := f.lastInbound(t, f.wa.ID), f.clock.Now().Add(-25*time.Hour); !got.Equal(want) {
				t.Fatalf("last_inbound_at = %s, want %s", got, want)
			}
			_, err := f.send(f.wa, "closed")
			wantProviderError(t, err, msgcenter.ProviderSessionExpired, msgcenter.ReasonSessionExpired)
		})

		t.Run("PostInboundReopens", func(t *testing.T) {
			f.clock.Add(time.Minute)
			if _, err := f.p.CustomerWrites(ctx, f.store, f.wa.ID, "  Halo, pesanan saya?  "); err != nil {
				t.Fatal(err)
			}
			if got := f.lastInbound(t, f.wa.ID); !got.Equal(f.clock.Now()) {
				t.Fatalf("last_inbound_at = %s, want now %s", got, f.clock.Now())
			}
			ms := f.messages(t, f.store, f.wa.ID)
			last := ms[len(ms)-1]
			if last.Direction != "in" || last.Text != "Halo, pesanan saya?" || !last.CreatedAt.Equal(f.clock.Now()) {
				t.Fatalf("inbound message = %+v", last)
			}
			if _, err := f.send(f.wa, "reopened"); err != nil {
				t.Fatal(err)
			}
			for i := 1; i < len(ms); i++ {
				if ms[i].ID <= ms[i-1].ID {
					t.Fatal("messages are not oldest first")
				}
			}
		})

		t.Run("OtherStoresRoom", func(t *testing.T) {
			_, err := f.send(f.otherRoom, "not yours")
			wantProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonUndeliverable)
			_, err = f.send(&msgcenter.Room{ID: 999999, ExternalID: "999999"}, "nobody")
			wantProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonUndeliverable)
			if ms := f.messages(t, f.other, f.otherRoom.ID); len(ms) != 0 {
				t.Fatalf("other store's room got %d messages", len(ms))
			}
			if ms := f.messages(t, f.store, f.otherRoom.ID); len(ms) != 0 {
				t.Fatalf("Messages crossed stores: %d", len(ms))
			}
		})

		t.Run("ENOTFOUND", func(t *testing.T) {
			if _, err := f.p.CustomerWrites(ctx, f.store, f.otherRoom.ID, "hi"); msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
				t.Fatalf("PostInbound on another store's room: %v", err)
			}
			if err := f.p.AgeCustomer(ctx, f.store, f.otherRoom.ID, time.Hour); msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
				t.Fatalf("AgeRoom on another store's room: %v", err)
			}
			if got := f.lastInbound(t, f.otherRoom.ID); !got.Equal(f.otherRoom.LastInboundAt.Truncate(time.Microsecond)) {
				t.Fatalf("another store's room changed: %s", got)
			}
		})

		t.Run("PostInboundEmpty", func(t *testing.T) {
			if _, err := f.p.CustomerWrites(ctx, f.store, f.wa.ID, "   "); msgcenter.ErrorCode(err) != msgcenter.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
		})

		t.Run("Latency", func(t *testing.T) {
			f.p.SetLatency(time.Hour)
			defer f.p.SetLatency(0)
			before := len(f.messages(t, f.store, f.ig.ID))
			ctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
			defer cancel()
			_, err := f.sendMsg(ctx, &msgcenter.OutboundMessage{StoreID: f.store, Room: f.ig, Text: "slow"})
			wantProviderError(t, err, msgcenter.ProviderTransient, msgcenter.ReasonProviderError)
			if len(f.messages(t, f.store, f.ig.ID)) != before {
				t.Fatal("a send cancelled during its latency stored a message")
			}
		})
	})
}

func TestProvider_InjectFaults(t *testing.T) {
	t.Parallel()
	sqltest.EachDB(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := mustFixture(t, db)
		count := func() int { return len(f.messages(t, f.store, f.ig.ID)) }

		tests := []struct {
			mode   sandbox.FaultMode
			kind   msgcenter.ProviderErrorKind
			reason msgcenter.Reason
			stored bool
		}{
			{sandbox.FaultTransient, msgcenter.ProviderTransient, msgcenter.ReasonProviderError, false},
			{sandbox.FaultPermanent, msgcenter.ProviderPermanent, msgcenter.ReasonUndeliverable, false},
			{sandbox.FaultTimeout, msgcenter.ProviderTransient, msgcenter.ReasonProviderError, false},
			{sandbox.FaultAnswerLost, msgcenter.ProviderTransient, msgcenter.ReasonProviderError, true},
			{sandbox.FaultSessionExpired, msgcenter.ProviderSessionExpired, msgcenter.ReasonSessionExpired, false},
		}
		for _, tt := range tests {
			t.Run(string(tt.mode), func(t *testing.T) {
				if err := f.p.InjectFaults(ctx, f.store, tt.mode, 1); err != nil {
					t.Fatal(err)
				}
				before := count()
				sendCtx, cancel := context.WithTimeout(ctx, 500*time.Millisecond) // generous: a loaded machine must not expire it before the fault is taken
				defer cancel()
				_, err := f.sendMsg(sendCtx, &msgcenter.OutboundMessage{StoreID: f.store, Room: f.ig, Text: "faulty " + string(tt.mode)})
				wantProviderError(t, err, tt.kind, tt.reason)
				if tt.mode == sandbox.FaultTimeout && sendCtx.Err() == nil {
					t.Fatal("timeout fault returned before the send's context was done")
				}
				want := before
				if tt.stored {
					want++
				}
				if got := count(); got != want {
					t.Fatalf("messages: %d, want %d", got, want)
				}
				// One fault, one failed send.
				if _, err := f.send(f.ig, "after "+string(tt.mode)); err != nil {
					t.Fatal(err)
				}
			})
		}

		t.Run("AnswerLostDelivered", func(t *testing.T) {
			var found bool
			for _, m := range f.messages(t, f.store, f.ig.ID) {
				found = found || m.Text == "faulty answer_lost"
			}
			if !found {
				t.Fatal("the answer_lost message is not in the room")
			}
		})

		t.Run("Pending", func(t *testing.T) {
			if err := f.p.InjectFaults(ctx, f.store, sandbox.FaultPermanent, 3); err != nil {
				t.Fatal(err)
			}
			pending, err := f.p.PendingFaults(ctx, f.store)
			if err != nil {
				t.Fatal(err)
			}
			if len(pending) != 1 || pending[sandbox.FaultPermanent] != 3 {
				t.Fatalf("pending = %v", pending)
			}
			// Another store's faults and sends are its own.
			if other, err := f.p.PendingFaults(ctx, f.other); err != nil || len(other) != 0 {
				t.Fatalf("the other store's pending = %v, %v; want none", other, err)
			}
			if _, err := f.sendMsg(ctx, &msgcenter.OutboundMessage{StoreID: f.other, Room: f.otherRoom, Text: "other store"}); err != nil {
				t.Fatalf("another store's send failed on this store's faults: %v", err)
			}
			if err := f.p.ClearFaults(ctx, f.other); err != nil {
				t.Fatal(err)
			}
			if again, _ := f.p.PendingFaults(ctx, f.store); again[sandbox.FaultPermanent] != 3 {
				t.Fatalf("clearing another store's faults cleared this store's: %v", again)
			}
			if err := f.p.ClearFaults(ctx, f.store); err != nil {
				t.Fatal(err)
			}
			if _, err := f.send(f.ig, "cleared"); err != nil {
				t.Fatal(err)
			}
		})

		t.Run("EINVALID", func(t *testing.T) {
			err := f.p.InjectFaults(ctx, f.store, "flaky", 0)
			if msgcenter.ErrorCode(err) != msgcenter.EINVALID {
				t.Fatalf("err = %v, want EINVALID", err)
			}
			if fields := msgcenter.ErrorFields(err); fields["mode"] == "" || fields["n"] == "" {
				t.Fatalf("fields = %v", fields)
			}
		})
	})
}

// TestProvider_InjectFaults_Concurrent checks that under concurrent sends
// each fault fails exactly one send, across several injections.
func TestProvider_InjectFaults_Concurrent(t *testing.T) {
	t.Parallel()
	sqltest.EachDB(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := mustFixture(t, db)
		// Two rows, so a send that lost the race for the first must still
		// find the second.
		for _, n := range []int{2, 3} {
			if err := f.p.InjectFaults(ctx, f.store, sandbox.FaultTransient, n); err != nil {
				t.Fatal(err)
			}
		}
		const sends = 20
		var wg sync.WaitGroup
		errs := make(chan error, sends)
		for i := range sends {
			wg.Go(func() {
				_, err := f.send(f.ig, fmt.Sprintf("concurrent %d", i))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		failed := 0
		for err := range errs {
			if err != nil {
				wantProviderError(t, err, msgcenter.ProviderTransient, msgcenter.ReasonProviderError)
				failed++
			}
		}
		if failed != 5 {
			t.Fatalf("%d sends failed, want 5", failed)
		}
		if n := len(f.messages(t, f.store, f.ig.ID)); n != sends-5 {
			t.Fatalf("%d messages stored, want %d", n, sends-5)
		}
		pending, err := f.p.PendingFaults(ctx, f.store)
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 0 {
			t.Fatalf("pending = %v", pending)
		}
	})
}

// Concurrent usual sends: each answer names the
// message stored for that send and no other, and a send to another store's
// room or to an expired WhatsApp room among them is refused alone.
func TestProvider_Send_Concurrent(t *testing.T) {
	t.Parallel()
	sqltest.EachDB(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := mustFixture(t, db)
		expired := mustRoom(t, f.p, f.store, f.waChannel, msgcenter.ChannelWhatsApp, "Lama", "+6281200000000", f.clock.Now().Add(-25*time.Hour))
		const sends = 60
		var wg sync.WaitGroup
		ids := make([]string, sends)
		errs := make([]error, sends)
		for i := range sends {
			room := []*msgcenter.Room{f.wa, f.ig}[i%2]
			switch i {
			case 17:
				room = &msgcenter.Room{ID: f.otherRoom.ID, ChannelType: msgcenter.ChannelWhatsApp, ExternalID: f.otherRoom.ExternalID}
			case 31:
				room = expired
			}
			wg.Go(func() {
				res, err := f.sendMsg(ctx, &msgcenter.OutboundMessage{StoreID: f.store, Room: room, Text: fmt.Sprintf("send %d", i)})
				if err == nil {
					ids[i] = res.ProviderMessageID
				}
				errs[i] = err
			})
		}
		wg.Wait()
		wantProviderError(t, errs[17], msgcenter.ProviderPermanent, msgcenter.ReasonUndeliverable)
		wantProviderError(t, errs[31], msgcenter.ProviderSessionExpired, msgcenter.ReasonSessionExpired)
		stored := map[string]string{}
		for _, room := range []*msgcenter.Room{f.wa, f.ig} {
			for _, m := range f.messages(t, f.store, room.ID) {
				stored[m.ProviderMessageID] = m.Text
			}
		}
		if len(stored) != sends-2 {
			t.Fatalf("%d messages stored, want %d", len(stored), sends-2)
		}
		for i, id := range ids {
			if i == 17 || i == 31 {
				continue
			}
			if errs[i] != nil {
				t.Fatalf("send %d: %v", i, errs[i])
			}
			if want := fmt.Sprintf("send %d", i); stored[id] != want {
				t.Fatalf("send %d answered %s, which stored %q", i, id, stored[id])
			}
		}
	})
}
