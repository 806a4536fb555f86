package sandbox_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus/qiscustest"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// platformFixture is a store whose app on the local Qiscus has a WhatsApp
// channel with the contract's catalogue and credits, and a room whose
// customer wrote an hour ago, served over HTTP.
type platformFixture struct {
	*qiscustest.Fixture
	p       *sandbox.Provider
	clock   *clock
	store   int64
	app     *sandbox.App
	channel *sandbox.PlatformChannel
	room    *sandbox.PlatformRoom
}

// owners numbers the fixtures' owners, several to a database.
var owners atomic.Int64

func mustPlatform(tb testing.TB, db *sqlstore.DB) *platformFixture {
	tb.Helper()
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 12, 3, 9, 15, 2, 0, time.UTC)}
	f := &platformFixture{p: sandbox.New(db.SQL(), clk.Now), clock: clk}
	owner, err := sqlstore.NewUserService(db).CreateUser(ctx, fmt.Sprintf("owner%d@example.com", owners.Add(1)), "correct horse")
	if err != nil {
		tb.Fatal(err)
	}
	st := &msgcenter.Store{Name: "Kopi Senja", OwnerID: owner.ID}
	if err := sqlstore.NewStoreService(db).CreateStore(ctx, st); err != nil {
		tb.Fatal(err)
	}
	f.store = st.ID
	if f.app, err = f.p.IssueApp(ctx, f.store); err != nil {
		tb.Fatal(err)
	}
	f.channel = &sandbox.PlatformChannel{StoreID: f.store, Type: msgcenter.ChannelWhatsApp, Name: "WA Official", Namespace: qiscustest.Namespace}
	if err := f.p.CreateChannel(ctx, f.channel); err != nil {
		tb.Fatal(err)
	}
	for _, tpl := range qiscustest.Catalogue() {
		tpl.ChannelID = f.channel.ID
		if err := f.p.CreatePlatformTemplate(ctx, f.store, tpl); err != nil {
			tb.Fatal(err)
		}
	}
	if err := f.p.TopUp(ctx, f.store, 10); err != nil {
		tb.Fatal(err)
	}
	f.room = &sandbox.PlatformRoom{StoreID: f.store, ChannelID: f.channel.ID, CustomerName: "Siti", CustomerUserID: "+62 812-3456-7890"}
	if err := f.p.CreateRoom(ctx, f.room); err != nil {
		tb.Fatal(err)
	}
	if f.room, err = f.p.CustomerWrites(ctx, f.store, f.room.ID, "halo"); err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(f.p.Handler(sandbox.HandlerConfig{}))
	tb.Cleanup(srv.Close)
	f.Fixture = &qiscustest.Fixture{BaseURL: srv.URL + sandbox.APIPrefix, AppID: f.app.AppID, Secret: f.app.Secret,
		Channel: strconv.FormatInt(f.channel.ID, 10), Room: f.room.ExternalID(), Phone: "+6281234567890", LastCustomerAt: clk.Now(),
		Arrange: func(t *testing.T, err string) {
			switch err {
			case qiscustest.ErrSessionExpired:
				if err := f.p.AgeCustomer(ctx, f.store, f.room.ID, 25*time.Hour); err != nil {
					t.Fatal(err)
				}
			case qiscustest.ErrParameterMismatch:
				// The template changed on the platform since the client read it.
				tpl := &msgcenter.WhatsAppTemplate{ChannelID: f.channel.ID, Name: "order_update", Language: "en", Category: msgcenter.CategoryUtility,
					Type: msgcenter.TemplateType24Hour, Status: msgcenter.TemplateApproved, Body: "Hi {{1}}, order {{2}}"}
				if err := f.p.CreatePlatformTemplate(ctx, f.store, tpl); err != nil {
					t.Fatal(err)
				}
			default:
				t.Fatalf("the sandbox cannot arrange %s", err)
			}
		}}
	return f
}

// TestContract runs the contract shared with the recorded answers of
// provider/qiscus against the sandbox's API.
func TestContract(t *testing.T) {
	t.Parallel()
	sqltest.EachDB(t, func(t *testing.T, db *sqlstore.DB) {
		qiscustest.Run(t, func(t *testing.T) *qiscustest.Fixture {
			return mustPlatform(t, db).Fixture
		})
	})
}
