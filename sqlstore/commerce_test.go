package sqlstore_test

import (
	"context"
	"database/sql"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

func ptr[T any](v T) *T { return &v }

func TestCommerceService_Products(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		tn := newTenants(t, open(t))
		db, clk, s, other := tn.db, tn.clk, tn.store, tn.other
		cs := sqlstore.NewCommerceService(db)

		p := &msgcenter.Product{StoreID: s.ID, Name: "  Kopi Susu ", Price: 25000, Stock: 5, Active: true}
		t.Run("Create", func(t *testing.T) {
			if err := cs.CreateProduct(ctx, p); err != nil {
				t.Fatal(err)
			}
			want := msgcenter.Product{ID: p.ID, StoreID: s.ID, Name: "Kopi Susu", Price: 25000, Stock: 5, Active: true, CreatedAt: clk.Now()}
			if p.ID == 0 || !reflect.DeepEqual(*p, want) {
				t.Fatalf("product = %+v, want %+v", *p, want)
			}
			ps, err := cs.FindProducts(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != 1 || !reflect.DeepEqual(ps[0], p) {
				t.Fatalf("FindProducts = %+v, want [%+v]", ps, p)
			}
			if ps, err := cs.FindProducts(ctx, other.ID); err != nil || len(ps) != 0 {
				t.Fatalf("other store's FindProducts = %v, %v; want none", ps, err)
			}
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			err := cs.CreateProduct(ctx, &msgcenter.Product{StoreID: s.ID, Name: " ", Price: -1, Stock: -1})
			assertError(t, err, msgcenter.EINVALID, "The product is not valid.")
			if f := msgcenter.ErrorFields(err); f["name"] == "" || f["price"] == "" || f["stock"] == "" {
				t.Fatalf("fields = %v", f)
			}
			_, err = cs.UpdateProduct(ctx, s.ID, p.ID, msgcenter.ProductUpdate{Stock: ptr(-3)})
			assertError(t, err, msgcenter.EINVALID, "The product is not valid.")
			if got, _ := cs.FindProducts(ctx, s.ID); got[0].Stock != 5 {
				t.Fatalf("refused update wrote stock %d", got[0].Stock)
			}
		})

		t.Run("ErrUnknownStore", func(t *testing.T) {
			err := cs.CreateProduct(ctx, &msgcenter.Product{StoreID: s.ID + 1000, Name: "Ghost", Price: 1})
			assertError(t, err, msgcenter.ENOTFOUND, "Store not found.")
		})

		t.Run("Update", func(t *testing.T) {
			got, err := cs.UpdateProduct(ctx, s.ID, p.ID, msgcenter.ProductUpdate{Name: ptr("Kopi Gula Aren"), Stock: ptr(9), Active: ptr(false)})
			if err != nil {
				t.Fatal(err)
			}
			want := *p
			want.Name, want.Stock, want.Active = "Kopi Gula Aren", 9, false
			if !reflect.DeepEqual(*got, want) {
				t.Fatalf("updated = %+v, want %+v", *got, want)
			}
			ps, _ := cs.FindProducts(ctx, s.ID)
			if !reflect.DeepEqual(ps[0], got) {
				t.Fatalf("stored = %+v, want %+v", ps[0], got)
			}
		})

		t.Run("ErrOtherStore", func(t *testing.T) {
			_, err := cs.UpdateProduct(ctx, other.ID, p.ID, msgcenter.ProductUpdate{Stock: ptr(100)})
			assertError(t, err, msgcenter.ENOTFOUND, "Product not found.")
		})
	})
}

