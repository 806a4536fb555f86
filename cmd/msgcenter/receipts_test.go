package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// whatsAppApp is a fake Qiscus app with one WhatsApp channel (4521) and one
// customer room (88213004) whose customer wrote a minute ago: it accepts bot
// messages and templates and lists one approved template.
type whatsAppApp struct {
	srv       *httptest.Server
	mu        sync.Mutex
	bot       []string // the platform ids of accepted bot messages
	templates []map[string]any
}

func newWhatsAppApp(t *testing.T) *whatsAppApp {
	q := &whatsAppApp{}
	q.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		q.mu.Lock()
		defer q.mu.Unlock()
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/kopi-app/bot":
			id := fmt.Sprintf("wamid.bot-%d", len(q.bot)+1)
			q.bot = append(q.bot, id)
			fmt.Fprintf(w, `{"status":200,"data":{"comment":{"id":%q,"type":"text"}}}`, id)
		case r.Method == http.MethodPost && r.URL.Path == "/whatsapp/v1/kopi-app/4521/messages":
			var body map[string]any
			_ = json.Unmarshal(raw, &body)
			q.templates = append(q.templates, body)
			fmt.Fprintf(w, `{"messaging_product":"whatsapp","messages":[{"id":"wamid.tpl-%d"}]}`, len(q.templates))
		case r.Method == http.MethodGet && r.URL.Path == "/api/v2/customer_rooms/88213004":
			fmt.Fprintf(w, `{"status":200,"data":{"customer_room":{"channel_id":4521,"room_id":"88213004","source":"wa","last_customer_timestamp":%q}}}`,
				time.Now().Add(-time.Minute).UTC().Format(time.RFC3339))
		case r.Method == http.MethodGet && r.URL.Path == "/api/v2/admin/hsm":
			io.WriteString(w, `{"status":200,"data":{"hsm_templates":[{"id":1,"channel_id":4521,"namespace":"ns_1","name":"order_update",
				"category":"UTILITY","type":2,"hsm_details":[{"language":"en","content":"Hi {{1}}, order {{2}} is placed.","approval_status":1,"buttons":[]}]}]},
				"meta":{"page":1,"total_page":1}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"status":404,"errors":{"message":"not found"}}`)
		}
	}))
	t.Cleanup(q.srv.Close)
	return q
}

// receiptShop is a store connected to q, with its WhatsApp channel and room
// as the platform knows them, Order Placed's fallback on, and the status
// webhook's URL.
type receiptShop struct {
	*Shop
	room      int64
	statusURL string
}

func newReceiptShop(t *testing.T, dbURL string, q *whatsAppApp) *receiptShop {
	a := MustRunMainWith(t, dbURL, func(c *main.Config) {
		c.SecretKey = bytes.Repeat([]byte{7}, 32)
		c.QiscusHosts = []string{strings.TrimPrefix(q.srv.URL, "http://")}
	})
	sh := a.NewShop("Toko Kopi Senja")
	var conn struct {
		StatusWebhookURL string `json:"status_webhook_url"`
	}
	a.MustJSON(http.StatusOK, "PUT", "/api/v1/stores/"+sh.Store+"/integration/qiscus",
		map[string]any{"app_id": "kopi-app", "secret_key": "s3cret-value", "base_url": q.srv.URL}, &conn)
	if !strings.Contains(conn.StatusWebhookURL, "/hooks/qiscus/"+sh.Store+"/whatsapp-status/") {
		t.Fatalf("status_webhook_url = %q", conn.StatusWebhookURL)
	}
	wa := a.create("channels", sh.Store, map[string]any{"type": "whatsapp", "name": "WA Qiscus", "external_id": "4521"})
	room := a.create("rooms", sh.Store, map[string]any{"channel_id": wa, "customer_name": "Siti", "customer_phone": "+6281234567890",
		"external_id": "88213004"})
	sh.MustJSON(200, "PUT", "/api/v1/stores/"+sh.Store+"/message-center/order_placed", map[string]any{"fallback": msgcenter.FallbackConfig{
		Enabled: true, ChannelID: wa, TemplateType: msgcenter.TemplateType24Hour, TemplateCategory: msgcenter.CategoryUtility,
		TemplateName: "order_update", TemplateLanguage: "en",
		Variables: []msgcenter.Binding{{Placeholder: "customer.name"}, {Placeholder: "order_id"}},
	}}, nil)
	return &receiptShop{Shop: sh, room: room, statusURL: conn.StatusWebhookURL}
}

