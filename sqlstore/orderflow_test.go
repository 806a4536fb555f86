package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

// enqueueRecorder is a fake Enqueuer that records the ids of messages it
// is given, checking that each is visible, queued, in the transaction it
// is given, and the release jobs of the orders, checking that each order
// is visible in it with the job's release time.
type enqueueRecorder struct {
	mu       sync.Mutex
	ids      []int64
	missing  []int64
	releases map[int64]time.Time
	err      error
}

func (r *enqueueRecorder) EnqueueTx(ctx context.Context, tx *sql.Tx, jobs sqlstore.TxJobs) error {
	ids := jobs.Deliveries
	var missing []int64
	for _, rel := range jobs.Releases {
		var at sql.NullTime
		if err := tx.QueryRowContext(ctx, `SELECT release_at FROM orders WHERE id = $1`, rel.OrderID).Scan(&at); err != nil ||
			!at.Valid || !at.Time.Equal(rel.At) {
			missing = append(missing, -rel.OrderID)
		}
	}
	r.mu.Lock()
	if r.releases == nil {
		r.releases = map[int64]time.Time{}
	}
	for _, rel := range jobs.Releases {
		r.releases[rel.OrderID] = rel.At
	}
	r.mu.Unlock()
	for _, id := range ids {
		var status string
		if err := tx.QueryRowContext(ctx, `SELECT status FROM deliveries WHERE id = $1`, id).Scan(&status); err != nil || status != "queued" {
			missing = append(missing, id)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ids = append(r.ids, ids...)
	r.missing = append(r.missing, missing...)
	return r.err
}

// take returns the ids enqueued since the last take, failing the test when
// one was not in the transaction.
func (r *enqueueRecorder) take(tb testing.TB) []int64 {
	tb.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.missing) > 0 {
		tb.Fatalf("Enqueue got ids %v that its transaction does not hold as queued (negative: orders without that release time)", r.missing)
	}
	ids := r.ids
	r.ids = nil
	return ids
}

// release returns when the release job of the order is due, zero when
// none was enqueued.
func (r *enqueueRecorder) release(orderID int64) time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.releases[orderID]
}

func (r *enqueueRecorder) fail(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err
}

// fixture is a store with a WhatsApp and an Instagram channel, a room on
// each, and a second store, on one database opened by open with a fake
// Enqueuer.
type fixture struct {
	db         *sqlstore.DB
	clk        *clock
	enq        *enqueueRecorder
	store      *msgcenter.Store
	other      *msgcenter.Store
	commerce   *sqlstore.CommerceService
	flow       *sqlstore.OrderFlowService
	deliveries *sqlstore.DeliveryService
	wa, ig     *msgcenter.Channel
	waRoom     *msgcenter.Room
	igRoom     *msgcenter.Room
	otherRoom  *msgcenter.Room
}

func newFixture(tb testing.TB, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) *fixture {
	tb.Helper()
	enq := &enqueueRecorder{}
	db := open(tb, sqlstore.Options{Jobs: func(context.Context, *sql.DB, string) (sqlstore.Enqueuer, error) { return enq, nil }})
	tn := newTenants(tb, db)
	f := &fixture{db: db, clk: tn.clk, enq: enq, store: tn.store, other: tn.other}
	f.commerce = sqlstore.NewCommerceService(db)
	f.flow = sqlstore.NewOrderFlowService(db)
	f.deliveries = sqlstore.NewDeliveryService(db)
	f.wa = f.mustChannel(tb, f.store.ID, msgcenter.ChannelWhatsApp)
	f.ig = f.mustChannel(tb, f.store.ID, msgcenter.ChannelInstagram)
	f.waRoom = f.mustRoom(tb, f.wa, "Budi", "+6281234567890")
	f.igRoom = f.mustRoom(tb, f.ig, "Sari", "+6289876543210")
	f.otherRoom = f.mustRoom(tb, f.mustChannel(tb, f.other.ID, msgcenter.ChannelWhatsApp), "Eve", "+6281111111111")
	return f
}

func (f *fixture) mustChannel(tb testing.TB, storeID int64, typ msgcenter.ChannelType) *msgcenter.Channel {
	tb.Helper()
	c := &msgcenter.Channel{StoreID: storeID, Type: typ, Name: string(typ)}
	if err := f.commerce.CreateChannel(context.Background(), c); err != nil {
		tb.Fatal(err)
	}
	return c
}

func (f *fixture) mustRoom(tb testing.TB, c *msgcenter.Channel, name, phone string) *msgcenter.Room {
	tb.Helper()
	r := &msgcenter.Room{StoreID: c.StoreID, ChannelID: c.ID, CustomerName: name, CustomerPhone: phone}
	if err := f.commerce.CreateRoom(context.Background(), r); err != nil {
		tb.Fatal(err)
	}
	return r
}

func (f *fixture) mustProduct(tb testing.TB, storeID int64, name string, price int64, stock int) *msgcenter.Product {
	tb.Helper()
	p := &msgcenter.Product{StoreID: storeID, Name: name, Price: price, Stock: stock, Active: true}
	if err := f.commerce.CreateProduct(context.Background(), p); err != nil {
		tb.Fatal(err)
	}
	return p
}

