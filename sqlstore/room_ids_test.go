package sqlstore_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

// TestCommerceService_FindRoomsByID reads the store's rooms among ids in
// one call; another store's ids and unknown ids match nothing.
func TestCommerceService_FindRoomsByID(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		tn := newTenants(t, open(t))
		cs := sqlstore.NewCommerceService(tn.db)
		mine := &msgcenter.Channel{StoreID: tn.store.ID, Type: msgcenter.ChannelWhatsApp, Name: "WA"}
		theirs := &msgcenter.Channel{StoreID: tn.other.ID, Type: msgcenter.ChannelWhatsApp, Name: "Theirs"}
		for _, c := range []*msgcenter.Channel{mine, theirs} {
			if err := cs.CreateChannel(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		var rooms []*msgcenter.Room
		for _, r := range []*msgcenter.Room{
			{StoreID: tn.store.ID, ChannelID: mine.ID, CustomerName: "Ani 😊"},
			{StoreID: tn.store.ID, ChannelID: mine.ID, CustomerPhone: "+6281234567890"},
			{StoreID: tn.store.ID, ChannelID: mine.ID, CustomerName: "Not asked"},
			{StoreID: tn.other.ID, ChannelID: theirs.ID, CustomerName: "Theirs"},
		} {
			if err := cs.CreateRoom(ctx, r); err != nil {
				t.Fatal(err)
			}
			rooms = append(rooms, r)
		}
		got, err := cs.FindRoomsByID(ctx, tn.store.ID, []int64{rooms[1].ID, rooms[0].ID, rooms[3].ID, rooms[3].ID + 100})
		if err != nil {
			t.Fatal(err)
		}
		if want := []*msgcenter.Room{rooms[0], rooms[1]}; !reflect.DeepEqual(got, want) {
			t.Fatalf("FindRoomsByID = %+v, want %+v", got, want)
		}
		if got, err := cs.FindRoomsByID(ctx, tn.store.ID, nil); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("no ids: %v, %v; want an empty list", got, err)
		}
		t.Run("ErrTooMany", func(t *testing.T) {
			_, err := cs.FindRoomsByID(ctx, tn.store.ID, make([]int64, 501))
			assertError(t, err, msgcenter.EINVALID, "At most 500 rooms at a time.")
		})
	})
}
