package http_test

import (
	"context"
	"html"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/http"
	"github.com/qiscus/msgcenter/mock"
)

// messagesFixture is a server whose admin (session "s3ssion", language
// lang) owns store 1: order 1, whose every update went by fallback, and
// messages of no order from each trigger.
func messagesFixture(tb testing.TB, lang msgcenter.Language) *adminFixture {
	tb.Helper()
	admin := &msgcenter.User{ID: 7, Email: "admin@example.com", Language: lang}
	st := &msgcenter.Store{ID: 1, OwnerID: 7, Slug: "kopi-senja", Name: "Kopi Senja", Currency: "IDR",
		TimeZone: "Asia/Jakarta", Language: msgcenter.LanguageEnglish}
	o := newCustomerOrder(1, 1, "tok", msgcenter.OrderPaid)
	room, other := int64(5), int64(6)
	now := time.Now()
	d := func(id int64, subject msgcenter.SubjectType, e msgcenter.Event, room *int64, k msgcenter.DeliveryKind, s msgcenter.DeliveryStatus) *msgcenter.Delivery {
		out := &msgcenter.Delivery{ID: id, StoreID: 1, SubjectType: subject, SubjectID: 1, Event: e, RoomID: room, Kind: k, Status: s,
			ChannelType: msgcenter.ChannelWhatsApp, CreatedAt: now}
		if subject == msgcenter.SubjectOrder {
			out.OrderID = &o.ID
		}
		return out
	}
	orderMsgs := []*msgcenter.Delivery{
		d(1, msgcenter.SubjectOrder, msgcenter.EventOrderPlaced, &room, msgcenter.KindAutomation, msgcenter.StatusFailed),
		d(2, msgcenter.SubjectOrder, msgcenter.EventOrderPlaced, &room, msgcenter.KindFallback, msgcenter.StatusSent),
		d(3, msgcenter.SubjectOrder, msgcenter.EventOrderPaid, &room, msgcenter.KindAutomation, msgcenter.StatusFailed),
		d(4, msgcenter.SubjectOrder, msgcenter.EventOrderPaid, &room, msgcenter.KindFallback, msgcenter.StatusSent),
	}
	orderMsgs[0].Reason, orderMsgs[2].Reason = msgcenter.ReasonSessionExpired, msgcenter.ReasonSessionExpired
	noOrder := []*msgcenter.Delivery{
		d(10, msgcenter.SubjectClick, msgcenter.EventShareMicrositeURL, &room, msgcenter.KindAutomation, msgcenter.StatusSent),
		d(11, msgcenter.SubjectTest, msgcenter.EventOrderPaid, &other, msgcenter.KindAutomation, msgcenter.StatusSent),
		d(12, msgcenter.SubjectFailedCheckout, msgcenter.EventOrderFailed, &room, msgcenter.KindAutomation, msgcenter.StatusFailed),
		d(13, msgcenter.SubjectFailedCheckout, msgcenter.EventOrderFailed, nil, msgcenter.KindAutomation, msgcenter.StatusFailed),
	}
	rooms := map[int64]*msgcenter.Room{
		room:  {ID: room, StoreID: 1, CustomerName: "Ani 😊", CustomerPhone: "+628111"},
		other: {ID: other, StoreID: 1},
	}
	srv, err := http.NewServer(http.Config{
		Users: &mock.UserService{FindUserBySessionFn: func(_ context.Context, token string) (*msgcenter.User, error) {
			if token == "s3ssion" {
				return admin, nil
			}
			return nil, msgcenter.Errorf(msgcenter.EUNAUTHORIZED, "Sign in.")
		}},
		Stores: &mock.StoreService{
			FindStoreFn: func(_ context.Context, ownerID int64, ref string) (*msgcenter.Store, error) {
				if ownerID == admin.ID && ref == "1" {
					return st, nil
				}
				return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
			},
			FindStoresFn: func(context.Context, int64) ([]*msgcenter.Store, error) { return []*msgcenter.Store{st}, nil },
		},
		Commerce: &mock.CommerceService{
			FindOrdersFn: func(context.Context, int64, msgcenter.OrderFilter) ([]*msgcenter.Order, error) {
				return []*msgcenter.Order{o}, nil
			},
			FindOrderFn: func(context.Context, int64, int64) (*msgcenter.Order, error) { return o, nil },
			FindRoomsByIDFn: func(_ context.Context, storeID int64, ids []int64) ([]*msgcenter.Room, error) {
				var out []*msgcenter.Room
				for _, id := range ids {
					if r := rooms[id]; r != nil && r.StoreID == storeID {
						out = append(out, r)
					}
				}
				return out, nil
			},
		},
		Deliveries: &mock.DeliveryService{
			FindOrdersDeliveriesFn: func(context.Context, int64, []int64) ([]*msgcenter.Delivery, error) { return orderMsgs, nil },
			FindDeliveriesFn: func(_ context.Context, _ int64, f msgcenter.DeliveryFilter) ([]*msgcenter.Delivery, error) {
				if f.NoOrder {
					return noOrder, nil
				}
				return orderMsgs, nil
			},
		},
	})
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	return &adminFixture{URL: ts.URL}
}