// stock returns a product's stock as stored.
func (f *fixture) stock(tb testing.TB, p *msgcenter.Product) int {
	tb.Helper()
	var n int
	if err := f.db.SQL().QueryRowContext(context.Background(), `SELECT stock FROM products WHERE id = $1`, p.ID).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// count runs a COUNT(*) query.
func (f *fixture) count(tb testing.TB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := f.db.SQL().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

// findDeliveries lists the store's deliveries matching filter.
func (f *fixture) findDeliveries(tb testing.TB, storeID int64, filter msgcenter.DeliveryFilter) []*msgcenter.Delivery {
	tb.Helper()
	ds, err := f.deliveries.FindDeliveries(context.Background(), storeID, filter)
	if err != nil {
		tb.Fatal(err)
	}
	return ds
}

func (f *fixture) order(tb testing.TB, req *msgcenter.OrderRequest) *msgcenter.Order {
	tb.Helper()
	o, fc, err := f.flow.PlaceOrder(context.Background(), f.store.ID, req)
	if err != nil {
		tb.Fatal(err)
	} else if fc != nil {
		tb.Fatalf("PlaceOrder failed: %+v", fc)
	}
	return o
}

func orderRequest(room *msgcenter.Room, items ...msgcenter.CartItem) *msgcenter.OrderRequest {
	req := &msgcenter.OrderRequest{Items: items, DeliveryMethod: "regular", PaymentMethod: "qris", Address: "Jl. Sudirman 1"}
	if room != nil {
		req.RoomID = &room.ID
	}
	return req
}

func TestOrderFlowService_PlaceOrder(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		kopi := f.mustProduct(t, f.store.ID, "Kopi Susu", 25000, 5)
		roti := f.mustProduct(t, f.store.ID, "Roti Bakar", 10000, 10)

		t.Run("Success", func(t *testing.T) {
			req := orderRequest(f.waRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 2}, msgcenter.CartItem{ProductID: roti.ID, Quantity: 1})
			o := f.order(t, req)
			want := &msgcenter.Order{
				ID: o.ID, StoreID: f.store.ID, Number: 1, Token: o.Token, RoomID: &f.waRoom.ID,
				CustomerName: "Budi", CustomerPhone: "+6281234567890", Address: "Jl. Sudirman 1",
				Items: []msgcenter.OrderItem{
					{ProductID: kopi.ID, Name: "Kopi Susu", Quantity: 2, UnitPrice: 25000},
					{ProductID: roti.ID, Name: "Roti Bakar", Quantity: 1, UnitPrice: 10000},
				},
				DeliveryMethod: "regular", DeliveryFee: 15000, ServiceFee: msgcenter.ServiceFee,
				Subtotal: 60000, GrandTotal: 60000 + 15000 + msgcenter.ServiceFee, PaymentMethod: "qris",
				Status: msgcenter.OrderPlaced, CreatedAt: f.clk.Now(), UpdatedAt: f.clk.Now(),
				ReleaseAt: ptr(f.clk.Now().Add(msgcenter.DefaultUnpaidHold)),
			}
			if !reflect.DeepEqual(o, want) {
				t.Fatalf("order = %+v\nwant %+v", o, want)
			}
			if len(o.Token) < 22 {
				t.Fatalf("token %q is shorter than 128 bits in base64url", o.Token)
			}
			if got, err := f.commerce.FindOrder(ctx, f.store.ID, o.ID); err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("FindOrder = %+v, %v\nwant %+v", got, err, want)
			}
			if got, err := f.commerce.FindOrderByToken(ctx, o.Token); err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("FindOrderByToken = %+v, %v", got, err)
			}
			if f.stock(t, kopi) != 3 || f.stock(t, roti) != 9 {
				t.Fatalf("stock = %d, %d; want 3, 9", f.stock(t, kopi), f.stock(t, roti))
			}

			ds := f.findDeliveries(t, f.store.ID, msgcenter.DeliveryFilter{OrderID: &o.ID})
			if len(ds) != 1 {
				t.Fatalf("got %d deliveries for the order, want 1", len(ds))
			}
			d := ds[0]
			if d.Event != msgcenter.EventOrderPlaced || d.Status != msgcenter.StatusQueued || d.Kind != msgcenter.KindAutomation ||
				d.SubjectType != msgcenter.SubjectOrder || d.SubjectID != o.ID || *d.OrderID != o.ID || *d.RoomID != f.waRoom.ID {
				t.Fatalf("delivery = %+v", d)
			}
			if ids := f.enq.take(t); !slices.Equal(ids, []int64{d.ID}) {
				t.Fatalf("enqueued %v, want [%d]", ids, d.ID)
			}
		})

		t.Run("NumbersAndTokens", func(t *testing.T) {
			tokens := map[string]bool{}
			for _, n := range []int64{2, 3} {
				o := f.order(t, orderRequest(f.igRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}))
				if o.Number != n {
					t.Fatalf("order number = %d, want %d", o.Number, n)
				}
				tokens[o.Token] = true
			}
			p := f.mustProduct(t, f.other.ID, "Teh", 5000, 10)
			o, _, err := f.flow.PlaceOrder(ctx, f.other.ID, orderRequest(f.otherRoom, msgcenter.CartItem{ProductID: p.ID, Quantity: 1}))
			if err != nil || o == nil {
				t.Fatalf("other store's order: %v", err)
			}
			if o.Number != 1 {
				t.Fatalf("other store's first order number = %d, want 1", o.Number)
			}
			tokens[o.Token] = true
			if len(tokens) != 3 {
				t.Fatalf("tokens are not unique: %v", tokens)
			}
			f.enq.take(t)

			all, err := f.commerce.FindOrders(ctx, f.store.ID, msgcenter.OrderFilter{})
			if err != nil || len(all) != 3 || all[0].Number != 3 || all[2].Number != 1 || len(all[2].Items) != 2 {
				t.Fatalf("FindOrders = %+v, %v; want orders 3, 2, 1 with items", all, err)
			}
			page, err := f.commerce.FindOrders(ctx, f.store.ID, msgcenter.OrderFilter{Limit: 1, Offset: 1})
			if err != nil || len(page) != 1 || page[0].Number != 2 {
				t.Fatalf("FindOrders page = %+v, %v; want order 2", page, err)
			}
			paid := msgcenter.OrderPaid
			if none, err := f.commerce.FindOrders(ctx, f.store.ID, msgcenter.OrderFilter{Status: &paid}); err != nil || len(none) != 0 {
				t.Fatalf("FindOrders paid = %+v, %v; want none", none, err)
			}
		})

		t.Run("ErrOtherStoresOrder", func(t *testing.T) {
			all, _ := f.commerce.FindOrders(ctx, f.store.ID, msgcenter.OrderFilter{})
			_, err := f.commerce.FindOrder(ctx, f.other.ID, all[0].ID)
			assertError(t, err, msgcenter.ENOTFOUND, "Order not found.")
			_, err = f.commerce.FindOrderByToken(ctx, "no-such-token")
			assertError(t, err, msgcenter.ENOTFOUND, "Order not found.")
		})

		t.Run("RoomByPhone", func(t *testing.T) {
			// The same customer on WhatsApp (quiet for a day) and on Instagram
			// (just now): the order goes to the room they wrote in last.
			older := f.mustRoom(t, f.wa, "Dewi", "+6285550000001")
			if _, err := f.commerce.UpdateRoom(ctx, f.store.ID, older.ID, msgcenter.RoomUpdate{LastInboundAt: ptr(f.clk.Now().Add(-24 * time.Hour))}); err != nil {
				t.Fatal(err)
			}
			newer := f.mustRoom(t, f.ig, "Dewi IG", "+6285550000001")
			req := orderRequest(nil, msgcenter.CartItem{ProductID: roti.ID, Quantity: 1})
			req.CustomerPhone, req.RoomByPhone = "+6285550000001", true
			o := f.order(t, req)
			if o.RoomID == nil || *o.RoomID != newer.ID || o.CustomerName != "Dewi IG" {
				t.Fatalf("order room = %v, customer %q; want room %d of Dewi IG", o.RoomID, o.CustomerName, newer.ID)
			}
			f.enq.take(t)

			// Without RoomByPhone (a public checkout, which holds no proof
			// of the room) the same phone joins no room.
			req = orderRequest(nil, msgcenter.CartItem{ProductID: roti.ID, Quantity: 1})
			req.CustomerName, req.CustomerPhone = "Stranger", "+6285550000001"
			o = f.order(t, req)
			if o.RoomID != nil {
				t.Fatalf("a public order joined room %d by phone", *o.RoomID)
			}
			ds := f.findDeliveries(t, f.store.ID, msgcenter.DeliveryFilter{OrderID: &o.ID})
			if len(ds) != 1 || ds[0].RoomID != nil {
				t.Fatalf("deliveries = %+v, want one without room", ds)
			}
			f.enq.take(t)
		})

		t.Run("NoRoom", func(t *testing.T) {
			req := orderRequest(nil, msgcenter.CartItem{ProductID: roti.ID, Quantity: 1})
			req.CustomerName, req.CustomerPhone = "Walk-in", "+6280000000000"
			o := f.order(t, req)
			if o.RoomID != nil || o.CustomerName != "Walk-in" {
				t.Fatalf("order = %+v, want no room", o)
			}
			ds := f.findDeliveries(t, f.store.ID, msgcenter.DeliveryFilter{OrderID: &o.ID})
			if len(ds) != 1 || ds[0].RoomID != nil || ds[0].Event != msgcenter.EventOrderPlaced {
				t.Fatalf("deliveries = %+v, want one order_placed without room", ds)
			}
			f.enq.take(t)
		})

		t.Run("ErrRoomOfOtherStore", func(t *testing.T) {
			before := f.count(t, `SELECT COUNT(*) FROM orders`)
			_, _, err := f.flow.PlaceOrder(ctx, f.store.ID, orderRequest(f.otherRoom, msgcenter.CartItem{ProductID: roti.ID, Quantity: 1}))
			assertError(t, err, msgcenter.ENOTFOUND, "Room not found.")
			if after := f.count(t, `SELECT COUNT(*) FROM orders`); after != before {
				t.Fatalf("orders %d → %d", before, after)
			}
		})

		t.Run("ErrCheckoutOfOtherStore", func(t *testing.T) {
			theirs := f.mustProduct(t, f.other.ID, "Their Roti", 15000, 5)
			c, err := f.flow.StartCheckout(ctx, f.other.ID, f.otherRoom.ID, []msgcenter.CartItem{{ProductID: theirs.ID, Quantity: 1}})
			if err != nil {
				t.Fatal(err)
			}
			req := orderRequest(f.waRoom, msgcenter.CartItem{ProductID: roti.ID, Quantity: 1})
			req.CheckoutID = &c.ID
			_, _, err = f.flow.PlaceOrder(ctx, f.store.ID, req)
			assertError(t, err, msgcenter.ENOTFOUND, "Checkout not found.")
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			_, _, err := f.flow.PlaceOrder(ctx, f.store.ID, &msgcenter.OrderRequest{DeliveryMethod: "regular", PaymentMethod: "qris"})
			assertError(t, err, msgcenter.EINVALID, "The order is not valid.")
			if fields := msgcenter.ErrorFields(err); fields["items"] == "" {
				t.Fatalf("fields = %v", fields)
			}
			_, _, err = f.flow.PlaceOrder(ctx, f.store.ID+1000, orderRequest(nil, msgcenter.CartItem{ProductID: roti.ID, Quantity: 1}))
			assertError(t, err, msgcenter.ENOTFOUND, "Store not found.")
		})

		t.Run("CompletesCheckout", func(t *testing.T) {
			c, err := f.flow.StartCheckout(ctx, f.store.ID, f.waRoom.ID, []msgcenter.CartItem{{ProductID: roti.ID, Quantity: 1}})
			if err != nil {
				t.Fatal(err)
			}
			req := orderRequest(nil, msgcenter.CartItem{ProductID: roti.ID, Quantity: 1})
			req.CheckoutID = &c.ID
			o := f.order(t, req)
			if o.CheckoutID == nil || *o.CheckoutID != c.ID || o.RoomID == nil || *o.RoomID != f.waRoom.ID {
				t.Fatalf("order = %+v, want checkout %d and its room %d", o, c.ID, f.waRoom.ID)
			}
			if got, _ := f.flow.FindCheckout(ctx, f.store.ID, c.ID); got.Status != msgcenter.CheckoutCompleted {
				t.Fatalf("checkout status = %s, want completed", got.Status)
			}
			f.enq.take(t)
		})

		t.Run("EnqueueErrorRollsBack", func(t *testing.T) {
			f.enq.fail(errors.New("queue down"))
			defer f.enq.fail(nil)
			before, stock := f.count(t, `SELECT COUNT(*) FROM deliveries`), f.stock(t, kopi)
			_, _, err := f.flow.PlaceOrder(ctx, f.store.ID, orderRequest(f.waRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}))
			if err == nil {
				t.Fatal("PlaceOrder succeeded with a failing Enqueue")
			}
			if after := f.count(t, `SELECT COUNT(*) FROM deliveries`); after != before || f.stock(t, kopi) != stock {
				t.Fatalf("deliveries %d → %d, stock %d → %d: the failed transaction left writes", before, after, stock, f.stock(t, kopi))
			}
			f.enq.take(t)
		})
	})
}

