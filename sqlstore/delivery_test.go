package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

func TestDeliveryService_LoadDeliveryWork(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		kopi := f.mustProduct(t, f.store.ID, "Kopi Susu", 25000, 5)
		load := func(t *testing.T, id int64) *msgcenter.DeliveryWork {
			t.Helper()
			w, err := f.deliveries.LoadDeliveryWork(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if w.Delivery.ID != id || w.Store.ID != f.store.ID || w.Config.StoreID != f.store.ID || w.Config.Event != w.Delivery.Event {
				t.Fatalf("work = delivery %+v, store %+v, config %+v", w.Delivery, w.Store, w.Config)
			}
			return w
		}

		t.Run("Order", func(t *testing.T) {
			roti := f.mustProduct(t, f.store.ID, "Roti Bakar", 18000, 5)
			// Items come back in the order's line order, not by product.
			o := f.order(t, orderRequest(f.waRoom, msgcenter.CartItem{ProductID: roti.ID, Quantity: 1},
				msgcenter.CartItem{ProductID: kopi.ID, Quantity: 2}))
			id := f.enq.take(t)[0]
			if len(o.Items) != 2 || o.Items[0].ProductID != roti.ID {
				t.Fatalf("placed items = %+v", o.Items)
			}

			// The configuration saved after the event is the one the worker gets.
			configs := sqlstore.NewMessageConfigService(f.db)
			c, err := configs.FindMessageConfig(ctx, f.store.ID, msgcenter.EventOrderPlaced)
			if err != nil {
				t.Fatal(err)
			}
			c.Type, c.Body, c.ButtonLabel = msgcenter.MessageTypeCustom, "Pesanan {{order_id}} diterima", "Lihat"
			if err := configs.SaveMessageConfig(ctx, c, "owner@example.com"); err != nil {
				t.Fatal(err)
			}

			w := load(t, id)
			if !reflect.DeepEqual(w.Order, o) {
				t.Fatalf("work order = %+v\nwant %+v", w.Order, o)
			}
			if w.Config.Version != 2 || w.Config.Body != "Pesanan {{order_id}} diterima" {
				t.Fatalf("work config = %+v, want the version saved last", w.Config)
			}
			if !reflect.DeepEqual(w.Room, f.waRoom) || w.Channel != nil {
				t.Fatalf("work room = %+v, channel %+v; want the room, no channel", w.Room, w.Channel)
			}
			if w.FailedCheckout != nil || w.Checkout != nil || w.MicrositeToken != "" {
				t.Fatalf("work has another subject: %+v", w)
			}
			// The message's fallback has the room's channel to choose from.
			if err := f.deliveries.RaiseFallback(ctx, w.Delivery); err != nil {
				t.Fatal(err)
			}
			fb := load(t, f.enq.take(t)[0])
			if fb.Delivery.Kind != msgcenter.KindFallback || !reflect.DeepEqual(fb.Room, f.waRoom) || !reflect.DeepEqual(fb.Channel, f.wa) {
				t.Fatalf("fallback work = delivery %+v, room %+v, channel %+v", fb.Delivery, fb.Room, fb.Channel)
			}
		})

		// The resolver looks up the connection of every message's store:
		// the lookup sees a connection, and its end, at once.
		t.Run("Connected", func(t *testing.T) {
			is, err := sqlstore.NewIntegrationService(f.db, testServerKey())
			if err != nil {
				t.Fatal(err)
			}
			connected := func() bool {
				_, err := is.FindIntegration(ctx, f.store.ID)
				if err != nil && msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
					t.Fatal(err)
				}
				return err == nil
			}
			if connected() {
				t.Fatal("a store without an app: connected")
			}
			if _, err := is.ConnectQiscus(ctx, f.store.ID, "kopi-abc", "s3cret", ""); err != nil {
				t.Fatal(err)
			}
			if !connected() {
				t.Fatal("a store with its own app: not connected")
			}
			if err := is.DisconnectIntegration(ctx, f.store.ID); err != nil {
				t.Fatal(err)
			}
			if connected() {
				t.Fatal("after the app was disconnected: connected")
			}
		})

		t.Run("OrderWithoutRoom", func(t *testing.T) {
			f.order(t, orderRequest(nil, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}))
			w := load(t, f.enq.take(t)[0])
			if w.Room != nil || w.Channel != nil || w.Order == nil {
				t.Fatalf("work room = %+v, channel %+v, order %+v; want only the order", w.Room, w.Channel, w.Order)
			}
		})

		t.Run("FailedCheckout", func(t *testing.T) {
			_, fc, err := f.flow.PlaceOrder(ctx, f.store.ID, orderRequest(f.igRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 50}))
			if err != nil {
				t.Fatal(err)
			}
			w := load(t, f.enq.take(t)[0])
			if !reflect.DeepEqual(w.FailedCheckout, fc) {
				t.Fatalf("work failed checkout = %+v\nwant %+v", w.FailedCheckout, fc)
			}
			var token string
			if err := f.db.SQL().QueryRowContext(ctx, `SELECT microsite_token FROM failed_checkouts WHERE id = $1`, fc.ID).Scan(&token); err != nil {
				t.Fatal(err)
			}
			if w.MicrositeToken == "" || w.MicrositeToken != token {
				t.Fatalf("work microsite token = %q, want %q", w.MicrositeToken, token)
			}
			if !reflect.DeepEqual(w.Room, f.igRoom) || w.Channel != nil || w.Order != nil {
				t.Fatalf("work room = %+v, channel %+v, order %+v", w.Room, w.Channel, w.Order)
			}
		})

		t.Run("Checkout", func(t *testing.T) {
			c, err := f.flow.StartCheckout(ctx, f.store.ID, f.waRoom.ID, []msgcenter.CartItem{{ProductID: kopi.ID, Quantity: 1}})
			if err != nil {
				t.Fatal(err)
			}
			f.clk.Add(time.Hour)
			if n, err := f.flow.RaiseDueCheckouts(ctx); err != nil || n != 1 {
				t.Fatalf("RaiseDueCheckouts = %d, %v", n, err)
			}
			w := load(t, f.enq.take(t)[0])
			if w.Checkout == nil || w.Checkout.ID != c.ID || w.Checkout.Token != c.Token || w.Checkout.Status != "incomplete" {
				t.Fatalf("work checkout = %+v, want checkout %d", w.Checkout, c.ID)
			}
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := f.deliveries.LoadDeliveryWork(ctx, 999999)
			assertError(t, err, msgcenter.ENOTFOUND, "Delivery not found.")
		})
	})
}

