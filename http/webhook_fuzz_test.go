package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/http"
	"github.com/qiscus/msgcenter/mock"
)

// fuzzButtons is the custom button of store 5 with secret fuzzSecret; Click
// records what the webhook decoded.
type fuzzButtons struct {
	msgcenter.CustomButtonService
	mu     sync.Mutex
	clicks []*msgcenter.ButtonClick
	kept   [][]byte
}

func (f *fuzzButtons) KeepUnplacedClick(_ context.Context, storeID int64, payload []byte, reason string) (*msgcenter.UnplacedClick, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.kept = append(f.kept, payload)
	return &msgcenter.UnplacedClick{ID: int64(len(f.kept)), StoreID: storeID, Payload: string(payload), Reason: reason}, nil
}

const fuzzSecret = "fuzz-Secret-0123456789abcdefghijklmnopq"

func (f *fuzzButtons) FindCustomButton(_ context.Context, storeID int64) (*msgcenter.CustomButton, error) {
	if storeID != 5 {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "No button.")
	}
	return &msgcenter.CustomButton{StoreID: 5, Secret: fuzzSecret}, nil
}

func (f *fuzzButtons) Click(_ context.Context, storeID int64, secret string, c *msgcenter.ButtonClick) (*msgcenter.ClickResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.clicks = append(f.clicks, c)
	return &msgcenter.ClickResult{Status: msgcenter.ClickSent, DeliveryID: 1, RoomID: 1}, nil
}

// errorCode returns the code of a JSON error answer, "" if there is none.
func errorCode(body []byte) string {
	var e struct{ Error struct{ Code string } }
	_ = json.Unmarshal(body, &e)
	return e.Error.Code
}

