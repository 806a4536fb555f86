package main_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// The tests' hand on the fake platform: the sandbox's local Qiscus, which
// msgcenter reaches only through the qiscus adapter over HTTP and which
// reaches msgcenter only through its webhooks. A test adds the platform's
// channels and lets a customer write first; the inbound webhook makes the
// msgcenter room, as on a real channel.

// Platform returns the local Qiscus the program under test talks to: its
// own, or, for a child process, one on the same database that posts its
// webhooks to the child.
func (a *App) Platform(dbURL string) *sandbox.Provider {
	a.tb.Helper()
	if a.Main != nil {
		return a.Main.Sandbox
	}
	if a.platform == nil {
		a.platform = sandbox.New(sqltest.Open(a.tb, dbURL).SQL(), nil)
		a.platform.SetSelf(func() string { return a.Base }, nil)
	}
	return a.platform
}

// Connect makes sure the store has its app on the local Qiscus, as its
// integration shows it, with the app's webhooks pointed at msgcenter.
func (a *App) Connect(store string) {
	a.tb.Helper()
	var in struct {
		AppID   string `json:"app_id"`
		BaseURL string `json:"base_url"`
	}
	a.MustJSON(http.StatusOK, "GET", "/api/v1/stores/"+store+"/integration/qiscus", nil, &in)
	if in.AppID == "" {
		a.tb.Fatalf("store %s has no app: %+v", store, in)
	}
}

// OnSandboxApp reports whether the store's connection is its app on the
// local Qiscus: no app of its own.
func (a *App) OnSandboxApp(store string) bool {
	a.tb.Helper()
	var in struct {
		AppID   string `json:"app_id"`
		BaseURL string `json:"base_url"`
	}
	a.MustJSON(http.StatusOK, "GET", "/api/v1/stores/"+store+"/integration/qiscus", nil, &in)
	return strings.HasPrefix(in.AppID, "sbx-") && strings.HasSuffix(in.BaseURL, sandbox.APIPrefix)
}

// PlatformChannel adds a channel to the store's app on the local Qiscus and
// the msgcenter channel that names it by its platform id; it returns both ids.
func (a *App) PlatformChannel(sb *sandbox.Provider, store string, typ msgcenter.ChannelType, name string) (id, platformID int64) {
	a.tb.Helper()
	a.Connect(store)
	storeID, _ := strconv.ParseInt(store, 10, 64)
	pc := &sandbox.PlatformChannel{StoreID: storeID, Type: typ, Name: name}
	if err := sb.CreateChannel(context.Background(), pc); err != nil {
		a.tb.Fatal(err)
	}
	id = a.create("channels", store, map[string]any{"type": string(typ), "name": name, "external_id": strconv.FormatInt(pc.ID, 10)})
	return id, pc.ID
}

// CustomerRoom is a customer of a platform channel writing first: the
// inbound webhook makes msgcenter's room. It returns msgcenter's room and
// the platform's.
func (a *App) CustomerRoom(sb *sandbox.Provider, store string, platformChannel int64, name, phone string) (room, platformRoom int64) {
	a.tb.Helper()
	ctx := context.Background()
	storeID, _ := strconv.ParseInt(store, 10, 64)
	pr := &sandbox.PlatformRoom{StoreID: storeID, ChannelID: platformChannel, CustomerName: name, CustomerUserID: phone}
	if err := sb.CreateRoom(ctx, pr); err != nil {
		a.tb.Fatal(err)
	}
	if _, err := sb.CustomerWrites(ctx, storeID, pr.ID, "Halo kak, kopinya ada?"); err != nil {
		a.tb.Fatal(err)
	}
	var rooms struct {
		Rooms []struct {
			ID         int64  `json:"id"`
			ExternalID string `json:"external_id"`
		} `json:"rooms"`
	}
	a.MustJSON(http.StatusOK, "GET", "/api/v1/stores/"+store+"/rooms", nil, &rooms)
	for _, r := range rooms.Rooms {
		if r.ExternalID == pr.ExternalID() {
			return r.ID, pr.ID
		}
	}
	a.tb.Fatalf("the customer's message made no room %s in store %s: %+v", pr.ExternalID(), store, rooms)
	return 0, 0
}

