package http_test

import (
	"context"
	"encoding/json"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/http"
)

// plainText reports whether s is what the strict decoder lets through:
// valid UTF-8 without control characters other than tab and line breaks.
func plainText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// checkRefusal asserts the shape of a refused body: 400 EBADREQUEST, 413,
// or 422 EINVALID naming at least one field, in words and not Go's.
func checkRefusal(t *testing.T, body []byte, code int, answer []byte) {
	t.Helper()
	var e struct {
		Error struct {
			Code, Message string
			Fields        map[string]string
		}
	}
	if err := json.Unmarshal(answer, &e); err != nil {
		t.Fatalf("refused %q with a body that is not JSON: %s", body, answer)
	}
	want := map[int]string{400: "EBADREQUEST", 422: msgcenter.EINVALID, 413: msgcenter.ETOOLARGE}[code]
	if e.Error.Code != want {
		t.Fatalf("refused %q with %d %s", body, code, answer)
	}
	if code == 422 && len(e.Error.Fields) == 0 {
		t.Fatalf("422 for %q names no field: %s", body, answer)
	}
	for _, s := range append([]string{e.Error.Message}, mapValues(e.Error.Fields)...) {
		if strings.Contains(s, "msgcenter.") || strings.Contains(s, "json:") || strings.Contains(s, "int64") || strings.Contains(s, "struct {") {
			t.Fatalf("refused %q speaking Go: %s", body, answer)
		}
	}
}