// serve sends body to path through h and returns the recorded answer.
func serve(h nethttp.Handler, path string, body []byte, header map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", path, strings.NewReader(string(body)))
	r.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// FuzzCustomButtonPayload posts arbitrary bodies to the custom button
// webhook: it never fails with 500; a payload it accepts is JSON and
// carries a non-empty room id; a JSON object naming no room is kept for the
// admin and answered 422; one it refuses gets 400 EBADREQUEST (413 when too
// large) and reaches no service.
func FuzzCustomButtonPayload(f *testing.F) {
	for _, s := range []string{
		`{"room_id":"123","channel":{"id":4521,"type":"wa"},"customer":{"name":"Siti","user_id":"6281"},"agent":{"email":"a@x.id","name":"Agent"}}`,
		`{"room_id":123,"channel_id":"88","source":"telegram"}`,
		`{"room_id":"  "}`, `{"room_id":null}`, `{"room_id":1.5e3}`, `{"room_id":true}`, `{"room_id":{}}`,
		`{"room_id":"1","channel":null,"customer":null}`, `{"room_id":"1","channel":{"id":"x","source":"IG"}}`,
		`{"room_id":"1"} {"room_id":"2"}`, `{"room_id":"1"}]`, `[]`, `"x"`, `null`, ``, `{`, `{"room_id":"\ud800"}`,
		`{"room_id":"1","room_id":""}`, `{"room_id":"","room_id":"1"}`, `{"ROOM_ID":"7"}`, "{\"room_id\":\"\xff\"}",
		`{"room_id":"1","channel_id":99999999999999999999999}`, `{"room_id":-0}`, `{"room_id":1e999}`,
		`{"room":{"id":88213004},"customer":{"user_id":"6281"}}`, `{"additional_info":[{"key":"room_id","value":"77"}]}`,
		`{"additional_info":{"room_id":5}}`, `{"customer":{"user_id":"6281"},"agent":{"email":"a@x.id"}}`, `{"room":"x"}`,
	} {
		f.Add([]byte(s))
	}
	buttons := &fuzzButtons{}
	srv, err := http.NewServer(http.Config{CustomButtons: buttons,
		Stores: &mock.StoreService{FindStoreByIDFn: func(_ context.Context, id int64) (*msgcenter.Store, error) {
			return &msgcenter.Store{ID: id, Name: "Toko", Language: msgcenter.LanguageEnglish}, nil
		}},
		Deliveries: &mock.DeliveryService{FindDeliveryFn: func(_ context.Context, storeID, id int64) (*msgcenter.Delivery, error) {
			return &msgcenter.Delivery{ID: id, StoreID: storeID, Status: msgcenter.StatusSent}, nil
		}}})
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	f.Fuzz(func(t *testing.T, body []byte) {
		buttons.mu.Lock()
		buttons.clicks, buttons.kept = nil, nil
		buttons.mu.Unlock()
		w := serve(h, "/hooks/omnichannel/5/custom-button/"+fuzzSecret, body, nil)
		switch w.Code {
		case nethttp.StatusOK:
			if !json.Valid(body) {
				t.Fatalf("accepted a body that is not JSON: %q", body)
			}
			if len(buttons.clicks) != 1 {
				t.Fatalf("accepted with %d clicks", len(buttons.clicks))
			}
			c := buttons.clicks[0]
			if strings.TrimSpace(c.RoomID) == "" {
				t.Fatalf("accepted %q with no room id", body)
			}
			var payload map[string]any
			dec := json.NewDecoder(bytes.NewReader(c.Payload))
			dec.UseNumber() // numbers beyond float64, such as 1e999, are valid JSON
			if err := dec.Decode(&payload); err != nil || !json.Valid(c.Payload) {
				t.Fatalf("normalised payload %q is not a JSON object: %v", c.Payload, err)
			}
			if c.ChannelID < 0 {
				t.Fatalf("channel id %d", c.ChannelID)
			}
		case nethttp.StatusUnprocessableEntity:
			if code := errorCode(w.Body.Bytes()); code != msgcenter.EINVALID || !strings.Contains(w.Body.String(), "kept") {
				t.Fatalf("unplaced %q answered %s", body, w.Body)
			}
			if len(buttons.kept) != 1 || len(buttons.clicks) != 0 {
				t.Fatalf("unplaced %q: %d kept, %d clicks; want it kept once and not handled", body, len(buttons.kept), len(buttons.clicks))
			}
		case nethttp.StatusBadRequest, nethttp.StatusRequestEntityTooLarge:
			if code := errorCode(w.Body.Bytes()); code != "EBADREQUEST" && code != msgcenter.ETOOLARGE {
				t.Fatalf("refused %q with %d %s", body, w.Code, w.Body)
			}
			if len(buttons.clicks)+len(buttons.kept) != 0 {
				t.Fatalf("refused %q after the click was handled or kept", body)
			}
			if strings.Contains(w.Body.String(), "msgcenter.") || strings.Contains(w.Body.String(), "http.flexString") {
				t.Fatalf("refused %q naming a Go type: %s", body, w.Body)
			}
		default:
			t.Fatalf("POST %q = %d %s", body, w.Code, w.Body)
		}
	})
}

// fuzzCommerce is a store with one WhatsApp and one Telegram channel and
// one room; it records the rooms created and updated.
type fuzzCommerce struct {
	msgcenter.CommerceService
	created, updated []*msgcenter.Room
}

func (c *fuzzCommerce) FindRoomByExternalID(_ context.Context, storeID int64, ext string) (*msgcenter.Room, error) {
	if storeID == 5 && ext == "r-77" {
		return &msgcenter.Room{ID: 1, StoreID: 5, ChannelID: 7, ExternalID: "r-77", LastInboundAt: fuzzNow.Add(-30 * time.Hour)}, nil
	}
	return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room not found.")
}

func (c *fuzzCommerce) FindChannels(context.Context, int64) ([]*msgcenter.Channel, error) {
	return []*msgcenter.Channel{
		{ID: 7, StoreID: 5, Type: msgcenter.ChannelWhatsApp, ExternalID: "4521"},
		{ID: 8, StoreID: 5, Type: msgcenter.ChannelTelegram, ExternalID: "88"},
	}, nil
}

func (c *fuzzCommerce) EnsureRoom(_ context.Context, r *msgcenter.Room) (bool, error) {
	r.ID = 100
	c.created = append(c.created, r)
	return true, nil
}

func (c *fuzzCommerce) UpdateRoom(_ context.Context, storeID, id int64, upd msgcenter.RoomUpdate) (*msgcenter.Room, error) {
	r := &msgcenter.Room{ID: id, StoreID: storeID, LastInboundAt: *upd.InboundAt}
	c.updated = append(c.updated, r)
	return r, nil
}

var fuzzNow = time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)

