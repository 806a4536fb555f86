package http_test

import (
	"context"
	"encoding/json"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/http"
)

// integrationUsers, integrationStores, integrationService and
// integrationCommerce are the fakes of the integration tests: one function
// or map per method used; any other method panics through the nil interface.
type integrationUsers struct{ msgcenter.UserService }

func (integrationUsers) FindUserByAPIToken(_ context.Context, token string) (*msgcenter.User, error) {
	if token == "tok-owner" {
		return &msgcenter.User{ID: 1}, nil
	}
	return nil, msgcenter.Errorf(msgcenter.EUNAUTHORIZED, "Invalid token.")
}

type integrationStores struct{ msgcenter.StoreService }

func (integrationStores) FindStore(_ context.Context, ownerID int64, ref string) (*msgcenter.Store, error) {
	if ownerID == 1 && ref == "5" {
		return &msgcenter.Store{ID: 5, OwnerID: 1, Name: "Kopi"}, nil
	}
	return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
}

type integrationService struct {
	msgcenter.IntegrationService
	mu      sync.Mutex
	conns   map[int64]*msgcenter.Integration
	secrets map[int64]string
}

func (f *integrationService) ConnectQiscus(_ context.Context, storeID int64, appID, secret, baseURL string) (*msgcenter.Integration, error) {
	baseURL, err := msgcenter.ValidateQiscusConnection(appID, secret, baseURL)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	in := &msgcenter.Integration{StoreID: storeID, Provider: msgcenter.IntegrationQiscus, AppID: appID, BaseURL: baseURL,
		InboundSecret: "inb0und-Secret-0123456789abcdefghijklmnop", ConnectedAt: time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)}
	f.conns[storeID], f.secrets[storeID] = in, secret
	return in, nil
}

func (f *integrationService) FindIntegration(_ context.Context, storeID int64) (*msgcenter.Integration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if in, ok := f.conns[storeID]; ok {
		cp := *in
		return &cp, nil
	}
	return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "The store has no connected app.")
}

func (f *integrationService) DisconnectIntegration(_ context.Context, storeID int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.conns[storeID]; !ok {
		return msgcenter.Errorf(msgcenter.ENOTFOUND, "The store has no connected app.")
	}
	delete(f.conns, storeID)
	return nil
}

type integrationCommerce struct {
	msgcenter.CommerceService
	mu       sync.Mutex
	channels []*msgcenter.Channel
	rooms    []*msgcenter.Room
}

func (c *integrationCommerce) FindRooms(_ context.Context, storeID int64) ([]*msgcenter.Room, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*msgcenter.Room
	for _, r := range c.rooms {
		if r.StoreID == storeID {
			cp := *r
			out = append(out, &cp)
		}
	}
	return out, nil
}

func (c *integrationCommerce) FindChannels(_ context.Context, storeID int64) ([]*msgcenter.Channel, error) {
	var out []*msgcenter.Channel
	for _, ch := range c.channels {
		if ch.StoreID == storeID {
			out = append(out, ch)
		}
	}
	return out, nil
}

func (c *integrationCommerce) FindRoomByExternalID(_ context.Context, storeID int64, ext string) (*msgcenter.Room, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.findExternal(storeID, ext)
}

func (c *integrationCommerce) findExternal(storeID int64, ext string) (*msgcenter.Room, error) {
	for _, r := range c.rooms {
		if r.StoreID == storeID && r.ExternalID == ext && ext != "" {
			cp := *r
			return &cp, nil
		}
	}
	return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room not found.")
}

func (c *integrationCommerce) EnsureRoom(_ context.Context, r *msgcenter.Room) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if existing, err := c.findExternal(r.StoreID, r.ExternalID); err == nil {
		*r = *existing
		return false, nil
	}
	r.ID = int64(100 + len(c.rooms))
	cp := *r
	c.rooms = append(c.rooms, &cp)
	return true, nil
}

func (c *integrationCommerce) UpdateRoom(_ context.Context, storeID, id int64, upd msgcenter.RoomUpdate) (*msgcenter.Room, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range c.rooms {
		if r.StoreID == storeID && r.ID == id {
			if upd.LastInboundAt != nil {
				r.LastInboundAt = *upd.LastInboundAt
			}
			if upd.InboundAt != nil && upd.InboundAt.After(r.LastInboundAt) {
				r.LastInboundAt = *upd.InboundAt
			}
			cp := *r
			return &cp, nil
		}
	}
	return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room not found.")
}

type integrationFixture struct {
	URL      string
	Conns    *integrationService
	Commerce *integrationCommerce
	Now      time.Time
}