func TestOrderFlowService_PlaceOrderFailed(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		kopi := f.mustProduct(t, f.store.ID, "Kopi Susu", 25000, 5)
		off := f.mustProduct(t, f.store.ID, "Es Teh", 8000, 50)
		if _, err := f.commerce.UpdateProduct(ctx, f.store.ID, off.ID, msgcenter.ProductUpdate{Active: ptr(false)}); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name            string
			items           []msgcenter.CartItem
			delivery, pay   string
			wantItems       []msgcenter.OrderItem
			wantUnprocessed []msgcenter.UnprocessedItem
			wantReason      string
		}{
			{
				name:            "Inactive",
				items:           []msgcenter.CartItem{{ProductID: off.ID, Quantity: 1}},
				wantItems:       []msgcenter.OrderItem{},
				wantUnprocessed: []msgcenter.UnprocessedItem{{ProductID: off.ID, Name: "Es Teh", Quantity: 1, UnitPrice: 8000, Reason: "inactive"}},
				wantReason:      "items: inactive",
			},
			{
				name:      "OutOfStock",
				items:     []msgcenter.CartItem{{ProductID: kopi.ID, Quantity: 4}, {ProductID: kopi.ID, Quantity: 2}, {ProductID: off.ID, Quantity: 1}},
				wantItems: []msgcenter.OrderItem{{ProductID: kopi.ID, Name: "Kopi Susu", Quantity: 4, UnitPrice: 25000}},
				wantUnprocessed: []msgcenter.UnprocessedItem{
					{ProductID: kopi.ID, Name: "Kopi Susu", Quantity: 2, UnitPrice: 25000, Reason: "out_of_stock"},
					{ProductID: off.ID, Name: "Es Teh", Quantity: 1, UnitPrice: 8000, Reason: "inactive"},
				},
				wantReason: "items: out_of_stock, inactive",
			},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c, err := f.flow.StartCheckout(ctx, f.store.ID, f.waRoom.ID, tc.items)
				if err != nil {
					t.Fatal(err)
				}
				req := orderRequest(f.waRoom, tc.items...)
				req.CheckoutID = &c.ID
				if tc.delivery != "" {
					req.DeliveryMethod = tc.delivery
				}
				if tc.pay != "" {
					req.PaymentMethod = tc.pay
				}
				orders := f.count(t, `SELECT COUNT(*) FROM orders`)

				o, fc, err := f.flow.PlaceOrder(ctx, f.store.ID, req)
				if err != nil {
					t.Fatal(err)
				}
				if o != nil || fc == nil {
					t.Fatalf("PlaceOrder = %+v, %+v; want a failure and no order", o, fc)
				}
				want := &msgcenter.FailedCheckout{
					ID: fc.ID, StoreID: f.store.ID, RoomID: &f.waRoom.ID, CustomerName: "Budi",
					Items: tc.wantItems, Unprocessed: tc.wantUnprocessed, Reason: tc.wantReason, CreatedAt: f.clk.Now(),
				}
				if fc.ID == 0 || !reflect.DeepEqual(fc, want) {
					t.Fatalf("failed checkout = %+v\nwant %+v", fc, want)
				}
				if n := f.count(t, `SELECT COUNT(*) FROM orders`); n != orders {
					t.Fatalf("orders %d → %d", orders, n)
				}
				if f.stock(t, kopi) != 5 {
					t.Fatalf("stock of kopi = %d, want 5", f.stock(t, kopi))
				}
				if got, _ := f.flow.FindCheckout(ctx, f.store.ID, c.ID); got.Status != msgcenter.CheckoutFailed {
					t.Fatalf("checkout status = %s, want failed", got.Status)
				}

				var ds []*msgcenter.Delivery
				for _, d := range f.findDeliveries(t, f.store.ID, msgcenter.DeliveryFilter{NoOrder: true, Event: ptr(msgcenter.EventOrderFailed)}) {
					if d.SubjectID == fc.ID {
						ds = append(ds, d)
					}
				}
				if len(ds) != 1 || ds[0].SubjectType != msgcenter.SubjectFailedCheckout || *ds[0].RoomID != f.waRoom.ID || ds[0].Status != msgcenter.StatusQueued {
					t.Fatalf("order_failed deliveries = %+v, want one queued for the room", ds)
				}
				if ids := f.enq.take(t); !slices.Equal(ids, []int64{ds[0].ID}) {
					t.Fatalf("enqueued %v, want [%d]", ids, ds[0].ID)
				}

				var token, customer string
				var expires time.Time
				var roomID int64
				err = f.db.SQL().QueryRowContext(ctx, `
					SELECT l.token, l.customer_name, l.room_id, l.expires_at
					FROM failed_checkouts fc JOIN microsite_links l ON l.token = fc.microsite_token
					WHERE fc.id = $1`, fc.ID).Scan(&token, &customer, &roomID, &expires)
				if err != nil {
					t.Fatal(err)
				}
				if len(token) < 22 || customer != "Budi" || roomID != f.waRoom.ID || !expires.Equal(f.clk.Now().Add(7*24*time.Hour)) {
					t.Fatalf("microsite link = %q for %q in room %d until %v", token, customer, roomID, expires)
				}
			})
		}
	})
}