// status posts a Cloud API status webhook for message id.
func (rs *receiptShop) status(t *testing.T, id, status string, at time.Time, code int) {
	t.Helper()
	st := map[string]any{"id": id, "status": status, "timestamp": fmt.Sprint(at.Unix()), "recipient_id": "6281234567890"}
	if code != 0 {
		st["errors"] = []any{map[string]any{"code": code, "title": "Re-engagement message",
			"error_data": map[string]any{"details": "more than 24 hours have passed"}}}
	}
	body, _ := json.Marshal(map[string]any{"object": "whatsapp_business_account", "entry": []any{map[string]any{"id": "waba-1",
		"changes": []any{map[string]any{"field": "messages", "value": map[string]any{"messaging_product": "whatsapp", "statuses": []any{st}}}}}}})
	u := strings.TrimPrefix(rs.statusURL, strings.TrimSuffix(rs.Base, "/"))
	if resp, out := rs.Do("POST", u, "", string(body)); resp.StatusCode != http.StatusOK {
		t.Fatalf("status webhook: %d %s", resp.StatusCode, out)
	}
}

type receiptDelivery struct {
	Kind        string     `json:"kind"`
	Status      string     `json:"status"`
	Reason      string     `json:"reason"`
	DeliveredAt *time.Time `json:"delivered_at"`
	ReadAt      *time.Time `json:"read_at"`
}

func (rs *receiptShop) deliveries(t *testing.T, orderID int64) (msgcenter.DeliverySummary, []receiptDelivery) {
	t.Helper()
	var out struct {
		Summary    msgcenter.DeliverySummary `json:"summary"`
		Deliveries []receiptDelivery         `json:"deliveries"`
	}
	rs.MustJSON(200, "GET", fmt.Sprintf("/api/v1/stores/%s/orders/%d/deliveries", rs.Store, orderID), nil, &out)
	return out.Summary, out.Deliveries
}

// TestStatusWebhookReengagementRaisesFallback: WhatsApp accepts Order
// Placed (2xx), then reports it failed with 131047; the fallback template
// goes out once, however often the webhook repeats, and the order shows
// Sent (1) · Failed (1).
func TestStatusWebhookReengagementRaisesFallback(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		q := newWhatsAppApp(t)
		rs := newReceiptShop(t, dbURL, q)
		o := rs.Order(rs.room)
		if got := rs.WaitOrderDeliveries(o.ID, 1); got.Summary.Sent != 1 {
			t.Fatalf("before the status webhook: %+v, want the automation message sent", got.Summary)
		}
		q.mu.Lock()
		id := q.bot[0]
		q.mu.Unlock()
		for range 2 { // the platform retries its webhooks
			rs.status(t, id, "failed", time.Now(), 131047)
		}
		got := rs.WaitOrderDeliveries(o.ID, 2)
		if got.Summary.Sent != 1 || got.Summary.Failed != 0 || got.Summary.CoveredByFallback != 1 {
			t.Fatalf("after the 131047 status: %+v, want Sent (1) · Failed (0), delivered by fallback (1)", got.Summary)
		}
		for _, d := range got.Deliveries {
			if d.Kind == "automation" && (d.Status != "failed" || d.Reason != "session_expired") {
				t.Errorf("automation message = %+v, want failed as session_expired", d)
			}
			if d.Kind == "fallback" && d.Status != "sent" {
				t.Errorf("fallback = %+v, want sent", d)
			}
		}
		q.mu.Lock()
		n := len(q.templates)
		var ns any
		if n > 0 {
			ns = q.templates[0]["template"].(map[string]any)["namespace"]
		}
		q.mu.Unlock()
		if n != 1 || ns != "ns_1" {
			t.Errorf("the platform got %d templates (namespace %v), want 1 with the template's namespace", n, ns)
		}
	})
}

