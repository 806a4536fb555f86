package main_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// waitDelivery polls one delivery until it is no longer queued.
func (sh *Shop) waitDelivery(id int64) delivery {
	sh.tb.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var d delivery
		sh.MustJSON(200, "GET", fmt.Sprintf("/api/v1/stores/%s/deliveries/%d", sh.Store, id), nil, &d)
		if d.Status != "queued" {
			return d
		}
		if time.Now().After(deadline) {
			sh.tb.Fatalf("delivery %d still queued", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAdminTestSend checks Send test message through the API: the draft is
// rendered with sample data, answered 202 with its delivery, recorded and
// sent to the room like every message (automation toggle or not, 24-hour
// rule included); a room of another store answers 404.
func TestAdminTestSend(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		a := MustRunMain(t, dbURL)
		sh := a.NewShop("Toko Kopi Senja")
		path := "/api/v1/stores/" + sh.Store + "/message-center/order_paid/test"

		// Automation off: a test still goes out, with the draft, not the saved message.
		sh.MustJSON(200, "PUT", "/api/v1/stores/"+sh.Store+"/message-center/order_paid", map[string]any{"automation_enabled": false}, nil)
		var out struct {
			DeliveryID int64  `json:"delivery_id"`
			Status     string `json:"status"`
		}
		resp, body := a.Do("POST", path, a.Token, map[string]any{
			"room_id": sh.WARoom, "type": "custom", "body": "Test {{order_id}} for {{customer.name}}", "button_label": "See order",
		})
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("test send: %d %s", resp.StatusCode, body)
		}
		if err := jsonUnmarshal(body, &out); err != nil || out.DeliveryID == 0 || out.Status != "queued" {
			t.Fatalf("test send answer %s: %v", body, err)
		}
		d := sh.waitDelivery(out.DeliveryID)
		// Marked as a test, its button on the store's sample receipt.
		if d.Status != "sent" || d.Kind != "automation" || d.Text != "[TEST] Test #1042 for Budi Santoso" || d.ChannelType != "whatsapp" ||
			len(d.Attempts) != 1 || !strings.HasSuffix(d.ButtonURL, "/s/"+shopSlug(sh)+"/sample/receipt") {
			t.Fatalf("test delivery: %+v", d)
		}
		ob := sh.Outbox(sh.WARoom)
		if len(ob) != 1 || ob[0].Text != "[TEST] Test #1042 for Budi Santoso" || ob[0].ButtonURL != d.ButtonURL {
			t.Fatalf("sandbox outbox: %+v", ob)
		}
		assertSamplePage(t, a, d.ButtonURL, "#1042", "Kopi Susu Gula Aren", "Sample page")
		// Recorded with the store's messages (the Messages page), not saved as the configuration.
		var list deliveriesOut
		sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store+"/deliveries?event=order_paid", nil, &list)
		if len(list.Deliveries) != 1 || list.Deliveries[0].Status != "sent" {
			t.Fatalf("store deliveries: %+v", list.Deliveries)
		}
		if mc := a.messageCenter(sh.Store)["order_paid"]; mc.Type != "default" {
			t.Fatalf("a test send changed the saved configuration: %+v", mc)
		}

		// The 24-hour rule still applies, and no fallback is raised.
		old := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
		sh.MustJSON(200, "PATCH", fmt.Sprintf("/api/v1/stores/%s/rooms/%d", sh.Store, sh.WARoom), map[string]any{"last_inbound_at": old}, nil)
		// The platform's own clock of the room agrees.
		if err := sh.Main.Sandbox.AgeCustomer(context.Background(), sh.StoreID, sh.P(sh.WARoom), 48*time.Hour); err != nil {
			t.Fatal(err)
		}
		sh.MustJSON(http.StatusAccepted, "POST", path, map[string]any{"room_id": sh.WARoom}, &out)
		if d := sh.waitDelivery(out.DeliveryID); d.Status != "failed" || d.Reason != "session_expired" || d.ReasonText == "" {
			t.Fatalf("expired room: %+v", d)
		}
		// Instagram has no window.
		sh.MustJSON(http.StatusAccepted, "POST", path, map[string]any{"room_id": sh.IGRoom}, &out)
		if d := sh.waitDelivery(out.DeliveryID); d.Status != "sent" || d.ChannelType != "instagram" {
			t.Fatalf("instagram room: %+v", d)
		}

		// Errors: another store's room, no room, an invalid draft, an unknown event.
		other := a.NewShop("Another Shop")
		for _, tc := range []struct {
			name, path string
			body       map[string]any
			status     int
			want       string
		}{
			{"ErrForeignRoom", path, map[string]any{"room_id": other.WARoom}, 404, "Room not found"},
			{"ErrNoRoom", path, map[string]any{}, 422, `"room_id"`},
			{"ErrDraft", path, map[string]any{"room_id": sh.IGRoom, "type": "custom", "body": "Hi {{nope}}", "button_label": "x"}, 422, `"body"`},
			{"ErrEvent", "/api/v1/stores/" + sh.Store + "/message-center/nope/test", map[string]any{"room_id": sh.IGRoom}, 404, ""},
			{"ErrForeignDelivery", "", nil, 404, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var resp *http.Response
				var body []byte
				if tc.path == "" {
					resp, body = a.Do("GET", fmt.Sprintf("/api/v1/stores/%s/deliveries/%d", other.Store, out.DeliveryID), a.Token, nil)
				} else {
					resp, body = a.Do("POST", tc.path, a.Token, tc.body)
				}
				if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
					t.Fatalf("%d %s", resp.StatusCode, body)
				}
			})
		}
		if ob := other.Outbox(other.WARoom); len(ob) != 0 {
			t.Fatalf("another store's room got %+v", ob)
		}
	})
}