func TestDeliveryService_RecordDeliveryResult(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		kopi := f.mustProduct(t, f.store.ID, "Kopi Susu", 25000, 50)
		raise := func(t *testing.T) int64 {
			t.Helper()
			f.order(t, orderRequest(f.waRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}))
			return f.enq.take(t)[0]
		}
		record := func(t *testing.T, id int64, r msgcenter.DeliveryResult, want bool) {
			t.Helper()
			got, err := f.deliveries.RecordDeliveryResult(ctx, id, r)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Fatalf("RecordDeliveryResult = %v, want %v", got, want)
			}
		}

		t.Run("RetryThenSent", func(t *testing.T) {
			id := raise(t)
			content := msgcenter.DeliveryResult{Text: "Pesanan #1 diterima", ButtonLabel: "Lihat", ButtonURL: "https://shop.example/order/abc",
				ChannelID: &f.wa.ID, ChannelType: msgcenter.ChannelWhatsApp}
			first := f.clk.Now()
			retry := content
			retry.Status, retry.Reason = msgcenter.StatusQueued, msgcenter.ReasonProviderError
			retry.Attempt = &msgcenter.Attempt{At: first, Outcome: "retry", Error: "503 Service Unavailable"}
			load := func(t *testing.T, id int64) *msgcenter.DeliveryWork {
				t.Helper()
				w, err := f.deliveries.LoadDeliveryWork(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				return w
			}
			if w := load(t, id); w.Tries != 0 {
				t.Fatalf("work before a try: tries %d, want 0", w.Tries)
			}
			record(t, id, retry, true)
			if w := load(t, id); w.Tries != 1 || w.Delivery.Status != msgcenter.StatusQueued {
				t.Fatalf("work after a try: tries %d, status %s; want 1, queued", w.Tries, w.Delivery.Status)
			}

			f.clk.Add(time.Minute)
			sent := content
			sent.Status = msgcenter.StatusSent
			sent.Attempt = &msgcenter.Attempt{Outcome: "sent", ProviderMessageID: "wamid.1"}
			record(t, id, sent, true)

			d, err := f.deliveries.FindDelivery(ctx, f.store.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			wantAttempts := []msgcenter.Attempt{
				{N: 1, At: first, Outcome: "retry", Error: "503 Service Unavailable"},
				{N: 2, At: f.clk.Now(), Outcome: "sent", ProviderMessageID: "wamid.1"},
			}
			if !reflect.DeepEqual(d.Attempts, wantAttempts) {
				t.Fatalf("attempts = %+v\nwant %+v", d.Attempts, wantAttempts)
			}
			if d.Status != msgcenter.StatusSent || d.Reason != "" || d.Text != content.Text || d.ButtonLabel != "Lihat" ||
				d.ButtonURL != content.ButtonURL || *d.ChannelID != f.wa.ID || d.ChannelType != msgcenter.ChannelWhatsApp ||
				d.SentAt == nil || !d.SentAt.Equal(f.clk.Now()) || !d.UpdatedAt.Equal(f.clk.Now()) {
				t.Fatalf("delivery = %+v", d)
			}

			t.Run("FinalIsKept", func(t *testing.T) {
				late := content
				late.Status, late.Reason = msgcenter.StatusFailed, msgcenter.ReasonProviderError
				late.Attempt = &msgcenter.Attempt{Outcome: "failed", Error: "late"}
				record(t, id, late, false)
				again, _ := f.deliveries.FindDelivery(ctx, f.store.ID, id)
				if !reflect.DeepEqual(again, d) {
					t.Fatalf("after a late result: %+v\nwant %+v", again, d)
				}
			})
		})

		t.Run("SkippedWithoutAttempt", func(t *testing.T) {
			id := raise(t)
			record(t, id, msgcenter.DeliveryResult{Status: msgcenter.StatusSkipped, Reason: msgcenter.ReasonAutomationDisabled}, true)
			d, _ := f.deliveries.FindDelivery(ctx, f.store.ID, id)
			if d.Status != msgcenter.StatusSkipped || d.Reason != msgcenter.ReasonAutomationDisabled || len(d.Attempts) != 0 || d.SentAt != nil {
				t.Fatalf("delivery = %+v", d)
			}
		})

		t.Run("ConcurrentRetries", func(t *testing.T) {
			// Records of one message racing (a duplicate job) each append
			// their attempt under the next number; none is lost or refused.
			id := raise(t)
			const n = 8
			errs := make(chan error, n)
			for i := range n {
				go func() {
					_, err := f.deliveries.RecordDeliveryResult(ctx, id, msgcenter.DeliveryResult{Status: msgcenter.StatusQueued,
						Reason: msgcenter.ReasonProviderError, Attempt: &msgcenter.Attempt{Outcome: "retry", Error: fmt.Sprint(i)}})
					errs <- err
				}()
			}
			for range n {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			d, err := f.deliveries.FindDelivery(ctx, f.store.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for i, a := range d.Attempts {
				if a.N != i+1 || seen[a.Error] {
					t.Fatalf("attempt %d = %+v (attempts %+v)", i, a, d.Attempts)
				}
				seen[a.Error] = true
			}
			if w, err := f.deliveries.LoadDeliveryWork(ctx, id); err != nil || len(d.Attempts) != n || w.Tries != n {
				t.Fatalf("%d attempts, work %+v, %v; want %d", len(d.Attempts), w, err, n)
			}
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			id := raise(t)
			_, err := f.deliveries.RecordDeliveryResult(ctx, id, msgcenter.DeliveryResult{Status: "lost"})
			assertError(t, err, msgcenter.EINVALID, "")
			_, err = f.deliveries.RecordDeliveryResult(ctx, id, msgcenter.DeliveryResult{Status: msgcenter.StatusFailed, Reason: "gremlins"})
			assertError(t, err, msgcenter.EINVALID, "")
			_, err = f.deliveries.RecordDeliveryResult(ctx, 999999, msgcenter.DeliveryResult{Status: msgcenter.StatusSent})
			assertError(t, err, msgcenter.ENOTFOUND, "Delivery not found.")
		})

		// Last, as it changes the schema under the fixture: a database from
		// before migration 0008 gets each message's tries from its attempts.
		t.Run("MigrationFillsTries", func(t *testing.T) {
			id := raise(t)
			for range 2 {
				record(t, id, msgcenter.DeliveryResult{Status: msgcenter.StatusQueued, Reason: msgcenter.ReasonProviderError,
					Attempt: &msgcenter.Attempt{Outcome: "retry", Error: "503"}}, true)
			}
			for _, q := range []string{`ALTER TABLE deliveries DROP COLUMN tries`, `DELETE FROM schema_migrations WHERE version = 8`} {
				if _, err := f.db.SQL().ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			w, err := sqlstore.NewDeliveryService(open(t)).LoadDeliveryWork(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if w.Tries != 2 {
				t.Fatalf("tries after migrating = %d, want 2", w.Tries)
			}
		})
	})
}

func TestDeliveryService_FindDeliveries(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		kopi := f.mustProduct(t, f.store.ID, "Kopi Susu", 25000, 50)

		o1 := f.order(t, orderRequest(f.waRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}))
		if _, err := f.flow.PayOrder(ctx, f.store.ID, o1.ID); err != nil {
			t.Fatal(err)
		}
		o2 := f.order(t, orderRequest(f.igRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}))
		_, fc, err := f.flow.PlaceOrder(ctx, f.store.ID, orderRequest(f.igRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 999}))
		if err != nil || fc == nil {
			t.Fatalf("PlaceOrder = %v, %v; want a failure", fc, err)
		}
		ids := f.enq.take(t) // placed 1, paid 1, placed 2, failed
		if len(ids) != 4 {
			t.Fatalf("enqueued %v, want 4 deliveries", ids)
		}
		for i, id := range ids[:2] {
			r := msgcenter.DeliveryResult{Status: msgcenter.StatusSent, Attempt: &msgcenter.Attempt{Outcome: "sent", ProviderMessageID: "m" + itoa(int64(i))}}
			if _, err := f.deliveries.RecordDeliveryResult(ctx, id, r); err != nil {
				t.Fatal(err)
			}
		}
		other := f.mustProduct(t, f.other.ID, "Teh", 5000, 5)
		if _, _, err := f.flow.PlaceOrder(ctx, f.other.ID, orderRequest(f.otherRoom, msgcenter.CartItem{ProductID: other.ID, Quantity: 1})); err != nil {
			t.Fatal(err)
		}
		theirs := f.enq.take(t)[0]

		idsOf := func(ds []*msgcenter.Delivery) []int64 {
			out := []int64{}
			for _, d := range ds {
				out = append(out, d.ID)
			}
			return out
		}
		for _, tc := range []struct {
			name   string
			filter msgcenter.DeliveryFilter
			want   []int64
		}{
			{"All", msgcenter.DeliveryFilter{}, []int64{ids[3], ids[2], ids[1], ids[0]}},
			{"Order", msgcenter.DeliveryFilter{OrderID: &o1.ID}, []int64{ids[1], ids[0]}},
			{"OtherOrder", msgcenter.DeliveryFilter{OrderID: &o2.ID}, []int64{ids[2]}},
			{"NoOrder", msgcenter.DeliveryFilter{NoOrder: true}, []int64{ids[3]}},
			{"Event", msgcenter.DeliveryFilter{Event: ptr(msgcenter.EventOrderPlaced)}, []int64{ids[2], ids[0]}},
			{"Room", msgcenter.DeliveryFilter{RoomID: &f.igRoom.ID}, []int64{ids[3], ids[2]}},
			{"NoOrderRoom", msgcenter.DeliveryFilter{NoOrder: true, RoomID: &f.waRoom.ID}, []int64{}},
			{"Limit", msgcenter.DeliveryFilter{Limit: 2}, []int64{ids[3], ids[2]}},
			{"OtherStoresOrder", msgcenter.DeliveryFilter{OrderID: ptr(theirsOrder(t, f, theirs))}, []int64{}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if got := idsOf(f.findDeliveries(t, f.store.ID, tc.filter)); !reflect.DeepEqual(got, tc.want) {
					t.Fatalf("ids = %v, want %v", got, tc.want)
				}
			})
		}

		t.Run("Attempts", func(t *testing.T) {
			ds := f.findDeliveries(t, f.store.ID, msgcenter.DeliveryFilter{OrderID: &o1.ID})
			for i, d := range ds {
				want := "m" + itoa(int64(1-i))
				if len(d.Attempts) != 1 || d.Attempts[0].N != 1 || d.Attempts[0].ProviderMessageID != want {
					t.Fatalf("delivery %d attempts = %+v, want one with %s", d.ID, d.Attempts, want)
				}
			}
			if ds := f.findDeliveries(t, f.store.ID, msgcenter.DeliveryFilter{NoOrder: true}); ds[0].Attempts == nil || len(ds[0].Attempts) != 0 {
				t.Fatalf("attempts of an untried message = %#v, want empty", ds[0].Attempts)
			}
			s := msgcenter.Summarize(f.findDeliveries(t, f.store.ID, msgcenter.DeliveryFilter{OrderID: &o1.ID}))
			if s != (msgcenter.DeliverySummary{Sent: 2}) {
				t.Fatalf("summary = %+v", s)
			}
		})

		t.Run("TenantScoping", func(t *testing.T) {
			if got := idsOf(f.findDeliveries(t, f.other.ID, msgcenter.DeliveryFilter{})); !reflect.DeepEqual(got, []int64{theirs}) {
				t.Fatalf("other store's deliveries = %v, want [%d]", got, theirs)
			}
			_, err := f.deliveries.FindDelivery(ctx, f.other.ID, ids[0])
			assertError(t, err, msgcenter.ENOTFOUND, "Delivery not found.")
			d, err := f.deliveries.FindDelivery(ctx, f.store.ID, ids[0])
			if err != nil || d.ID != ids[0] || len(d.Attempts) != 1 {
				t.Fatalf("FindDelivery = %+v, %v", d, err)
			}
		})
	})
}