func TestOrderFlowService_PlaceOrderConcurrent(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		kopi := f.mustProduct(t, f.store.ID, "Kopi Susu", 25000, 10)
		roti := f.mustProduct(t, f.store.ID, "Roti Bakar", 10000, 1000)

		const n = 50
		var wg sync.WaitGroup
		errs := make(chan error, n)
		var mu sync.Mutex
		var numbers []int64
		failed := 0
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Half list the products the other way round: they are
				// locked in id order whatever the cart's order.
				items := []msgcenter.CartItem{{ProductID: kopi.ID, Quantity: 1}, {ProductID: roti.ID, Quantity: 1}}
				if i%2 == 1 {
					items[0], items[1] = items[1], items[0]
				}
				o, fc, err := f.flow.PlaceOrder(ctx, f.store.ID, orderRequest(f.waRoom, items...))
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if o != nil {
					numbers = append(numbers, o.Number)
				} else if len(fc.Unprocessed) == 1 && fc.Unprocessed[0].Reason == "out_of_stock" {
					failed++
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		slices.Sort(numbers)
		if !slices.Equal(numbers, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) || failed != n-10 {
			t.Fatalf("placed orders %v and %d out-of-stock failures; want orders 1..10 and 40 failures", numbers, failed)
		}
		if f.stock(t, kopi) != 0 || f.stock(t, roti) != 1000-10 {
			t.Fatalf("stock = %d, %d; want 0, 990", f.stock(t, kopi), f.stock(t, roti))
		}
		placed := f.findDeliveries(t, f.store.ID, msgcenter.DeliveryFilter{Event: ptr(msgcenter.EventOrderPlaced)})
		fails := f.findDeliveries(t, f.store.ID, msgcenter.DeliveryFilter{Event: ptr(msgcenter.EventOrderFailed)})
		if len(placed) != 10 || len(fails) != 40 {
			t.Fatalf("%d order_placed and %d order_failed deliveries; want 10 and 40", len(placed), len(fails))
		}
		if ids := f.enq.take(t); len(ids) != n {
			t.Fatalf("enqueued %d deliveries, want %d", len(ids), n)
		}
	})
}

