package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// TestOrderFlowService_PlaceOrderOneStatement checks which orders PostgreSQL
// places in one statement, that what that statement cannot place takes the
// checked path with nothing of it left behind, and that orders of both paths
// on the same products run side by side without a deadlock. The results
// themselves are the ones TestOrderFlowService_PlaceOrder and
// TestOrderFlowService_PlaceOrderFailed check on both engines.
func TestOrderFlowService_PlaceOrderOneStatement(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open(t))
		pg := f.db.Engine() == sqlstore.EnginePostgres
		kopi := f.mustProduct(t, f.store.ID, "Kopi Susu", 25000, 1000)
		roti := f.mustProduct(t, f.store.ID, "Roti Bakar", 10000, 3)

		// place places req and reports whether it took one statement.
		place := func(t *testing.T, req *msgcenter.OrderRequest) (*msgcenter.Order, *msgcenter.FailedCheckout, error, bool) {
			t.Helper()
			before := f.flow.OneStatementOrders()
			o, fc, err := f.flow.PlaceOrder(ctx, f.store.ID, req)
			f.enq.take(t)
			return o, fc, err, f.flow.OneStatementOrders() > before
		}

		t.Run("Usual", func(t *testing.T) {
			byPhone := orderRequest(nil, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1})
			byPhone.CustomerPhone = f.igRoom.CustomerPhone
			sameProduct := orderRequest(f.waRoom, msgcenter.CartItem{ProductID: roti.ID, Quantity: 1},
				msgcenter.CartItem{ProductID: kopi.ID, Quantity: 2}, msgcenter.CartItem{ProductID: roti.ID, Quantity: 2})
			named := orderRequest(f.waRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1})
			named.CustomerName = "Siti"
			for _, tc := range []struct {
				name      string
				req       *msgcenter.OrderRequest
				room      *msgcenter.Room
				customer  string
				subtotal  int64
				itemCount int
			}{
				{"ByRoom", orderRequest(f.waRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 3}), f.waRoom, "Budi", 75000, 1},
				{"ByPhone", byPhone, f.igRoom, "Sari", 25000, 1},
				{"NoRoom", orderRequest(nil, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}), nil, "", 25000, 1},
				{"NameAsAsked", named, f.waRoom, "Siti", 25000, 1},
				// Lines of one product share its stock: 3 of the 3 Roti.
				{"LinesShareStock", sameProduct, f.waRoom, "Budi", 80000, 3},
			} {
				t.Run(tc.name, func(t *testing.T) {
					o, fc, err, one := place(t, tc.req)
					if err != nil || fc != nil {
						t.Fatalf("PlaceOrder = %+v, %v", fc, err)
					}
					if one != pg {
						t.Fatalf("placed in one statement: %v, want %v on %s", one, pg, f.db.Engine())
					}
					if (tc.room == nil) != (o.RoomID == nil) || (tc.room != nil && *o.RoomID != tc.room.ID) {
						t.Fatalf("room = %v, want %+v", o.RoomID, tc.room)
					}
					if o.CustomerName != tc.customer || o.Subtotal != tc.subtotal || len(o.Items) != tc.itemCount ||
						o.GrandTotal != tc.subtotal+o.DeliveryFee+o.ServiceFee {
						t.Fatalf("order = %+v", o)
					}
					got, err := f.commerce.FindOrder(ctx, f.store.ID, o.ID)
					if err != nil || !reflect.DeepEqual(got, o) {
						t.Fatalf("FindOrder = %+v, %v\nwant %+v", got, err, o)
					}
				})
			}
			if f.stock(t, roti) != 0 {
				t.Fatalf("Roti stock = %d, want 0", f.stock(t, roti))
			}
		})

		t.Run("CheckedPath", func(t *testing.T) {
			next := f.count(t, `SELECT order_seq FROM stores WHERE id = $1`, f.store.ID) + 1
			stock := f.stock(t, kopi)
			c, err := f.flow.StartCheckout(ctx, f.store.ID, f.waRoom.ID, []msgcenter.CartItem{{ProductID: kopi.ID, Quantity: 1}})
			if err != nil {
				t.Fatal(err)
			}
			withCheckout := orderRequest(nil, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1})
			withCheckout.CheckoutID = &c.ID
			badMethod := orderRequest(f.waRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1})
			badMethod.DeliveryMethod = "teleport"
			for _, tc := range []struct {
				name    string
				req     *msgcenter.OrderRequest
				placed  bool
				errCode string
			}{
				// Kopi is in stock and taken first: the statement must give it back.
				{"OutOfStock", orderRequest(f.waRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}, msgcenter.CartItem{ProductID: roti.ID, Quantity: 1}), false, ""},
				{"UnknownProduct", orderRequest(f.waRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}, msgcenter.CartItem{ProductID: 99999, Quantity: 1}), false, msgcenter.EINVALID},
				{"OtherStoresRoom", orderRequest(f.otherRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}), false, msgcenter.ENOTFOUND},
				{"InvalidMethod", badMethod, false, msgcenter.EINVALID},
				{"Checkout", withCheckout, true, ""},
			} {
				t.Run(tc.name, func(t *testing.T) {
					o, fc, err, one := place(t, tc.req)
					if one {
						t.Fatal("placed in one statement")
					}
					if tc.errCode != "" {
						if msgcenter.ErrorCode(err) != tc.errCode {
							t.Fatalf("err = %v, want %s", err, tc.errCode)
						}
					} else if err != nil {
						t.Fatal(err)
					} else if (o != nil) != tc.placed || (fc == nil) != tc.placed {
						t.Fatalf("PlaceOrder = %+v, %+v; want placed %v", o, fc, tc.placed)
					}
					if tc.placed {
						stock--
						if o.Number != int64(next) {
							t.Fatalf("number = %d, want %d: a refused order took one", o.Number, next)
						}
						next++
					}
					if f.stock(t, kopi) != stock {
						t.Fatalf("Kopi stock = %d, want %d", f.stock(t, kopi), stock)
					}
				})
			}
		})

		// Usual orders, orders that fail and orders from a checkout, on the
		// same products at once: the paths lock products, then the store.
		t.Run("ConcurrentPaths", func(t *testing.T) {
			teh := f.mustProduct(t, f.store.ID, "Teh", 5000, 30)
			gula := f.mustProduct(t, f.store.ID, "Gula", 1000, 30)
			checkouts := make([]int64, 10)
			for i := range checkouts {
				c, err := f.flow.StartCheckout(ctx, f.store.ID, f.waRoom.ID, []msgcenter.CartItem{{ProductID: gula.ID, Quantity: 1}})
				if err != nil {
					t.Fatal(err)
				}
				checkouts[i] = c.ID
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			placed, failed := 0, 0
			for i := range 40 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var req *msgcenter.OrderRequest
					switch i % 4 {
					case 0, 1:
						req = orderRequest(f.waRoom, msgcenter.CartItem{ProductID: gula.ID, Quantity: 1}, msgcenter.CartItem{ProductID: teh.ID, Quantity: 1})
					case 2:
						req = orderRequest(nil, msgcenter.CartItem{ProductID: teh.ID, Quantity: 1}, msgcenter.CartItem{ProductID: gula.ID, Quantity: 1})
						req.CheckoutID = &checkouts[i/4]
					case 3: // more Gula than there is: fails after taking Teh
						req = orderRequest(f.waRoom, msgcenter.CartItem{ProductID: teh.ID, Quantity: 1}, msgcenter.CartItem{ProductID: gula.ID, Quantity: 31})
					}
					o, fc, err := f.flow.PlaceOrder(ctx, f.store.ID, req)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err != nil:
						t.Errorf("order %d: %v", i, err)
					case o != nil:
						placed++
					case fc != nil:
						failed++
					}
				}()
			}
			wg.Wait()
			f.enq.take(t)
			if placed != 30 || failed != 10 {
				t.Fatalf("placed %d, failed %d; want 30 and 10", placed, failed)
			}
			if f.stock(t, teh) != 0 || f.stock(t, gula) != 0 {
				t.Fatalf("stock Teh %d, Gula %d; want 0 and 0", f.stock(t, teh), f.stock(t, gula))
			}
			if n := f.count(t, `SELECT COUNT(DISTINCT number) FROM orders WHERE store_id = $1`, f.store.ID); n != f.count(t, `SELECT MAX(number) FROM orders WHERE store_id = $1`, f.store.ID) {
				t.Fatalf("order numbers have gaps: %d distinct", n)
			}
		})
	})
}