// Channel adds a platform channel and its msgcenter channel to the shop.
func (sh *Shop) Channel(typ msgcenter.ChannelType, name string) (id, platformID int64) {
	sh.tb.Helper()
	return sh.PlatformChannel(sh.Main.Sandbox, sh.Store, typ, name)
}

// CustomerRoom is a customer of the shop's platform channel writing first;
// it returns msgcenter's room and remembers the platform's (P).
func (sh *Shop) CustomerRoom(platformChannel int64, name, phone string) int64 {
	sh.tb.Helper()
	room, pr := sh.App.CustomerRoom(sh.Main.Sandbox, sh.Store, platformChannel, name, phone)
	sh.rooms()[room] = pr
	return room
}

func (sh *Shop) rooms() map[int64]int64 {
	if sh.platformRooms == nil {
		sh.platformRooms = map[int64]int64{}
	}
	return sh.platformRooms
}

// P returns the platform's id of msgcenter's room, where the sandbox's
// pages show it: its external id; 0 for a room of no platform room.
func (sh *Shop) P(room int64) int64 {
	sh.tb.Helper()
	if pr, ok := sh.rooms()[room]; ok {
		return pr
	}
	var rooms struct {
		Rooms []struct {
			ID         int64  `json:"id"`
			ExternalID string `json:"external_id"`
		} `json:"rooms"`
	}
	sh.MustJSON(http.StatusOK, "GET", "/api/v1/stores/"+sh.Store+"/rooms", nil, &rooms)
	for _, r := range rooms.Rooms {
		if r.ID == room {
			pr, _ := strconv.ParseInt(r.ExternalID, 10, 64)
			return pr
		}
	}
	sh.tb.Fatalf("room %d not found", room)
	return 0
}

// PlatformChannelID returns the platform's id of one of the store's
// msgcenter channels.
func (a *App) PlatformChannelID(store string, channel int64) int64 {
	a.tb.Helper()
	var c struct {
		Channels []struct {
			ID         int64  `json:"id"`
			ExternalID string `json:"external_id"`
		} `json:"channels"`
	}
	a.MustJSON(http.StatusOK, "GET", "/api/v1/stores/"+store+"/channels", nil, &c)
	for _, ch := range c.Channels {
		if ch.ID == channel {
			id, err := strconv.ParseInt(ch.ExternalID, 10, 64)
			if err != nil {
				a.tb.Fatalf("channel %d has no platform id", channel)
			}
			return id
		}
	}
	a.tb.Fatal(fmt.Sprintf("channel %d not found", channel))
	return 0
}

// CreateTemplate adds tpl to the platform's channel behind its msgcenter
// channel (tpl.ChannelID), as WhatsApp's review leaves it; tpl is not
// changed.
func (a *App) CreateTemplate(t *testing.T, store string, tpl *msgcenter.WhatsAppTemplate) {
	t.Helper()
	storeID, _ := strconv.ParseInt(store, 10, 64)
	cp := *tpl
	cp.ChannelID = a.PlatformChannelID(store, tpl.ChannelID)
	if err := a.Main.Sandbox.CreatePlatformTemplate(context.Background(), storeID, &cp); err != nil {
		t.Fatal(err)
	}
}

// PlatformChannelID returns the platform's id of one of the shop's msgcenter
// channels.
func (sh *Shop) PlatformChannelID(channel int64) int64 {
	sh.tb.Helper()
	return sh.App.PlatformChannelID(sh.Store, channel)
}

// CreateTemplate adds tpl to the platform's channel behind its msgcenter
// channel (tpl.ChannelID).
func (sh *Shop) CreateTemplate(t *testing.T, tpl *msgcenter.WhatsAppTemplate) {
	t.Helper()
	sh.App.CreateTemplate(t, sh.Store, tpl)
}

// TemplateMessages returns the templates the platform carried on the
// channel behind a msgcenter channel.
func (sh *Shop) TemplateMessages(channel int64) []*sandbox.Message {
	sh.tb.Helper()
	ms, err := sh.Main.Sandbox.PlatformTemplateMessages(context.Background(), sh.StoreID, sh.PlatformChannelID(channel))
	if err != nil {
		sh.tb.Fatal(err)
	}
	return ms
}