// theirsOrder returns the order id of the other store's delivery id.
func theirsOrder(tb testing.TB, f *fixture, deliveryID int64) int64 {
	tb.Helper()
	var id int64
	if err := f.db.SQL().QueryRowContext(context.Background(), `SELECT order_id FROM deliveries WHERE id = $1`, deliveryID).Scan(&id); err != nil {
		tb.Fatal(err)
	}
	return id
}

func TestDB_RaiseTx(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		raise := func(tx *sqlstore.TestTx, subjectID int64, roomID *int64) (int64, bool, error) {
			return f.db.RaiseTx(ctx, tx, f.store.ID, msgcenter.SubjectClick, subjectID, nil, msgcenter.EventShareMicrositeURL, roomID, msgcenter.KindAutomation)
		}

		var first int64
		t.Run("Once", func(t *testing.T) {
			err := f.db.WithTestTx(ctx, func(tx *sqlstore.TestTx) error {
				id, created, err := raise(tx, 1, &f.waRoom.ID)
				if err != nil || !created {
					t.Fatalf("first RaiseTx = %d, %v, %v", id, created, err)
				}
				first = id
				again, created, err := raise(tx, 1, &f.waRoom.ID)
				if err != nil || created || again != id {
					t.Fatalf("second RaiseTx = %d, %v, %v; want %d, false", again, created, err, id)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if ids := f.enq.take(t); !reflect.DeepEqual(ids, []int64{first}) {
				t.Fatalf("enqueued %v, want [%d]", ids, first)
			}
			d, err := f.deliveries.FindDelivery(ctx, f.store.ID, first)
			if err != nil || d.SubjectType != msgcenter.SubjectClick || d.Event != msgcenter.EventShareMicrositeURL || d.OrderID != nil || d.Status != msgcenter.StatusQueued {
				t.Fatalf("delivery = %+v, %v", d, err)
			}
		})

		t.Run("IdentityIncludesRoomAndKind", func(t *testing.T) {
			err := f.db.WithTestTx(ctx, func(tx *sqlstore.TestTx) error {
				for _, roomID := range []*int64{nil, &f.igRoom.ID} {
					if _, created, err := raise(tx, 1, roomID); err != nil || !created {
						t.Fatalf("RaiseTx for room %v = %v, %v; want created", roomID, created, err)
					}
				}
				_, created, err := f.db.RaiseTx(ctx, tx, f.store.ID, msgcenter.SubjectClick, 1, nil, msgcenter.EventShareMicrositeURL, &f.waRoom.ID, msgcenter.KindFallback)
				if err != nil || !created {
					t.Fatalf("fallback RaiseTx = %v, %v; want created", created, err)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if ids := f.enq.take(t); len(ids) != 3 {
				t.Fatalf("enqueued %v, want 3", ids)
			}
		})

		t.Run("RolledBack", func(t *testing.T) {
			boom := errors.New("boom")
			err := f.db.WithTestTx(ctx, func(tx *sqlstore.TestTx) error {
				if _, _, err := raise(tx, 2, &f.waRoom.ID); err != nil {
					t.Fatal(err)
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("WithTx = %v, want boom", err)
			}
			f.enq.take(t)
			if n := f.count(t, `SELECT COUNT(*) FROM deliveries WHERE subject_type = 'click' AND subject_id = 2`); n != 0 {
				t.Fatalf("%d deliveries after a rollback, want 0", n)
			}
		})

		t.Run("ErrUnknownEvent", func(t *testing.T) {
			err := f.db.WithTestTx(ctx, func(tx *sqlstore.TestTx) error {
				_, _, err := f.db.RaiseTx(ctx, tx, f.store.ID, msgcenter.SubjectClick, 3, nil, "order_lost", nil, msgcenter.KindAutomation)
				return err
			})
			if err == nil {
				t.Fatal("RaiseTx accepted an unknown event")
			}
		})

		t.Run("FindQueuedDeliveryIDs", func(t *testing.T) {
			ids, err := f.deliveries.FindQueuedDeliveryIDs(ctx, f.clk.Now(), 0, 10)
			if err != nil || len(ids) != 0 {
				t.Fatalf("queued before now = %v, %v; want none", ids, err)
			}
			if _, err := f.deliveries.RecordDeliveryResult(ctx, first, msgcenter.DeliveryResult{Status: msgcenter.StatusSent}); err != nil {
				t.Fatal(err)
			}
			f.clk.Add(time.Minute)
			ids, err = f.deliveries.FindQueuedDeliveryIDs(ctx, f.clk.Now(), 0, 10)
			if err != nil || len(ids) != 3 || slices.Contains(ids, first) || !slices.IsSorted(ids) {
				t.Fatalf("queued = %v, %v; want the 3 still queued, by id", ids, err)
			}
			page1, _ := f.deliveries.FindQueuedDeliveryIDs(ctx, f.clk.Now(), 0, 2)
			page2, _ := f.deliveries.FindQueuedDeliveryIDs(ctx, f.clk.Now(), page1[len(page1)-1], 2)
			if got := append(page1, page2...); !slices.Equal(got, ids) || len(page1) != 2 {
				t.Fatalf("pages of 2 gave %v then %v, want %v", page1, page2, ids)
			}
		})
	})
}
