package sqlstore_test

import (
	"context"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

func TestOrderFlowService_StartCheckout(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		kopi := f.mustProduct(t, f.store.ID, "Kopi Susu", 25000, 5)
		roti := f.mustProduct(t, f.store.ID, "Roti", 15000, 5)
		cart := []msgcenter.CartItem{{ProductID: kopi.ID, Quantity: 2}}

		var first *msgcenter.Checkout
		t.Run("WhatsAppIsDue", func(t *testing.T) {
			var err error
			if first, err = f.flow.StartCheckout(ctx, f.store.ID, f.waRoom.ID, cart); err != nil {
				t.Fatal(err)
			}
			want := &msgcenter.Checkout{ID: first.ID, StoreID: f.store.ID, RoomID: f.waRoom.ID, Token: first.Token, Items: cart,
				Status: msgcenter.CheckoutOpen, DueAt: f.clk.Now().Add(30 * time.Minute), CreatedAt: f.clk.Now()}
			if first.ID == 0 || len(first.Token) < 22 || !reflect.DeepEqual(first, want) {
				t.Fatalf("checkout = %+v\nwant %+v", first, want)
			}
			if got, err := f.flow.FindCheckout(ctx, f.store.ID, first.ID); err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("FindCheckout = %+v, %v", got, err)
			}
		})

		t.Run("Replaces", func(t *testing.T) {
			second, err := f.flow.StartCheckout(ctx, f.store.ID, f.waRoom.ID, []msgcenter.CartItem{{ProductID: roti.ID, Quantity: 1}})
			if err != nil {
				t.Fatal(err)
			}
			if second.Token == first.Token || second.Status != msgcenter.CheckoutOpen {
				t.Fatalf("second checkout = %+v", second)
			}
			if got, _ := f.flow.FindCheckout(ctx, f.store.ID, first.ID); got.Status != msgcenter.CheckoutReplaced {
				t.Fatalf("first checkout status = %s, want replaced", got.Status)
			}
		})

		t.Run("InstagramIsNeverDue", func(t *testing.T) {
			c, err := f.flow.StartCheckout(ctx, f.store.ID, f.igRoom.ID, cart)
			if err != nil {
				t.Fatal(err)
			}
			if !c.DueAt.IsZero() {
				t.Fatalf("due at %v, want never", c.DueAt)
			}
			if got, _ := f.flow.FindCheckout(ctx, f.store.ID, c.ID); !got.DueAt.IsZero() {
				t.Fatalf("stored due at %v, want never", got.DueAt)
			}
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			for _, items := range [][]msgcenter.CartItem{nil, {{ProductID: 7, Quantity: 0}}, {{ProductID: 7, Quantity: 1001}}} {
				_, err := f.flow.StartCheckout(ctx, f.store.ID, f.waRoom.ID, items)
				assertError(t, err, msgcenter.EINVALID, "The checkout is not valid.")
			}
		})

		t.Run("ErrOtherStore", func(t *testing.T) {
			_, err := f.flow.StartCheckout(ctx, f.other.ID, f.waRoom.ID, cart)
			assertError(t, err, msgcenter.ENOTFOUND, "Room not found.")
			_, err = f.flow.FindCheckout(ctx, f.other.ID, first.ID)
			assertError(t, err, msgcenter.ENOTFOUND, "Checkout not found.")
		})
	})
}

