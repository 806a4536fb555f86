package sqlstore_test

import (
	"context"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

// TestOrderFlowService_RefusedRequests checks that a request naming what the
// store does not offer (another store's or no product, a method it does not
// have) is EINVALID naming the field, and writes nothing: no order, failed
// checkout, message or stock change, and a checkout stays open.
func TestOrderFlowService_RefusedRequests(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		kopi := f.mustProduct(t, f.store.ID, "Kopi Susu", 25000, 5)
		theirs := f.mustProduct(t, f.other.ID, "Theirs", 1000, 50)
		state := func() [5]int {
			return [5]int{f.count(t, `SELECT COUNT(*) FROM orders`), f.count(t, `SELECT COUNT(*) FROM failed_checkouts`),
				f.count(t, `SELECT COUNT(*) FROM deliveries`), f.stock(t, kopi), f.stock(t, theirs)}
		}
		for _, tc := range []struct {
			name          string
			items         []msgcenter.CartItem
			delivery, pay string
			field, reason string
		}{
			{"UnknownProduct", []msgcenter.CartItem{{ProductID: kopi.ID, Quantity: 1}, {ProductID: 99999, Quantity: 2}}, "", "",
				"items[1].product_id", "is not a product of this store"},
			{"OtherStoresProduct", []msgcenter.CartItem{{ProductID: theirs.ID, Quantity: 1}}, "", "",
				"items[0].product_id", "is not a product of this store"},
			{"InvalidDeliveryMethod", []msgcenter.CartItem{{ProductID: kopi.ID, Quantity: 1}}, "teleport", "",
				"delivery_method", "must be one of pickup, regular, instant"},
			{"InvalidPaymentMethod", []msgcenter.CartItem{{ProductID: kopi.ID, Quantity: 1}}, "", "iou",
				"payment_method", "must be one of bank_transfer, qris, ewallet, cod"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				for _, withCheckout := range []bool{false, true} {
					req := orderRequest(f.waRoom, tc.items...)
					var c *msgcenter.Checkout
					if withCheckout {
						var err error
						if c, err = f.flow.StartCheckout(ctx, f.store.ID, f.waRoom.ID, []msgcenter.CartItem{{ProductID: kopi.ID, Quantity: 1}}); err != nil {
							t.Fatal(err)
						}
						req.CheckoutID = &c.ID
					}
					if tc.delivery != "" {
						req.DeliveryMethod = tc.delivery
					}
					if tc.pay != "" {
						req.PaymentMethod = tc.pay
					}
					before := state()
					o, fc, err := f.flow.PlaceOrder(ctx, f.store.ID, req)
					if msgcenter.ErrorCode(err) != msgcenter.EINVALID || o != nil || fc != nil {
						t.Fatalf("PlaceOrder = %+v, %+v, %v; want EINVALID", o, fc, err)
					}
					if got := msgcenter.ErrorFields(err)[tc.field]; got != tc.reason {
						t.Fatalf("field %s = %q, want %q (fields %v)", tc.field, got, tc.reason, msgcenter.ErrorFields(err))
					}
					if after := state(); after != before {
						t.Fatalf("state %v → %v: a refused order wrote", before, after)
					}
					if c != nil {
						if got, _ := f.flow.FindCheckout(ctx, f.store.ID, c.ID); got.Status != msgcenter.CheckoutOpen {
							t.Fatalf("checkout status = %s, want open", got.Status)
						}
					}
				}
			})
		}

		t.Run("CheckoutOtherStoresProduct", func(t *testing.T) {
			before := f.count(t, `SELECT COUNT(*) FROM checkouts`)
			_, err := f.flow.StartCheckout(ctx, f.store.ID, f.waRoom.ID,
				[]msgcenter.CartItem{{ProductID: kopi.ID, Quantity: 1}, {ProductID: theirs.ID, Quantity: 1}})
			if msgcenter.ErrorCode(err) != msgcenter.EINVALID || msgcenter.ErrorFields(err)["items[1].product_id"] != "is not a product of this store" {
				t.Fatalf("StartCheckout = %v (%v), want EINVALID on items[1].product_id", err, msgcenter.ErrorFields(err))
			}
			if after := f.count(t, `SELECT COUNT(*) FROM checkouts`); after != before {
				t.Fatalf("checkouts %d → %d", before, after)
			}
		})
	})
}