// FuzzQiscusInboundPayload posts arbitrary bodies to the inbound-message
// webhook: never 500; an accepted payload names a room, and what it writes
// is the store's, with a last inbound time not in the future, a name of at
// most 100 characters and a valid phone or none; a refused one gets 400
// EBADREQUEST (413 when too large) and writes nothing.
func FuzzQiscusInboundPayload(f *testing.F) {
	msg := func(room, from, options, ts string) string {
		return `{"type":"post_comment_mobile","payload":{"from":{"email":"` + from + `","name":"Siti"},"room":{"id":` + room +
			`,"options":` + options + `},"message":{"type":"text","text":"halo","timestamp":"` + ts + `"}}}`
	}
	for _, s := range []string{
		msg(`"r-77"`, "6281234567890", `{"source":"wa","channel_details":{"channel_id":4521}}`, "2026-03-15T11:59:30Z"),
		msg(`123456`, "6289876543210", `"{\"channel\":\"wa\",\"channel_details\":{\"channel_id\":4521},\"source\":\"wa\"}"`, "not a time"),
		msg(`"tg-1"`, "tg-user", `{"source":"telegram"}`, "9999-12-31T23:59:59Z"),
		msg(`"ig-1"`, "ig-user", `{"source":"ig"}`, "0001-01-01T00:00:00Z"),
		msg(`"x"`, "kopi_admin@qismo.com", `null`, ""),
		msg(`null`, "a", `"\"not json"`, ""),
		`{"payload":{"room":{"id_str":"55","options":"{\"source\":\"wa\"}"},"from":{"email":"+6281234"}}}`,
		`{"payload":{"room":{"id":""}}}`, `{"payload":null}`, `{"payload":{"room":{"id":[1]}}}`, `{}`, `[]`, ``,
		`{"payload":{"room":{"id":"1"}}}]`, `{"payload":{"room":{"id":"1"}}} {}`,
	} {
		f.Add([]byte(s))
	}
	conns := &integrationService{conns: map[int64]*msgcenter.Integration{}, secrets: map[int64]string{}}
	in, err := conns.ConnectQiscus(context.Background(), 5, "kopi-abc", "s3cret", "")
	if err != nil {
		f.Fatal(err)
	}
	commerce := &fuzzCommerce{}
	srv, err := http.NewServer(http.Config{Now: func() time.Time { return fuzzNow }, Commerce: commerce, Integrations: conns})
	if err != nil {
		f.Fatal(err)
	}
	h := srv.Handler()
	path := "/hooks/qiscus/5/inbound/" + in.InboundSecret
	f.Fuzz(func(t *testing.T, body []byte) {
		commerce.created, commerce.updated = nil, nil
		w := serve(h, path, body, nil)
		written := append(append([]*msgcenter.Room(nil), commerce.created...), commerce.updated...)
		switch w.Code {
		case nethttp.StatusOK:
			if !json.Valid(body) {
				t.Fatalf("accepted a body that is not JSON: %q", body)
			}
			var res struct {
				Updated *bool `json:"updated"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil || res.Updated == nil {
				t.Fatalf("answer %s", w.Body)
			}
			if *res.Updated != (len(written) > 0 || strings.Contains(w.Body.String(), `"room_id":1,`)) {
				t.Fatalf("updated=%v but %d rooms written: %s", *res.Updated, len(written), w.Body)
			}
			for _, r := range commerce.created {
				if r.ExternalID == "" || r.StoreID != 5 || (r.ChannelID != 7 && r.ChannelID != 8) {
					t.Fatalf("created room %+v", r)
				}
				if utf8.RuneCountInString(r.CustomerName) > 100 || (r.CustomerPhone != "" && !msgcenter.ValidPhone(r.CustomerPhone)) {
					t.Fatalf("created room %+v", r)
				}
			}
			for _, r := range written {
				if r.LastInboundAt.After(fuzzNow) {
					t.Fatalf("last inbound at %v, now %v", r.LastInboundAt, fuzzNow)
				}
			}
		case nethttp.StatusBadRequest, nethttp.StatusRequestEntityTooLarge:
			if code := errorCode(w.Body.Bytes()); code != "EBADREQUEST" && code != msgcenter.ETOOLARGE {
				t.Fatalf("refused %q with %d %s", body, w.Code, w.Body)
			}
			if len(written) > 0 {
				t.Fatalf("refused %q after writing %d rooms", body, len(written))
			}
		default:
			t.Fatalf("POST %q = %d %s", body, w.Code, w.Body)
		}
	})
}