// assertSamplePage fetches the page a test message's button opens and
// fails unless it exists (200) and shows every one of want.
func assertSamplePage(t *testing.T, a *App, link string, want ...string) {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("button URL %q: %v", link, err)
	}
	resp, body := a.Do("GET", u.RequestURI(), "", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u.RequestURI(), resp.StatusCode, body)
	}
	for _, w := range want {
		if !strings.Contains(html.UnescapeString(string(body)), w) {
			t.Errorf("GET %s lacks %q", u.RequestURI(), w)
		}
	}
}

// TestTestSendLinks checks that the button of every event's test message
// opens a page that exists, marked as a sample where it shows the sample
// order, and that the marker follows the message's language.
func TestTestSendLinks(t *testing.T) {
	a := MustRunMain(t, sqltest.SQLiteURL(t))
	sh := a.NewShop("Toko Uji")
	for _, tc := range []struct {
		event, lang, marker string
		want                []string
	}{
		{"order_placed", "en", "[TEST] ", []string{"Sample page", "#1042", "Croissant Cokelat", "How to pay", "Transfer exactly Rp\u00a095.000"}},
		{"order_paid", "id", "[UJI COBA] ", []string{"Halaman contoh", "#1042", "Kopi Susu Gula Aren"}},
		{"order_incomplete", "en", "[TEST] ", []string{"Toko Uji"}},
		{"order_failed", "id", "[UJI COBA] ", []string{"Toko Uji"}},
		{"share_microsite_url", "en", "[TEST] ", []string{"Toko Uji"}},
	} {
		t.Run(tc.event, func(t *testing.T) {
			if tc.lang == "id" {
				sh.MustJSON(200, "PATCH", "/api/v1/stores/"+sh.Store, map[string]any{"language": "id"}, nil)
				defer sh.MustJSON(200, "PATCH", "/api/v1/stores/"+sh.Store, map[string]any{"language": "en"}, nil)
			}
			var out struct {
				DeliveryID int64 `json:"delivery_id"`
			}
			sh.MustJSON(http.StatusAccepted, "POST", "/api/v1/stores/"+sh.Store+"/message-center/"+tc.event+"/test",
				map[string]any{"room_id": sh.IGRoom, "type": "default", "language": tc.lang}, &out)
			d := sh.waitDelivery(out.DeliveryID)
			if !strings.HasPrefix(d.Text, tc.marker) || d.ButtonURL == "" {
				t.Fatalf("test message: %+v", d)
			}
			assertSamplePage(t, a, d.ButtonURL, tc.want...)
		})
	}
	t.Run("CustomMessageInStoreLanguage", func(t *testing.T) {
		// A custom message speaks the store's language, and so does its marker.
		sh.MustJSON(200, "PATCH", "/api/v1/stores/"+sh.Store, map[string]any{"language": "id"}, nil)
		defer sh.MustJSON(200, "PATCH", "/api/v1/stores/"+sh.Store, map[string]any{"language": "en"}, nil)
		var out struct {
			DeliveryID int64 `json:"delivery_id"`
		}
		sh.MustJSON(http.StatusAccepted, "POST", "/api/v1/stores/"+sh.Store+"/message-center/order_placed/test",
			map[string]any{"room_id": sh.IGRoom, "type": "custom", "language": "en", "body": "Pesanan {{order_id}}", "button_label": "Lihat"}, &out)
		if d := sh.waitDelivery(out.DeliveryID); d.Text != "[UJI COBA] Pesanan #1042" {
			t.Fatalf("custom test message = %q", d.Text)
		}
	})
	t.Run("ErrUnknownSample", func(t *testing.T) {
		if resp, _ := a.Do("GET", "/s/"+shopSlug(sh)+"/sample/nope", "", nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("unknown sample page: %d", resp.StatusCode)
		}
	})
}

// shopSlug returns the slug of sh's store.
func shopSlug(sh *Shop) string {
	sh.tb.Helper()
	var st struct {
		Slug string `json:"slug"`
	}
	sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store, nil, &st)
	return st.Slug
}