func TestOrderFlowService_PayOrder(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		kopi := f.mustProduct(t, f.store.ID, "Kopi Susu", 25000, 100)
		newOrder := func(t *testing.T) *msgcenter.Order {
			o := f.order(t, orderRequest(f.waRoom, msgcenter.CartItem{ProductID: kopi.ID, Quantity: 1}))
			f.enq.take(t)
			return o
		}
		paidDeliveries := func(t *testing.T, o *msgcenter.Order) []*msgcenter.Delivery {
			return f.findDeliveries(t, f.store.ID, msgcenter.DeliveryFilter{OrderID: &o.ID, Event: ptr(msgcenter.EventOrderPaid)})
		}

		t.Run("ConcurrentOnce", func(t *testing.T) {
			o := newOrder(t)
			f.clk.Add(time.Minute)
			const n = 10
			var wg sync.WaitGroup
			results := make([]*msgcenter.Order, n)
			errs := make([]error, n)
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					results[i], errs[i] = f.flow.PayOrder(ctx, f.store.ID, o.ID)
				}()
			}
			wg.Wait()
			for i := range n {
				if errs[i] != nil {
					t.Fatal(errs[i])
				}
				if r := results[i]; r.Status != msgcenter.OrderPaid || r.PaidAt == nil || !r.PaidAt.Equal(f.clk.Now()) || len(r.Items) != 1 {
					t.Fatalf("PayOrder %d = %+v", i, r)
				}
			}
			ds := paidDeliveries(t, o)
			if len(ds) != 1 {
				t.Fatalf("got %d order_paid deliveries, want 1", len(ds))
			}
			if ids := f.enq.take(t); !slices.Equal(ids, []int64{ds[0].ID}) {
				t.Fatalf("enqueued %v, want [%d]", ids, ds[0].ID)
			}
			stored, _ := f.commerce.FindOrder(ctx, f.store.ID, o.ID)
			if !reflect.DeepEqual(stored, results[0]) {
				t.Fatalf("stored = %+v, want %+v", stored, results[0])
			}
		})

		t.Run("Cancelled", func(t *testing.T) {
			o := newOrder(t)
			for range 2 {
				got, err := f.flow.CancelOrder(ctx, f.store.ID, o.ID, false)
				if err != nil || got.Status != msgcenter.OrderCancelled || got.Refunded() {
					t.Fatalf("CancelOrder = %+v, %v", got, err)
				}
			}
			_, err := f.flow.PayOrder(ctx, f.store.ID, o.ID)
			assertError(t, err, msgcenter.ECONFLICT, "Order #"+itoa(o.Number)+" is cancelled; it cannot be paid.")
			_, err = f.flow.RefundOrder(ctx, f.store.ID, o.ID)
			assertError(t, err, msgcenter.ECONFLICT, "")
			if ds := paidDeliveries(t, o); len(ds) != 0 {
				t.Fatalf("order_paid deliveries = %+v, want none", ds)
			}
			if ids := f.enq.take(t); len(ids) != 0 {
				t.Fatalf("enqueued %v, want nothing", ids)
			}
		})

		t.Run("Refunded", func(t *testing.T) {
			o := newOrder(t)
			_, err := f.flow.RefundOrder(ctx, f.store.ID, o.ID)
			assertError(t, err, msgcenter.ECONFLICT, "Order #"+itoa(o.Number)+" is placed, not paid; it cannot be refunded.")
			if _, err := f.flow.PayOrder(ctx, f.store.ID, o.ID); err != nil {
				t.Fatal(err)
			}
			for range 2 {
				got, err := f.flow.RefundOrder(ctx, f.store.ID, o.ID)
				if err != nil || got.Status != msgcenter.OrderRefunded || got.PaidAt == nil {
					t.Fatalf("RefundOrder = %+v, %v", got, err)
				}
			}
			_, err = f.flow.PayOrder(ctx, f.store.ID, o.ID)
			assertError(t, err, msgcenter.ECONFLICT, "Order #"+itoa(o.Number)+" is refunded; it cannot be paid.")
			_, err = f.flow.CancelOrder(ctx, f.store.ID, o.ID, false)
			assertError(t, err, msgcenter.ECONFLICT, "Order #"+itoa(o.Number)+" is refunded; it cannot be cancelled.")
			if ds := paidDeliveries(t, o); len(ds) != 1 {
				t.Fatalf("got %d order_paid deliveries, want the 1 of the payment", len(ds))
			}
			if ids := f.enq.take(t); len(ids) != 1 {
				t.Fatalf("enqueued %v, want the payment's message", ids)
			}
		})

		// A paid order is cancelled only with its refund: without, it is
		// refused and stays paid; with, it ends cancelled and refunded, and
		// a later refund is no change.
		t.Run("CancelPaid", func(t *testing.T) {
			o := newOrder(t)
			paid, err := f.flow.PayOrder(ctx, f.store.ID, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.flow.CancelOrder(ctx, f.store.ID, o.ID, false)
			assertError(t, err, msgcenter.ECONFLICT,
				"Order #"+itoa(o.Number)+" is paid: it is cancelled only with a refund of its payment. Cancel it with a refund.")
			if got, _ := f.commerce.FindOrder(ctx, f.store.ID, o.ID); !reflect.DeepEqual(got, paid) {
				t.Fatalf("after a refused cancel: %+v, want %+v", got, paid)
			}
			f.clk.Add(time.Minute)
			for range 2 {
				got, err := f.flow.CancelOrder(ctx, f.store.ID, o.ID, true)
				if err != nil || got.Status != msgcenter.OrderCancelled || got.RefundedAt == nil || !got.RefundedAt.Equal(f.clk.Now()) ||
					got.PaidAt == nil || !got.PaidAt.Equal(*paid.PaidAt) {
					t.Fatalf("CancelOrder(refund) = %+v, %v", got, err)
				}
			}
			got, err := f.flow.RefundOrder(ctx, f.store.ID, o.ID)
			if err != nil || got.Status != msgcenter.OrderCancelled || !got.Refunded() {
				t.Fatalf("RefundOrder of a cancelled, refunded order = %+v, %v", got, err)
			}
			stored, _ := f.commerce.FindOrder(ctx, f.store.ID, o.ID)
			if !reflect.DeepEqual(stored, got) {
				t.Fatalf("stored = %+v, want %+v", stored, got)
			}
			f.enq.take(t)
		})

		t.Run("ErrOtherStore", func(t *testing.T) {
			o := newOrder(t)
			_, err := f.flow.PayOrder(ctx, f.other.ID, o.ID)
			assertError(t, err, msgcenter.ENOTFOUND, "Order not found.")
			_, err = f.flow.CancelOrder(ctx, f.other.ID, o.ID, false)
			assertError(t, err, msgcenter.ENOTFOUND, "Order not found.")
			_, err = f.flow.RefundOrder(ctx, f.other.ID, o.ID)
			assertError(t, err, msgcenter.ENOTFOUND, "Order not found.")
			if got, _ := f.commerce.FindOrder(ctx, f.store.ID, o.ID); got.Status != msgcenter.OrderPlaced {
				t.Fatalf("status = %s, want placed", got.Status)
			}
		})
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestOrderFlowService_Stock checks, on both engines, that every state
// change goes through the one state machine and moves stock with it in
// its transaction: a cancel gives the items back, a refund when the store
// says so, an expiry once; a refused change leaves stock and state as they
// were, and no order gives its items back twice.
func TestOrderFlowService_Stock(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		stores := sqlstore.NewStoreService(f.db)
		const stock = 10
		// newOrder places an order of 3 of a fresh product, in two lines
		// that share its stock.
		newOrder := func(t *testing.T) (*msgcenter.Order, *msgcenter.Product) {
			t.Helper()
			p := f.mustProduct(t, f.store.ID, "Kopi "+t.Name(), 25000, stock)
			o := f.order(t, orderRequest(f.waRoom, msgcenter.CartItem{ProductID: p.ID, Quantity: 1}, msgcenter.CartItem{ProductID: p.ID, Quantity: 2}))
			if f.stock(t, p) != stock-3 {
				t.Fatalf("stock after the order = %d, want %d", f.stock(t, p), stock-3)
			}
			return o, p
		}
		pay := func(t *testing.T, o *msgcenter.Order) {
			t.Helper()
			if _, err := f.flow.PayOrder(ctx, f.store.ID, o.ID); err != nil {
				t.Fatal(err)
			}
		}
		// refused runs change, which must be refused with ECONFLICT, and
		// checks that the order and its product's stock are as they were.
		refused := func(t *testing.T, o *msgcenter.Order, p *msgcenter.Product, change func() (*msgcenter.Order, error)) {
			t.Helper()
			before, err := f.commerce.FindOrder(ctx, f.store.ID, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			stockBefore := f.stock(t, p)
			f.clk.Add(time.Second)
			_, err = change()
			assertError(t, err, msgcenter.ECONFLICT, "")
			after, ferr := f.commerce.FindOrder(ctx, f.store.ID, o.ID)
			if ferr != nil {
				t.Fatal(ferr)
			}
			if !reflect.DeepEqual(after, before) || f.stock(t, p) != stockBefore {
				t.Fatalf("after a refused change (%v): %+v, stock %d; want %+v, stock %d", err, after, f.stock(t, p), before, stockBefore)
			}
		}
		cancel := func(o *msgcenter.Order, refund bool) func() (*msgcenter.Order, error) {
			return func() (*msgcenter.Order, error) { return f.flow.CancelOrder(ctx, f.store.ID, o.ID, refund) }
		}
		payFn := func(o *msgcenter.Order) func() (*msgcenter.Order, error) {
			return func() (*msgcenter.Order, error) { return f.flow.PayOrder(ctx, f.store.ID, o.ID) }
		}
		refund := func(o *msgcenter.Order) func() (*msgcenter.Order, error) {
			return func() (*msgcenter.Order, error) { return f.flow.RefundOrder(ctx, f.store.ID, o.ID) }
		}
		status := func(t *testing.T, o *msgcenter.Order) *msgcenter.Order {
			t.Helper()
			got, err := f.commerce.FindOrder(ctx, f.store.ID, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		setRestock := func(t *testing.T, on bool) {
			t.Helper()
			if _, err := stores.UpdateStore(ctx, f.store.OwnerID, f.store.ID, msgcenter.StoreUpdate{RestockOnRefund: &on}); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("CancelPlaced", func(t *testing.T) {
			o, p := newOrder(t)
			for range 2 {
				if _, err := f.flow.CancelOrder(ctx, f.store.ID, o.ID, false); err != nil {
					t.Fatal(err)
				}
				if n := f.stock(t, p); n != stock {
					t.Fatalf("stock after cancel = %d, want %d", n, stock)
				}
			}
			// Nothing revives it, and nothing gives its items back again.
			refused(t, o, p, payFn(o))
			refused(t, o, p, cancel(o, true))
			refused(t, o, p, refund(o))
			if released, err := f.flow.ReleaseUnpaidOrder(ctx, o.ID); err != nil || released {
				t.Fatalf("ReleaseUnpaidOrder of a cancelled order = %v, %v", released, err)
			}
			if n := f.stock(t, p); n != stock {
				t.Fatalf("stock after the release job = %d, want %d", n, stock)
			}
		})
		t.Run("CancelPaidRefunds", func(t *testing.T) {
			o, p := newOrder(t)
			pay(t, o)
			refused(t, o, p, cancel(o, false))
			// A store that keeps a refund's stock still gets a cancel's back.
			setRestock(t, false)
			defer setRestock(t, true)
			got, err := f.flow.CancelOrder(ctx, f.store.ID, o.ID, true)
			if err != nil || got.Status != msgcenter.OrderCancelled || !got.Refunded() {
				t.Fatalf("CancelOrder(refund) = %+v, %v", got, err)
			}
			if n := f.stock(t, p); n != stock {
				t.Fatalf("stock after cancel with refund = %d, want %d", n, stock)
			}
			if _, err := f.flow.RefundOrder(ctx, f.store.ID, o.ID); err != nil {
				t.Fatal(err)
			}
			if n := f.stock(t, p); n != stock {
				t.Fatalf("stock after a repeated refund = %d, want %d", n, stock)
			}
		})
		t.Run("RefundRestocks", func(t *testing.T) {
			o, p := newOrder(t)
			refused(t, o, p, refund(o))
			refused(t, o, p, cancel(o, true))
			pay(t, o)
			for range 2 {
				if _, err := f.flow.RefundOrder(ctx, f.store.ID, o.ID); err != nil {
					t.Fatal(err)
				}
				if n := f.stock(t, p); n != stock {
					t.Fatalf("stock after refund = %d, want %d", n, stock)
				}
			}
			refused(t, o, p, cancel(o, true))
			refused(t, o, p, cancel(o, false))
			refused(t, o, p, payFn(o))
			if got := status(t, o); got.Status != msgcenter.OrderRefunded || got.RefundedAt == nil {
				t.Fatalf("status %s, refunded at %v", got.Status, got.RefundedAt)
			}
		})
		t.Run("RefundKeepsStock", func(t *testing.T) {
			o, p := newOrder(t)
			pay(t, o)
			setRestock(t, false)
			defer setRestock(t, true)
			got, err := f.flow.RefundOrder(ctx, f.store.ID, o.ID)
			if err != nil || got.Status != msgcenter.OrderRefunded {
				t.Fatalf("RefundOrder = %+v, %v", got, err)
			}
			if n := f.stock(t, p); n != stock-3 {
				t.Fatalf("stock after refund in a store that keeps it = %d, want %d", n, stock-3)
			}
		})
		t.Run("Expire", func(t *testing.T) {
			o, p := newOrder(t)
			for i := range 2 {
				released, err := f.flow.ReleaseUnpaidOrder(ctx, o.ID)
				if err != nil || released != (i == 0) {
					t.Fatalf("ReleaseUnpaidOrder #%d = %v, %v", i+1, released, err)
				}
				if n := f.stock(t, p); n != stock {
					t.Fatalf("stock after expiry = %d, want %d", n, stock)
				}
			}
			refused(t, o, p, cancel(o, false))
			refused(t, o, p, payFn(o))
			refused(t, o, p, refund(o))
			if got := status(t, o); got.Status != msgcenter.OrderExpired {
				t.Fatalf("status %s, want expired", got.Status)
			}
		})
		t.Run("PaidDoesNotExpire", func(t *testing.T) {
			o, p := newOrder(t)
			pay(t, o)
			if released, err := f.flow.ReleaseUnpaidOrder(ctx, o.ID); err != nil || released {
				t.Fatalf("ReleaseUnpaidOrder of a paid order = %v, %v", released, err)
			}
			if n := f.stock(t, p); n != stock-3 || status(t, o).Status != msgcenter.OrderPaid {
				t.Fatalf("stock %d, status %s", n, status(t, o).Status)
			}
		})
	})
}