func TestOrderFlowService_RaiseDueCheckouts(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		kopi := f.mustProduct(t, f.store.ID, "Kopi Susu", 25000, 5)
		cart := []msgcenter.CartItem{{ProductID: kopi.ID, Quantity: 1}}
		theirCart := []msgcenter.CartItem{{ProductID: f.mustProduct(t, f.other.ID, "Kopi Susu", 25000, 5).ID, Quantity: 1}}
		start := func(t *testing.T, storeID int64, room *msgcenter.Room) *msgcenter.Checkout {
			t.Helper()
			cart := cart
			if storeID != f.store.ID {
				cart = theirCart
			}
			c, err := f.flow.StartCheckout(ctx, storeID, room.ID, cart)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		checkout := func(t *testing.T, c *msgcenter.Checkout) *msgcenter.Checkout {
			t.Helper()
			got, err := f.flow.FindCheckout(ctx, c.StoreID, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		raise := func(t *testing.T, want int) {
			t.Helper()
			n, err := f.flow.RaiseDueCheckouts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Fatalf("RaiseDueCheckouts = %d, want %d", n, want)
			}
		}
		owner, err := sqlstore.NewStoreService(f.db).FindStoreByID(ctx, f.other.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sqlstore.NewStoreService(f.db).UpdateStore(ctx, owner.OwnerID, f.other.ID, msgcenter.StoreUpdate{IncompleteDelay: ptr(time.Hour)}); err != nil {
			t.Fatal(err)
		}

		left := start(t, f.store.ID, f.waRoom)
		completedRoom := f.mustRoom(t, f.wa, "Completed", "+6281200000001")
		completed := start(t, f.store.ID, completedRoom)
		req := orderRequest(nil, cart...)
		req.CheckoutID = &completed.ID
		f.order(t, req)
		failedRoom := f.mustRoom(t, f.wa, "Failed", "+6281200000002")
		failed := start(t, f.store.ID, failedRoom)
		req = orderRequest(nil, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 100})
		req.CheckoutID = &failed.ID
		if _, fc, err := f.flow.PlaceOrder(ctx, f.store.ID, req); err != nil || fc == nil {
			t.Fatalf("PlaceOrder = %v, %v; want a failure", fc, err)
		}
		instagram := start(t, f.store.ID, f.igRoom)
		theirs := start(t, f.other.ID, f.otherRoom)
		f.enq.take(t)

		t.Run("NotYetDue", func(t *testing.T) {
			raise(t, 0)
			f.clk.Add(29 * time.Minute)
			raise(t, 0)
		})

		t.Run("OnceWhenDue", func(t *testing.T) {
			f.clk.Add(2 * time.Minute)
			raise(t, 1)
			if got := checkout(t, left); got.Status != "incomplete" {
				t.Fatalf("left checkout status = %s, want incomplete", got.Status)
			}
			for c, want := range map[*msgcenter.Checkout]msgcenter.CheckoutStatus{
				completed: msgcenter.CheckoutCompleted, failed: msgcenter.CheckoutFailed,
				instagram: msgcenter.CheckoutOpen, theirs: msgcenter.CheckoutOpen,
			} {
				if got := checkout(t, c); got.Status != want {
					t.Errorf("checkout %d status = %s, want %s", c.ID, got.Status, want)
				}
			}
			ds := f.findDeliveries(t, f.store.ID, msgcenter.DeliveryFilter{NoOrder: true, Event: ptr(msgcenter.EventOrderIncomplete)})
			if len(ds) != 1 || ds[0].SubjectType != msgcenter.SubjectCheckout || ds[0].SubjectID != left.ID || *ds[0].RoomID != f.waRoom.ID {
				t.Fatalf("order_incomplete deliveries = %+v, want one for checkout %d", ds, left.ID)
			}
			if ids := f.enq.take(t); !slices.Equal(ids, []int64{ds[0].ID}) {
				t.Fatalf("enqueued %v, want [%d]", ids, ds[0].ID)
			}
			raise(t, 0)
		})

		t.Run("StoreDelay", func(t *testing.T) {
			f.clk.Add(30 * time.Minute)
			raise(t, 1)
			if got := checkout(t, theirs); got.Status != "incomplete" {
				t.Fatalf("other store's checkout status = %s, want incomplete", got.Status)
			}
			if ds := f.findDeliveries(t, f.other.ID, msgcenter.DeliveryFilter{Event: ptr(msgcenter.EventOrderIncomplete)}); len(ds) != 1 {
				t.Fatalf("other store's order_incomplete deliveries = %d, want 1", len(ds))
			}
			f.enq.take(t)
		})

		t.Run("BatchesAndConcurrentSweepers", func(t *testing.T) {
			const n = 130 // more than one batch
			for i := range n {
				room := f.mustRoom(t, f.wa, "Batch", "+62813000"+itoa(int64(10000+i)))
				start(t, f.store.ID, room)
			}
			f.clk.Add(time.Hour)
			var wg sync.WaitGroup
			var mu sync.Mutex
			total := 0
			for range 3 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					got, err := f.flow.RaiseDueCheckouts(ctx)
					if err != nil {
						t.Error(err)
					}
					mu.Lock()
					total += got
					mu.Unlock()
				}()
			}
			wg.Wait()
			if total != n {
				t.Fatalf("sweepers raised %d in all, want %d", total, n)
			}
			if got := f.count(t, `SELECT COUNT(*) FROM deliveries WHERE event = 'order_incomplete'`); got != n+2 {
				t.Fatalf("%d order_incomplete deliveries, want %d", got, n+2)
			}
			if ids := f.enq.take(t); len(ids) != n {
				t.Fatalf("enqueued %d, want %d", len(ids), n)
			}
		})
	})
}
