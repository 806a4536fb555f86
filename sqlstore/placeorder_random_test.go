package sqlstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

// TestOrderFlowService_PlaceOrderRandom places 300 random orders (unknown,
// inactive, other stores' and short products, lines of one product, rooms
// by id, by phone and another store's, bad methods) on each engine and
// checks every answer against a model of the stock: an order is placed
// exactly when every product is the store's, active and in stock for all
// its lines and both methods are valid, numbered next, priced as its
// products, with one message enqueued; otherwise it fails with nothing
// taken, or is refused ENOTFOUND for another store's room.
func TestOrderFlowService_PlaceOrderRandom(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		var products []*msgcenter.Product
		stock := map[int64]int{}
		for i := range 6 {
			p := f.mustProduct(t, f.store.ID, fmt.Sprintf("P%d", i), int64(1000*(i+1)), 4*(i%4))
			if i == 4 {
				if _, err := f.commerce.UpdateProduct(ctx, f.store.ID, p.ID, msgcenter.ProductUpdate{Active: ptr(false)}); err != nil {
					t.Fatal(err)
				}
				p.Active = false
			}
			products, stock[p.ID] = append(products, p), p.Stock
		}
		theirs := f.mustProduct(t, f.other.ID, "Theirs", 500, 50)
		products = append(products, theirs)
		rnd := rand.New(rand.NewPCG(7, 42))
		number, placedCount := int64(0), 0
		for n := range 300 {
			req := &msgcenter.OrderRequest{DeliveryMethod: "regular", PaymentMethod: "qris", Address: "Jl. Acak"}
			for range 1 + rnd.IntN(3) {
				id := int64(999999)
				if k := rnd.IntN(len(products) + 1); k < len(products) {
					id = products[k].ID
				}
				req.Items = append(req.Items, msgcenter.CartItem{ProductID: id, Quantity: 1 + rnd.IntN(2)})
			}
			switch rnd.IntN(5) {
			case 0:
				req.RoomID = &f.waRoom.ID
			case 1:
				req.RoomID = &f.otherRoom.ID
			case 2:
				req.CustomerPhone, req.RoomByPhone = f.igRoom.CustomerPhone, true
			}
			if rnd.IntN(10) == 0 {
				req.DeliveryMethod = "teleport"
			}
			if rnd.IntN(10) == 0 {
				req.PaymentMethod = "barter"
			}
			if n%10 == 0 { // stock comes back now and then
				p := products[n/10%4]
				if _, err := f.commerce.UpdateProduct(ctx, f.store.ID, p.ID, msgcenter.ProductUpdate{Stock: ptr(6)}); err != nil {
					t.Fatal(err)
				}
				stock[p.ID] = 6
			}

			// The model's answer. A method the store does not offer, or a
			// product that is not the store's, is the request's mistake:
			// refused before anything is written.
			badMethod := req.DeliveryMethod != "regular" || req.PaymentMethod != "qris"
			unknown := false
			want := true
			qty := map[int64]int{}
			var subtotal int64
			for _, it := range req.Items {
				qty[it.ProductID] += it.Quantity
			}
			for id, q := range qty {
				p := findProduct(products, id)
				if p == nil || p.StoreID != f.store.ID {
					unknown = true
				}
				if p == nil || p.StoreID != f.store.ID || !p.Active || stock[id] < q {
					want = false
				}
			}
			for _, it := range req.Items {
				if p := findProduct(products, it.ProductID); p != nil {
					subtotal += p.Price * int64(it.Quantity)
				}
			}

			o, fc, err := f.flow.PlaceOrder(ctx, f.store.ID, req)
			enqueued := len(f.enq.take(t))
			switch {
			case badMethod:
				if msgcenter.ErrorCode(err) != msgcenter.EINVALID || o != nil || fc != nil || enqueued != 0 {
					t.Fatalf("order %d with a method the store lacks: %+v, %+v, %v, %d enqueued", n, o, fc, err, enqueued)
				}
			case req.RoomID != nil && *req.RoomID == f.otherRoom.ID:
				if msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND || o != nil || fc != nil || enqueued != 0 {
					t.Fatalf("order %d in another store's room: %+v, %+v, %v, %d enqueued", n, o, fc, err, enqueued)
				}
			case unknown:
				if msgcenter.ErrorCode(err) != msgcenter.EINVALID || o != nil || fc != nil || enqueued != 0 {
					t.Fatalf("order %d naming a product the store lacks: %+v, %+v, %v, %d enqueued", n, o, fc, err, enqueued)
				}
			case err != nil:
				t.Fatalf("order %d %+v: %v", n, req, err)
			case want:
				number++
				placedCount++
				if o == nil || fc != nil || o.Number != number || o.Subtotal != subtotal || len(o.Items) != len(req.Items) || enqueued != 1 {
					t.Fatalf("order %d %+v = %+v, %+v, %d enqueued; want #%d placed, subtotal %d", n, req, o, fc, enqueued, number, subtotal)
				}
				for id, q := range qty {
					stock[id] -= q
				}
			default:
				if o != nil || fc == nil || fc.Reason == "" || len(fc.Items)+len(fc.Unprocessed) != len(req.Items) || enqueued != 1 {
					t.Fatalf("order %d %+v = %+v, %+v, %d enqueued; want a failed checkout", n, req, o, fc, enqueued)
				}
			}
			for _, p := range products {
				if p.StoreID == f.store.ID && f.stock(t, p) != stock[p.ID] {
					t.Fatalf("after order %d, %s stock %d, want %d", n, p.Name, f.stock(t, p), stock[p.ID])
				}
			}
		}
		if f.stock(t, theirs) != 50 {
			t.Fatalf("another store's stock %d, want 50", f.stock(t, theirs))
		}
		if placedCount == 0 || placedCount == 300 {
			t.Fatalf("%d of 300 orders placed: the mix tests nothing", placedCount)
		}
	})
}

func findProduct(ps []*msgcenter.Product, id int64) *msgcenter.Product {
	for _, p := range ps {
		if p.ID == id {
			return p
		}
	}
	return nil
}