func TestCommerceService_Channels(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		tn := newTenants(t, open(t))
		db, clk, s, other := tn.db, tn.clk, tn.store, tn.other
		cs := sqlstore.NewCommerceService(db)

		wa := &msgcenter.Channel{StoreID: s.ID, Type: msgcenter.ChannelWhatsApp, Name: "WA Jakarta", Phone: "+6281100000000", ExternalID: "wa-1"}
		wa2 := &msgcenter.Channel{StoreID: s.ID, Type: msgcenter.ChannelWhatsApp, Name: "WA Bandung"}
		t.Run("Create", func(t *testing.T) {
			for _, c := range []*msgcenter.Channel{wa, wa2} {
				if err := cs.CreateChannel(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			if wa.ID == 0 || !wa.CreatedAt.Equal(clk.Now()) {
				t.Fatalf("channel = %+v", wa)
			}
			got, err := cs.FindChannel(ctx, s.ID, wa.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, wa) {
				t.Fatalf("FindChannel = %+v, want %+v", got, wa)
			}
			all, err := cs.FindChannels(ctx, s.ID)
			if err != nil || len(all) != 2 || all[0].ID != wa.ID || all[1].ID != wa2.ID {
				t.Fatalf("FindChannels = %+v, %v; want both WhatsApp channels in order", all, err)
			}
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			err := cs.CreateChannel(ctx, &msgcenter.Channel{StoreID: s.ID, Type: "fax", Name: ""})
			assertError(t, err, msgcenter.EINVALID, "The channel is not valid.")
			if f := msgcenter.ErrorFields(err); f["type"] == "" || f["name"] == "" {
				t.Fatalf("fields = %v", f)
			}
		})

		t.Run("Update", func(t *testing.T) {
			got, err := cs.UpdateChannel(ctx, s.ID, wa.ID, ptr(" WA Pusat "))
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != "WA Pusat" || got.Type != msgcenter.ChannelWhatsApp {
				t.Fatalf("updated = %+v", got)
			}
			if same, err := cs.UpdateChannel(ctx, s.ID, wa.ID, nil); err != nil || same.Name != "WA Pusat" {
				t.Fatalf("nil update = %+v, %v", same, err)
			}
			_, err = cs.UpdateChannel(ctx, s.ID, wa.ID, ptr(""))
			assertError(t, err, msgcenter.EINVALID, "The channel is not valid.")
		})

		t.Run("ErrOtherStore", func(t *testing.T) {
			_, err := cs.FindChannel(ctx, other.ID, wa.ID)
			assertError(t, err, msgcenter.ENOTFOUND, "Channel not found.")
			_, err = cs.UpdateChannel(ctx, other.ID, wa.ID, ptr("Stolen"))
			assertError(t, err, msgcenter.ENOTFOUND, "Channel not found.")
			if all, err := cs.FindChannels(ctx, other.ID); err != nil || len(all) != 0 {
				t.Fatalf("other store's FindChannels = %v, %v", all, err)
			}
		})
	})
}

