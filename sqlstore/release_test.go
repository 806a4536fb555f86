package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

func TestOrderFlowService_ReleaseUnpaidOrder(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		db := f.db
		hold := 45 * time.Minute
		if _, err := sqlstore.NewStoreService(db).UpdateStore(ctx, f.store.OwnerID, f.store.ID, msgcenter.StoreUpdate{UnpaidHold: &hold}); err != nil {
			t.Fatal(err)
		}
		kopi := f.mustProduct(t, f.store.ID, "Kopi Susu", 25000, 10)
		roti := f.mustProduct(t, f.store.ID, "Roti", 15000, 10)

		// Both placement paths (an order alone; an order of a checkout)
		// hold the stock and schedule the release in their transaction.
		plain := f.order(t, orderRequest(f.waRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 2},
			msgcenter.CartItem{ProductID: roti.ID, Quantity: 1}, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}))
		c, err := f.flow.StartCheckout(ctx, f.store.ID, f.igRoom.ID, []msgcenter.CartItem{{ProductID: roti.ID, Quantity: 4}})
		if err != nil {
			t.Fatal(err)
		}
		req := orderRequest(nil, msgcenter.CartItem{ProductID: roti.ID, Quantity: 4})
		req.CheckoutID = &c.ID
		fromCheckout := f.order(t, req)
		paid := f.order(t, orderRequest(f.waRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}))
		for _, o := range []*msgcenter.Order{plain, fromCheckout, paid} {
			want := o.CreatedAt.Add(hold)
			if o.ReleaseAt == nil || !o.ReleaseAt.Equal(want) || !f.enq.release(o.ID).Equal(want) {
				t.Fatalf("order %d: release at %v, job at %v; want %v", o.ID, o.ReleaseAt, f.enq.release(o.ID), want)
			}
			got, err := f.commerce.FindOrder(ctx, f.store.ID, o.ID)
			if err != nil || got.ReleaseAt == nil || !got.ReleaseAt.Equal(want) {
				t.Fatalf("stored release at = %v, %v", got, err)
			}
		}
		if _, err := f.flow.PayOrder(ctx, f.store.ID, paid.ID); err != nil {
			t.Fatal(err)
		}
		if f.stock(t, kopi) != 6 || f.stock(t, roti) != 5 {
			t.Fatalf("stock kopi %d roti %d, want 6 and 5", f.stock(t, kopi), f.stock(t, roti))
		}

		f.clk.Add(hold)
		for _, o := range []*msgcenter.Order{plain, fromCheckout} {
			released, err := f.flow.ReleaseUnpaidOrder(ctx, o.ID)
			if err != nil || !released {
				t.Fatalf("release %d = %v, %v", o.ID, released, err)
			}
		}
		if f.stock(t, kopi) != 9 || f.stock(t, roti) != 10 {
			t.Fatalf("after release: stock kopi %d roti %d, want 9 and 10", f.stock(t, kopi), f.stock(t, roti))
		}
		got, _ := f.commerce.FindOrder(ctx, f.store.ID, plain.ID)
		if got.Status != msgcenter.OrderExpired || !got.UpdatedAt.Equal(f.clk.Now()) {
			t.Fatalf("released order = %+v", got)
		}

		t.Run("Idempotent", func(t *testing.T) {
			for _, id := range []int64{plain.ID, fromCheckout.ID, paid.ID} {
				if released, err := f.flow.ReleaseUnpaidOrder(ctx, id); err != nil || released {
					t.Fatalf("release %d again = %v, %v; want nothing", id, released, err)
				}
			}
			if f.stock(t, kopi) != 9 || f.stock(t, roti) != 10 {
				t.Fatalf("stock kopi %d roti %d: a second release gave stock back twice", f.stock(t, kopi), f.stock(t, roti))
			}
		})
		t.Run("ExpiredCannotBePaid", func(t *testing.T) {
			_, err := f.flow.PayOrder(ctx, f.store.ID, plain.ID)
			if msgcenter.ErrorCode(err) != msgcenter.ECONFLICT {
				t.Fatalf("pay expired = %v, want ECONFLICT", err)
			}
		})
		t.Run("Unknown", func(t *testing.T) {
			if _, err := f.flow.ReleaseUnpaidOrder(ctx, 999999); msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
				t.Fatalf("err = %v, want ENOTFOUND", err)
			}
		})
		t.Run("HoldLimits", func(t *testing.T) {
			for _, d := range []time.Duration{0, 9 * time.Minute, 7*24*time.Hour + time.Minute} {
				_, err := sqlstore.NewStoreService(db).UpdateStore(ctx, f.store.OwnerID, f.store.ID, msgcenter.StoreUpdate{UnpaidHold: &d})
				if msgcenter.ErrorFields(err)["unpaid_hold_minutes"] == "" {
					t.Fatalf("hold %v: %v, want a field error", d, err)
				}
			}
		})
	})
}