func newIntegrationFixture(t *testing.T) *integrationFixture {
	t.Helper()
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	f := &integrationFixture{
		Conns: &integrationService{conns: map[int64]*msgcenter.Integration{}, secrets: map[int64]string{}},
		Commerce: &integrationCommerce{
			channels: []*msgcenter.Channel{
				{ID: 7, StoreID: 5, Type: msgcenter.ChannelWhatsApp, Name: "WA", ExternalID: "4521"},
				{ID: 8, StoreID: 5, Type: msgcenter.ChannelTelegram, Name: "TG", ExternalID: "88"},
				{ID: 9, StoreID: 6, Type: msgcenter.ChannelWhatsApp, Name: "Other store", ExternalID: "4521"},
			},
			rooms: []*msgcenter.Room{{ID: 1, StoreID: 5, ChannelID: 7, ChannelType: msgcenter.ChannelWhatsApp, ExternalID: "r-77",
				LastInboundAt: now.Add(-30 * time.Hour)}},
		},
		Now: now,
	}
	srv, err := http.NewServer(http.Config{
		PublicURL: &url.URL{Scheme: "https", Host: "mc.example.com", Path: "/"},
		Now:       func() time.Time { return now },
		Users:     integrationUsers{}, Stores: integrationStores{},
		Commerce: f.Commerce, Integrations: f.Conns,
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	f.URL = ts.URL
	return f
}

func (f *integrationFixture) do(t *testing.T, method, path, body string, auth bool) (int, map[string]any, string) {
	t.Helper()
	req, _ := nethttp.NewRequest(method, f.URL+path, strings.NewReader(body))
	if auth {
		req.Header.Set("Authorization", "Bearer tok-owner")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	return resp.StatusCode, m, string(raw)
}

func TestIntegrationAPI(t *testing.T) {
	f := newIntegrationFixture(t)
	const path = "/api/v1/stores/5/integration/qiscus"

	if code, _, _ := f.do(t, "GET", path, "", true); code != 404 {
		t.Fatalf("GET before connecting = %d, want 404", code)
	}
	if code, _, _ := f.do(t, "PUT", path, `{"app_id":"kopi-abc","secret_key":"s3cret-value"}`, false); code != 401 {
		t.Fatalf("PUT without a token = %d, want 401", code)
	}
	if code, _, _ := f.do(t, "PUT", "/api/v1/stores/6/integration/qiscus", `{"app_id":"a","secret_key":"b"}`, true); code != 404 {
		t.Fatalf("PUT on another owner's store = %d, want 404", code)
	}
	code, body, raw := f.do(t, "PUT", path, `{"app_id":"", "secret_key":"", "base_url":"ftp://x"}`, true)
	if code != 422 || body["error"].(map[string]any)["fields"] == nil {
		t.Fatalf("PUT invalid = %d %s, want 422 with fields", code, raw)
	}

	code, body, raw = f.do(t, "PUT", path, `{"app_id":"kopi-abc","secret_key":"s3cret-value"}`, true)
	if code != 200 {
		t.Fatalf("PUT = %d %s", code, raw)
	}
	want := map[string]any{
		"provider": "qiscus", "app_id": "kopi-abc", "base_url": msgcenter.DefaultQiscusBaseURL,
		"connected_at":        "2026-03-14T09:00:00Z",
		"inbound_webhook_url": "https://mc.example.com/hooks/qiscus/5/inbound/inb0und-Secret-0123456789abcdefghijklmnop",
		"custom_button_api":   false,
	}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("PUT answer %s = %v, want %v", k, body[k], v)
		}
	}
	if strings.Contains(raw, "s3cret-value") || strings.Contains(raw, "secret_key") {
		t.Fatalf("the answer shows the secret: %s", raw)
	}
	code, _, raw2 := f.do(t, "GET", path, "", true)
	if code != 200 || raw2 != raw || strings.Contains(raw2, "s3cret-value") {
		t.Fatalf("GET = %d %s, want the PUT's answer", code, raw2)
	}
	f.Conns.mu.Lock()
	got := f.Conns.secrets[5]
	f.Conns.mu.Unlock()
	if got != "s3cret-value" {
		t.Fatalf("the service got secret %q", got)
	}

	if code, _, raw := f.do(t, "DELETE", path, "", true); code != 204 {
		t.Fatalf("DELETE = %d %s", code, raw)
	}
	if code, _, _ := f.do(t, "GET", path, "", true); code != 404 {
		t.Fatalf("GET after DELETE = %d, want 404", code)
	}
	if code, _, _ := f.do(t, "DELETE", path, "", true); code != 404 {
		t.Fatalf("second DELETE = %d, want 404", code)
	}
}

func TestQiscusInboundWebhook(t *testing.T) {
	f := newIntegrationFixture(t)
	in, _ := f.Conns.ConnectQiscus(context.Background(), 5, "kopi-abc", "s3cret", "")
	hook := "/hooks/qiscus/5/inbound/" + in.InboundSecret
	message := func(roomID, from, options, timestamp string) string {
		return `{"type":"post_comment_mobile","payload":{"from":{"id":1,"email":"` + from + `","name":"Siti"},
			"room":{"id":` + roomID + `,"topic_id":1,"type":"group","name":"Siti","options":` + options + `},
			"message":{"type":"text","text":"halo","timestamp":"` + timestamp + `"}}}`
	}

	t.Run("KnownRoom", func(t *testing.T) {
		code, body, raw := f.do(t, "POST", hook, message(`"r-77"`, "6281234567890", `{"source":"wa","channel_details":{"channel_id":4521}}`, "2026-03-15T11:59:30Z"), false)
		if code != 200 || body["updated"] != true || body["room_id"] != float64(1) {
			t.Fatalf("POST = %d %s", code, raw)
		}
		rooms, _ := f.Commerce.FindRooms(context.Background(), 5)
		if want := time.Date(2026, 3, 15, 11, 59, 30, 0, time.UTC); !rooms[0].LastInboundAt.Equal(want) {
			t.Fatalf("last inbound = %v, want %v", rooms[0].LastInboundAt, want)
		}
	})

	t.Run("NewRoomOnMatchingChannel", func(t *testing.T) {
		// The new-session webhook's options are a JSON string.
		code, body, raw := f.do(t, "POST", hook, message(`123456`, "6289876543210",
			`"{\"channel\":\"wa\",\"channel_details\":{\"channel_id\":4521,\"name\":\"WABA\"},\"source\":\"wa\"}"`, "not a time"), false)
		if code != 200 || body["updated"] != true {
			t.Fatalf("POST = %d %s", code, raw)
		}
		rooms, _ := f.Commerce.FindRooms(context.Background(), 5)
		r := rooms[len(rooms)-1]
		if r.ExternalID != "123456" || r.ChannelID != 7 || r.CustomerPhone != "+6289876543210" || r.CustomerName != "Siti" || !r.LastInboundAt.Equal(f.Now) {
			t.Fatalf("created room = %+v", r)
		}
	})

	t.Run("NewRoomByChannelType", func(t *testing.T) {
		code, body, raw := f.do(t, "POST", hook, message(`"tg-1"`, "tg-user", `{"source":"telegram"}`, ""), false)
		if code != 200 || body["updated"] != true {
			t.Fatalf("POST = %d %s", code, raw)
		}
		rooms, _ := f.Commerce.FindRooms(context.Background(), 5)
		if r := rooms[len(rooms)-1]; r.ChannelID != 8 || r.CustomerPhone != "" {
			t.Fatalf("created room = %+v", r)
		}
	})

	t.Run("NoMatchingChannel", func(t *testing.T) {
		before, _ := f.Commerce.FindRooms(context.Background(), 5)
		code, body, raw := f.do(t, "POST", hook, message(`"ig-1"`, "ig-user", `{"source":"ig"}`, ""), false)
		after, _ := f.Commerce.FindRooms(context.Background(), 5)
		if code != 200 || body["updated"] != false || len(after) != len(before) {
			t.Fatalf("POST = %d %s", code, raw)
		}
	})

	t.Run("BotMessageIgnored", func(t *testing.T) {
		code, body, raw := f.do(t, "POST", hook, message(`"r-77"`, "kopi-abc_admin@qismo.com", `{}`, "2026-03-15T11:59:59Z"), false)
		rooms, _ := f.Commerce.FindRooms(context.Background(), 5)
		if code != 200 || body["updated"] != false || rooms[0].LastInboundAt.Second() != 30 {
			t.Fatalf("POST = %d %s", code, raw)
		}
	})

	t.Run("ErrWrongSecret", func(t *testing.T) {
		for _, p := range []string{"/hooks/qiscus/5/inbound/wrong", "/hooks/qiscus/6/inbound/" + in.InboundSecret, "/hooks/qiscus/x/inbound/a"} {
			if code, _, raw := f.do(t, "POST", p, message(`"r-77"`, "628", `{}`, ""), false); code != 404 {
				t.Fatalf("POST %s = %d %s, want 404", p, code, raw)
			}
		}
	})

	t.Run("ErrNoRoom", func(t *testing.T) {
		if code, _, raw := f.do(t, "POST", hook, `{"payload":{"from":{"email":"628"}}}`, false); code != 400 {
			t.Fatalf("POST = %d %s, want 400", code, raw)
		}
		if code, _, raw := f.do(t, "POST", hook, `not json`, false); code != 400 {
			t.Fatalf("POST = %d %s, want 400", code, raw)
		}
	})
}