func TestCommerceService_Rooms(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		tn := newTenants(t, open(t))
		db, clk, owner, s, other := tn.db, tn.clk, tn.owner, tn.store, tn.other
		cs := sqlstore.NewCommerceService(db)
		ig := &msgcenter.Channel{StoreID: s.ID, Type: msgcenter.ChannelInstagram, Name: "IG"}
		foreign := &msgcenter.Channel{StoreID: other.ID, Type: msgcenter.ChannelWhatsApp, Name: "Theirs"}
		for _, c := range []*msgcenter.Channel{ig, foreign} {
			if err := cs.CreateChannel(ctx, c); err != nil {
				t.Fatal(err)
			}
		}

		r := &msgcenter.Room{StoreID: s.ID, ChannelID: ig.ID, ExternalID: "ig-42", CustomerName: "Budi", CustomerPhone: "+6281234567890"}
		t.Run("Create", func(t *testing.T) {
			if err := cs.CreateRoom(ctx, r); err != nil {
				t.Fatal(err)
			}
			want := msgcenter.Room{ID: r.ID, StoreID: s.ID, ChannelID: ig.ID, ChannelType: msgcenter.ChannelInstagram, ExternalID: "ig-42",
				CustomerName: "Budi", CustomerPhone: "+6281234567890", LastInboundAt: clk.Now(), CreatedAt: clk.Now()}
			if r.ID == 0 || !reflect.DeepEqual(*r, want) {
				t.Fatalf("room = %+v, want %+v", *r, want)
			}
			got, err := cs.FindRoom(ctx, s.ID, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, r) {
				t.Fatalf("FindRoom = %+v, want %+v", got, r)
			}
			all, err := cs.FindRooms(ctx, s.ID)
			if err != nil || len(all) != 1 || !reflect.DeepEqual(all[0], r) {
				t.Fatalf("FindRooms = %+v, %v", all, err)
			}
		})

		t.Run("ByExternalID", func(t *testing.T) {
			got, err := cs.FindRoomByExternalID(ctx, s.ID, "ig-42")
			if err != nil || !reflect.DeepEqual(got, r) {
				t.Fatalf("FindRoomByExternalID = %+v, %v; want %+v", got, err, r)
			}
			for _, tc := range []struct {
				store int64
				ext   string
			}{{other.ID, "ig-42"}, {s.ID, "ig-43"}, {s.ID, ""}} {
				if _, err := cs.FindRoomByExternalID(ctx, tc.store, tc.ext); msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
					t.Errorf("FindRoomByExternalID(%d, %q) = %v, want ENOTFOUND", tc.store, tc.ext, err)
				}
			}
		})

		t.Run("EnsureRoom", func(t *testing.T) {
			// An existing external id is that room, as it is.
			again := &msgcenter.Room{StoreID: s.ID, ChannelID: ig.ID, ExternalID: "ig-42", CustomerName: "Someone else"}
			if created, err := cs.EnsureRoom(ctx, again); err != nil || created || !reflect.DeepEqual(again, r) {
				t.Fatalf("EnsureRoom(existing) = %v, %v, room %+v; want the existing %+v", created, err, again, r)
			}
			// Twenty messages of one new room at once make one room. On
			// PostgreSQL the pool is filled first, so the calls overlap
			// instead of queueing for new connections.
			if db.Engine() == sqlstore.EnginePostgres {
				var txs []*sql.Tx
				for range sqlstore.DefaultMaxConns() {
					tx, err := db.SQL().BeginTx(ctx, nil)
					if err != nil {
						t.Fatal(err)
					}
					txs = append(txs, tx)
				}
				for _, tx := range txs {
					tx.Rollback()
				}
			}
			var wg sync.WaitGroup
			ids := make([]int64, 20)
			created := make([]bool, 20)
			start := make(chan struct{})
			for i := range ids {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					room := &msgcenter.Room{StoreID: s.ID, ChannelID: ig.ID, ExternalID: "ig-new", CustomerName: "Sari"}
					c, err := cs.EnsureRoom(ctx, room)
					if err != nil {
						t.Error(err)
					}
					ids[i], created[i] = room.ID, c
				}()
			}
			close(start)
			wg.Wait()
			n := 0
			for i := range ids {
				if ids[i] != ids[0] || ids[i] == 0 {
					t.Fatalf("concurrent EnsureRoom gave rooms %v", ids)
				}
				if created[i] {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("%d of 20 concurrent EnsureRoom calls created the room, want 1", n)
			}
			// The same external id in another store is another room.
			third := mustCreateStore(t, db, owner.ID, "Third")
			thirdIG := &msgcenter.Channel{StoreID: third.ID, Type: msgcenter.ChannelInstagram, Name: "IG"}
			if err := cs.CreateChannel(ctx, thirdIG); err != nil {
				t.Fatal(err)
			}
			theirs := &msgcenter.Room{StoreID: third.ID, ChannelID: thirdIG.ID, ExternalID: "ig-new", CustomerName: "Sari"}
			if c, err := cs.EnsureRoom(ctx, theirs); err != nil || !c || theirs.ID == ids[0] {
				t.Fatalf("EnsureRoom in another store = %v, %v, id %d", c, err, theirs.ID)
			}
			if _, err := cs.EnsureRoom(ctx, &msgcenter.Room{StoreID: s.ID, ChannelID: ig.ID, CustomerName: "Nobody"}); msgcenter.ErrorFields(err)["external_id"] == "" {
				t.Fatalf("EnsureRoom without an external id = %v, want EINVALID on external_id", err)
			}
			if _, err := cs.EnsureRoom(ctx, &msgcenter.Room{StoreID: s.ID, ChannelID: foreign.ID, ExternalID: "x", CustomerName: "Eve"}); msgcenter.ErrorFields(err)["channel_id"] == "" {
				t.Fatalf("EnsureRoom on another store's channel = %v, want EINVALID on channel_id", err)
			}
		})

		t.Run("ErrChannelOfOtherStore", func(t *testing.T) {
			err := cs.CreateRoom(ctx, &msgcenter.Room{StoreID: s.ID, ChannelID: foreign.ID, CustomerName: "Eve"})
			assertError(t, err, msgcenter.EINVALID, "The room is not valid.")
			if f := msgcenter.ErrorFields(err); f["channel_id"] == "" {
				t.Fatalf("fields = %v", f)
			}
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			err := cs.CreateRoom(ctx, &msgcenter.Room{StoreID: s.ID, CustomerPhone: "call me"})
			assertError(t, err, msgcenter.EINVALID, "The room is not valid.")
			if f := msgcenter.ErrorFields(err); f["channel_id"] == "" || f["customer_phone"] == "" {
				t.Fatalf("fields = %v", f)
			}
		})

		t.Run("Update", func(t *testing.T) {
			aged := clk.Now().Add(-25 * time.Hour)
			got, err := cs.UpdateRoom(ctx, s.ID, r.ID, msgcenter.RoomUpdate{CustomerName: ptr("Budi S."), LastInboundAt: &aged})
			if err != nil {
				t.Fatal(err)
			}
			if got.CustomerName != "Budi S." || !got.LastInboundAt.Equal(aged) || got.CustomerPhone != r.CustomerPhone || got.ChannelType != msgcenter.ChannelInstagram {
				t.Fatalf("updated = %+v", got)
			}
			stored, _ := cs.FindRoom(ctx, s.ID, r.ID)
			if !reflect.DeepEqual(stored, got) {
				t.Fatalf("stored = %+v, want %+v", stored, got)
			}
			_, err = cs.UpdateRoom(ctx, s.ID, r.ID, msgcenter.RoomUpdate{CustomerPhone: ptr("12")})
			assertError(t, err, msgcenter.EINVALID, "The room is not valid.")
		})

		// A customer message moves the last inbound time forward only: a
		// webhook for an older message, arriving late, leaves it.
		t.Run("InboundAtForwardOnly", func(t *testing.T) {
			newer, older := clk.Now().Add(-time.Hour), clk.Now().Add(-3*time.Hour)
			got, err := cs.UpdateRoom(ctx, s.ID, r.ID, msgcenter.RoomUpdate{InboundAt: &newer})
			if err != nil || !got.LastInboundAt.Equal(newer) {
				t.Fatalf("newer message: %v, %v", got, err)
			}
			got, err = cs.UpdateRoom(ctx, s.ID, r.ID, msgcenter.RoomUpdate{InboundAt: &older})
			if err != nil || !got.LastInboundAt.Equal(newer) {
				t.Fatalf("older message moved the last inbound time: %v, %v", got, err)
			}
			if stored, _ := cs.FindRoom(ctx, s.ID, r.ID); !stored.LastInboundAt.Equal(newer) {
				t.Fatalf("stored last inbound %v, want %v", stored.LastInboundAt, newer)
			}
		})

		t.Run("ErrOtherStore", func(t *testing.T) {
			_, err := cs.FindRoom(ctx, other.ID, r.ID)
			assertError(t, err, msgcenter.ENOTFOUND, "Room not found.")
			_, err = cs.UpdateRoom(ctx, other.ID, r.ID, msgcenter.RoomUpdate{CustomerName: ptr("Eve")})
			assertError(t, err, msgcenter.ENOTFOUND, "Room not found.")
			if all, err := cs.FindRooms(ctx, other.ID); err != nil || len(all) != 0 {
				t.Fatalf("other store's FindRooms = %v, %v", all, err)
			}
		})
	})
}
