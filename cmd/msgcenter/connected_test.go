package main_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// TestConnectedStoreSends checks that the worker picks each message's
// provider by whether its store connected an app: a connected store's order
// message goes to its own Qiscus app, and once it disconnects, the next
// goes through the sandbox, the deployment's default.
func TestConnectedStoreSends(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		var mu sync.Mutex
		var sent []map[string]any
		app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodPost || r.URL.Path != "/kopi-app/bot" {
				http.NotFound(w, r)
				return
			}
			var body map[string]any
			raw, _ := io.ReadAll(r.Body)
			if err := json.Unmarshal(raw, &body); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			mu.Lock()
			sent = append(sent, body)
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"status":200,"data":{"comment":{"id":9876,"type":"text"}}}`)
		}))
		defer app.Close()

		a := MustRunMainWith(t, dbURL, func(c *main.Config) {
			c.SecretKey = bytes.Repeat([]byte{7}, 32)
			c.QiscusHosts = []string{strings.TrimPrefix(app.URL, "http://")}
		})
		sh := a.NewShop("Toko Kopi Senja")
		a.MustJSON(http.StatusOK, "PUT", "/api/v1/stores/"+sh.Store+"/integration/qiscus",
			map[string]any{"app_id": "kopi-app", "secret_key": "s3cret-value", "base_url": app.URL}, nil)

		// A connected app's rooms are the platform's: they carry its room id,
		// the only one the adapter sends.
		appRoom := a.create("rooms", sh.Store, map[string]any{"channel_id": sh.IG, "customer_name": "Budi", "external_id": "ig-room-1"})
		o := sh.Order(appRoom)
		if got := sh.WaitOrderDeliveries(o.ID, 1); got.Summary.Sent != 1 {
			t.Fatalf("connected store's order: %+v", got)
		}
		mu.Lock()
		n := len(sent)
		roomSent := ""
		if n > 0 {
			roomSent, _ = sent[0]["room_id"].(string)
		}
		mu.Unlock()
		if roomSent != "ig-room-1" {
			t.Errorf("the app was sent room_id %q, want the platform's ig-room-1", roomSent)
		}
		if n != 1 || len(sh.Outbox(sh.IGRoom)) != 0 {
			t.Fatalf("connected store: its app got %d messages, the sandbox %d; want 1 and 0", n, len(sh.Outbox(sh.IGRoom)))
		}
		// Disconnected, the store is back on its sandbox app, whose rooms
		// are the sandbox's own.

		if resp, body := a.Do("DELETE", "/api/v1/stores/"+sh.Store+"/integration/qiscus", a.Token, nil); resp.StatusCode != http.StatusNoContent {
			t.Fatalf("disconnect: %d %s", resp.StatusCode, body)
		}
		o = sh.Order(sh.IGRoom)
		if got := sh.WaitOrderDeliveries(o.ID, 1); got.Summary.Sent != 1 {
			t.Fatalf("disconnected store's order: %+v", got)
		}
		mu.Lock()
		n = len(sent)
		mu.Unlock()
		if n != 1 || len(sh.Outbox(sh.IGRoom)) != 1 {
			t.Fatalf("disconnected store: its app got %d messages, the sandbox %d; want 1 and 1", n, len(sh.Outbox(sh.IGRoom)))
		}
		if len(sh.Outbox(appRoom)) != 0 {
			t.Fatal("the sandbox carried a message to a room of the store's former app")
		}
	})
}