// TestOrderDeliveredByFallback: an order whose every automation message
// failed but whose fallbacks were sent reads as delivered by fallback, in
// the list and on the order, not as a red failure.
func TestOrderDeliveredByFallback(t *testing.T) {
	for _, tc := range []struct {
		lang             msgcenter.Language
		summary, covered string
	}{
		{msgcenter.LanguageEnglish, "Sent (2) · Failed (0) · Delivered by fallback (2)", "Delivered by fallback"},
		{msgcenter.LanguageIndonesian, "Terkirim (2) · Gagal (0) · Terkirim lewat fallback (2)", "Terkirim lewat fallback"},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			f := messagesFixture(t, tc.lang)
			for _, path := range []string{"/admin/stores/1/orders", "/admin/stores/1/orders/1"} {
				code, page := f.get(t, path)
				if code != nethttp.StatusOK {
					t.Fatalf("%s: status %d: %s", path, code, page)
				}
				page = html.UnescapeString(page)
				if !strings.Contains(page, tc.summary) {
					t.Errorf("%s lacks %q", path, tc.summary)
				}
				if strings.Contains(page, "msgsum bad") || strings.Contains(page, "st-failed") {
					t.Errorf("%s shows a failure in red", path)
				}
				if n := strings.Count(page, `st-covered">`+tc.covered); n != 2 {
					t.Errorf("%s: %d messages read %q, want 2", path, n, tc.covered)
				}
			}
		})
	}
}

// TestMessagesPageTriggers: the Messages page names each message's
// recipient, room and trigger; an agent's Share is not "automation".
func TestMessagesPageTriggers(t *testing.T) {
	for _, tc := range []struct {
		lang msgcenter.Language
		want []string
	}{
		{msgcenter.LanguageEnglish, []string{
			"Manual share by agent · WhatsApp", "Test message · WhatsApp", "Automation · WhatsApp",
			"To Ani 😊 (+628111) · room 5", "To a customer without a name · room 6", "To nobody: no chat room · —",
		}},
		{msgcenter.LanguageIndonesian, []string{
			"Dibagikan manual oleh agen · WhatsApp", "Pesan uji coba · WhatsApp", "Otomatis · WhatsApp",
			"Kepada Ani 😊 (+628111) · ruang 5", "Terkirim", "Gagal",
		}},
	} {
		t.Run(string(tc.lang), func(t *testing.T) {
			f := messagesFixture(t, tc.lang)
			code, page := f.get(t, "/admin/stores/1/messages")
			if code != nethttp.StatusOK {
				t.Fatalf("status %d: %s", code, page)
			}
			page = html.UnescapeString(page)
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("messages page lacks %q", w)
				}
			}
			// The Share click's line is the manual trigger, never automation.
			i := strings.Index(page, `id="message-10"`)
			j := strings.Index(page, `id="message-11"`)
			if i < 0 || j < i {
				t.Fatalf("messages 10 and 11 not in order")
			}
			if line := page[i:j]; strings.Contains(line, "Automation") || strings.Contains(line, "Otomatis") {
				t.Errorf("the Share click reads as automation: %s", line)
			}
		})
	}
}