// serveMethod sends body with method to path through h.
func serveMethod(h nethttp.Handler, method, path string, body []byte, header map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// fuzzCheckouts starts any checkout it is asked, keeping the last.
type fuzzCheckouts struct {
	msgcenter.OrderFlowService
	started []msgcenter.CartItem
	room    int64
}

func (o *fuzzCheckouts) StartCheckout(_ context.Context, storeID, roomID int64, items []msgcenter.CartItem) (*msgcenter.Checkout, error) {
	o.started, o.room = items, roomID
	return &msgcenter.Checkout{ID: 1, StoreID: storeID, RoomID: roomID, Items: items, Status: msgcenter.CheckoutOpen}, nil
}

// FuzzCheckoutsBody posts arbitrary bodies to POST …/checkouts: never 500;
// a checkout started names a room and comes from a JSON object with only
// the checkout's fields; any refusal is 400, 413 or 422 naming a field, in
// words, and starts nothing.
func FuzzCheckoutsBody(f *testing.F) {
	for _, s := range []string{
		`{"room_id":1,"items":[{"product_id":1,"quantity":2}]}`, `{"room_id":1,"items":[{"product_id":1,"qty":2}]}`,
		`{"room_id":"1","items":[]}`, `{"room_id":0}`, `{"room_id":1,"items":[{"product_id":1.5,"quantity":2}]}`,
		`{"room_id":1,"due_at":"2020-01-01T00:00:00Z"}`, `{"room_id":1,"Items":[]}`, `[]`, `null`, ``, `{}}`,
		"{\"room_id\":1,\"items\":[{\"product_id\":1,\"quantity\":2}],\"x\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	orders := &fuzzCheckouts{}
	srv, err := http.NewServer(http.Config{Users: integrationUsers{}, Stores: integrationStores{}, Orders: orders})
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	auth := map[string]string{"Authorization": "Bearer tok-owner"}
	f.Fuzz(func(t *testing.T, body []byte) {
		orders.started, orders.room = nil, 0
		w := serve(h, "/api/v1/stores/5/checkouts", body, auth)
		switch w.Code {
		case nethttp.StatusCreated:
			var fields map[string]json.RawMessage
			if err := json.Unmarshal(body, &fields); err != nil {
				t.Fatalf("started a checkout from a body that is not an object: %q", body)
			}
			for k := range fields {
				if k != "room_id" && k != "items" {
					t.Fatalf("started a checkout from a body with field %q: %q", k, body)
				}
			}
			if orders.room <= 0 {
				t.Fatalf("started a checkout without a room: %q", body)
			}
		case nethttp.StatusBadRequest, nethttp.StatusUnprocessableEntity, nethttp.StatusRequestEntityTooLarge:
			checkRefusal(t, body, w.Code, w.Body.Bytes())
			if orders.room != 0 {
				t.Fatalf("refused %q after starting it", body)
			}
		default:
			t.Fatalf("POST %q = %d %s", body, w.Code, w.Body)
		}
	})
}

// fuzzMessages keeps one configuration per event and saves what it is given.
type fuzzMessages struct {
	msgcenter.MessageConfigService
	saved *msgcenter.MessageConfig
}

func (m *fuzzMessages) FindMessageConfig(_ context.Context, storeID int64, e msgcenter.Event) (*msgcenter.MessageConfig, error) {
	return &msgcenter.MessageConfig{StoreID: storeID, Event: e, Type: msgcenter.MessageTypeDefault, Language: msgcenter.LanguageEnglish,
		AutomationEnabled: true, Version: 1}, nil
}

func (m *fuzzMessages) SaveMessageConfig(_ context.Context, c *msgcenter.MessageConfig, _ string) error {
	m.saved = c
	return nil
}

// fuzzNoChannels knows no channel, so a fallback names none.
type fuzzNoChannels struct{ msgcenter.CommerceService }

func (fuzzNoChannels) FindChannel(context.Context, int64, int64) (*msgcenter.Channel, error) {
	return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Channel not found.")
}

// FuzzMessageCenterPut puts arbitrary bodies to PUT …/message-center/order_placed:
// never 500; what is saved validates and holds only plain text; any
// refusal is 400, 413 or 422 naming a field, in words, and saves nothing.
func FuzzMessageCenterPut(f *testing.F) {
	for _, s := range []string{
		`{"type":"custom","body":"Hi {{customer.name}}, order {{order_id}}","button_label":"See order"}`,
		`{"automation_enabeld":false}`, `{"automation_enabled":"false"}`, `{"type":7}`, `{"language":"fr"}`,
		`{"type":"custom","body":"a\u0000b","button_label":"x"}`, `{"fallback":{"enabled":true,"channel_id":3}}`,
		`{"version":1.5}`, `{"body":"{{ nope }}","type":"custom","button_label":"Go"}`, `[]`, ``, `{"type":"custom"} x`,
	} {
		f.Add([]byte(s))
	}
	msgs := &fuzzMessages{}
	srv, err := http.NewServer(http.Config{Users: integrationUsers{}, Stores: integrationStores{}, Messages: msgs, Commerce: fuzzNoChannels{}})
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	auth := map[string]string{"Authorization": "Bearer tok-owner"}
	f.Fuzz(func(t *testing.T, body []byte) {
		msgs.saved = nil
		w := serveMethod(h, "PUT", "/api/v1/stores/5/message-center/order_placed", body, auth)
		switch w.Code {
		case nethttp.StatusOK:
			c := msgs.saved
			if c == nil {
				t.Fatalf("200 without a save: %q", body)
			}
			if err := c.Validate(); err != nil {
				t.Fatalf("saved an invalid configuration from %q: %v", body, err)
			}
			if !plainText(c.Body) || !plainText(c.ButtonLabel) {
				t.Fatalf("saved text that is not plain from %q: %+v", body, c)
			}
		case nethttp.StatusBadRequest, nethttp.StatusUnprocessableEntity, nethttp.StatusRequestEntityTooLarge, nethttp.StatusConflict:
			if w.Code != nethttp.StatusConflict {
				checkRefusal(t, body, w.Code, w.Body.Bytes())
			}
			if msgs.saved != nil {
				t.Fatalf("refused %q after saving it", body)
			}
		default:
			t.Fatalf("PUT %q = %d %s", body, w.Code, w.Body)
		}
	})
}