// TestPlaceOrderEnginesAgree places the same random orders on SQLite, where
// every order takes the checked path, and on PostgreSQL, where the usual
// ones are one statement: orders, failures, errors and the stock left must
// be the same, order after order.
func TestPlaceOrderEnginesAgree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite := newFixture(t, sqltest.Open(t, sqltest.URL(t, sqlstore.EngineSQLite)))
	pg := newFixture(t, sqltest.Open(t, sqltest.URL(t, sqlstore.EnginePostgres)))
	var products []*msgcenter.Product
	for _, f := range []*fixture{lite, pg} {
		products = nil
		for i := range 6 {
			p := f.mustProduct(t, f.store.ID, fmt.Sprintf("P%d", i), int64(1000*(i+1)), 4*(i%4))
			if i == 4 {
				if _, err := f.commerce.UpdateProduct(ctx, f.store.ID, p.ID, msgcenter.ProductUpdate{Active: ptr(false)}); err != nil {
					t.Fatal(err)
				}
			}
			products = append(products, p)
		}
		products = append(products, f.mustProduct(t, f.other.ID, "Theirs", 500, 50))
	}
	rnd := rand.New(rand.NewPCG(7, 42))
	oneStatement := pg.flow.OneStatementOrders()
	for n := range 300 {
		req := &msgcenter.OrderRequest{DeliveryMethod: "regular", PaymentMethod: "qris", Address: "Jl. Acak"}
		for range 1 + rnd.IntN(3) {
			id := int64(999)
			if k := rnd.IntN(len(products) + 1); k < len(products) {
				id = products[k].ID
			}
			req.Items = append(req.Items, msgcenter.CartItem{ProductID: id, Quantity: 1 + rnd.IntN(2)})
		}
		switch rnd.IntN(5) {
		case 0:
			req.RoomID = &lite.waRoom.ID
		case 1:
			req.RoomID = &lite.otherRoom.ID
		case 2:
			req.CustomerPhone = lite.igRoom.CustomerPhone
		case 3:
			req.CustomerName = "Tamu"
		}
		if rnd.IntN(10) == 0 {
			req.DeliveryMethod = "teleport"
		}
		if rnd.IntN(10) == 0 {
			req.PaymentMethod = "barter"
		}
		if n%10 == 0 { // stock comes back now and then
			for _, f := range []*fixture{lite, pg} {
				if _, err := f.commerce.UpdateProduct(ctx, f.store.ID, products[n/10%4].ID, msgcenter.ProductUpdate{Stock: ptr(6)}); err != nil {
					t.Fatal(err)
				}
			}
		}
		type outcome struct {
			o   *msgcenter.Order
			fc  *msgcenter.FailedCheckout
			err string
			enq int
		}
		var got [2]outcome
		for i, f := range []*fixture{lite, pg} {
			o, fc, err := f.flow.PlaceOrder(ctx, f.store.ID, req)
			got[i] = outcome{o: o, fc: fc, err: msgcenter.ErrorCode(err), enq: len(f.enq.take(t))}
			if err != nil && got[i].err == msgcenter.EINTERNAL {
				t.Fatalf("order %d on %s: %v", n, f.db.Engine(), err)
			}
			if o != nil {
				o.Token = ""
			}
			if fc != nil {
				fc.MicrositeLink = ""
			}
		}
		if !reflect.DeepEqual(got[0], got[1]) {
			t.Fatalf("order %d %+v:\nsqlite   %+v %+v %+v\npostgres %+v %+v %+v", n, req, got[0].o, got[0].fc, got[0], got[1].o, got[1].fc, got[1])
		}
		for _, p := range products {
			if a, b := lite.stock(t, p), pg.stock(t, p); a != b {
				t.Fatalf("after order %d, %s stock %d on sqlite, %d on postgres", n, p.Name, a, b)
			}
		}
	}
	if pg.flow.OneStatementOrders() == oneStatement {
		t.Fatal("no order took one statement on PostgreSQL")
	}
	t.Logf("%d of 300 orders took one statement on PostgreSQL", pg.flow.OneStatementOrders()-oneStatement)
}