// TestStatusWebhookOutOfOrder: read arrives before delivered, and a late
// failure after both; the message ends read, with both times.
func TestStatusWebhookOutOfOrder(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		q := newWhatsAppApp(t)
		rs := newReceiptShop(t, dbURL, q)
		o := rs.Order(rs.room)
		rs.WaitOrderDeliveries(o.ID, 1)
		q.mu.Lock()
		id := q.bot[0]
		q.mu.Unlock()
		readAt := time.Now().Add(-10 * time.Second).Truncate(time.Second)
		rs.status(t, id, "read", readAt, 0)
		rs.status(t, id, "delivered", readAt.Add(-5*time.Second), 0)
		rs.status(t, id, "sent", readAt.Add(-8*time.Second), 0)
		rs.status(t, id, "failed", readAt.Add(time.Second), 131026)
		sum, ds := rs.deliveries(t, o.ID)
		if sum.Sent != 1 || sum.Failed != 0 || len(ds) != 1 {
			t.Fatalf("summary %+v with %d messages, want Sent (1) and nothing failed", sum, len(ds))
		}
		d := ds[0]
		if d.Status != "sent" || d.ReadAt == nil || !d.ReadAt.Equal(readAt) || d.DeliveredAt == nil || !d.DeliveredAt.Equal(readAt) {
			t.Errorf("message = status %s, delivered %v, read %v; want read at %v (delivered no later)", d.Status, d.DeliveredAt, d.ReadAt, readAt)
		}
		// The admin's order view says so beside the message.
		resp, page := rs.SignIn("admin@example.com").Get(fmt.Sprintf("/admin/stores/%s/orders/%d", rs.Store, o.ID))
		if resp.StatusCode != http.StatusOK || !strings.Contains(page, "Sent (1) · Failed (0)") || !strings.Contains(page, `class="muted small receipt-times">Read `) {
			t.Errorf("order page: %d, want Sent (1) · Failed (0) and the read time beside the message", resp.StatusCode)
		}
	})
}

// TestSandboxStatusControl: in the sandbox a person reports a sent message
// as WhatsApp would. Read shows on the order; a 131047 failure of Order
// Placed raises the fallback, which the sandbox delivers as a template.
func TestSandboxStatusControl(t *testing.T) {
	sqltest.Engines(t, func(t *testing.T, dbURL string) {
		fs := newFallbackShop(t, dbURL)
		fs.enableFallback(t, "order_placed")
		report := func(msgID int64, status string) {
			t.Helper()
			resp, body := fs.PostForm(fmt.Sprintf("/sandbox/rooms/%d/messages/%d/status", fs.WARoom, msgID), url.Values{"status": {status}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("report %s: %d %s", status, resp.StatusCode, body)
			}
		}
		read := fs.Order(fs.WARoom)
		fs.WaitOrderDeliveries(read.ID, 1)
		out := fs.Outbox(fs.WARoom)
		report(out[len(out)-1].ID, "read")
		if _, ds := (&receiptShop{Shop: fs.Shop}).deliveries(t, read.ID); len(ds) != 1 || ds[0].ReadAt == nil || ds[0].Status != "sent" {
			t.Fatalf("after read: %+v, want sent with its read time", ds)
		}

		failed := fs.Order(fs.WARoom)
		fs.WaitOrderDeliveries(failed.ID, 1)
		out = fs.Outbox(fs.WARoom)
		report(out[len(out)-1].ID, "failed-131047")
		got := fs.WaitOrderDeliveries(failed.ID, 2)
		if got.Summary.Sent != 1 || got.Summary.Failed != 0 || got.Summary.CoveredByFallback != 1 {
			t.Fatalf("after 131047: %+v, want Sent (1) · Failed (0), delivered by fallback (1)", got.Summary)
		}
		if d := byKind(got.Deliveries)["order_placed/fallback"]; d.Status != "sent" {
			t.Errorf("fallback = %+v, want sent", d)
		}
		// Another admin cannot report a status of this store's messages.
		fs.NewAdmin("intruder@example.com")
		resp, _ := fs.SignIn("intruder@example.com").Post(fmt.Sprintf("/sandbox/rooms/%d/messages/%d/status", fs.WARoom, out[0].ID), url.Values{"status": {"read"}})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("another admin's report: %d, want 404", resp.StatusCode)
		}
	})
}
