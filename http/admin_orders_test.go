package http_test

import (
	"context"
	"html"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/http"
	"github.com/qiscus/msgcenter/mock"
)

// adminFixture is a server whose one admin, signed in by the session
// "s3ssion", owns store 1 with three orders.
type adminFixture struct {
	URL string

	mu       sync.Mutex
	batches  [][]int64 // the order ids of each FindOrdersDeliveries call
	messages map[int64][]*msgcenter.Delivery
}

func newAdminFixture(tb testing.TB) *adminFixture {
	tb.Helper()
	f := &adminFixture{messages: map[int64][]*msgcenter.Delivery{}}
	admin := &msgcenter.User{ID: 7, Email: "admin@example.com"}
	st := &msgcenter.Store{ID: 1, OwnerID: 7, Slug: "kopi-senja", Name: "Kopi Senja", Currency: "IDR",
		TimeZone: "Asia/Jakarta", Language: msgcenter.LanguageEnglish}
	var orders []*msgcenter.Order
	for i := int64(1); i <= 3; i++ {
		o := newCustomerOrder(1, i, "tok", msgcenter.OrderPlaced)
		orders = append(orders, o)
		id := o.ID
		for j, status := range []msgcenter.DeliveryStatus{msgcenter.StatusSent, msgcenter.StatusFailed, msgcenter.StatusFailed}[:i] {
			f.messages[id] = append(f.messages[id], &msgcenter.Delivery{ID: id*10 + int64(j), StoreID: 1, OrderID: &id,
				Event: msgcenter.EventOrderPlaced, Kind: msgcenter.KindAutomation, Status: status,
				ChannelType: msgcenter.ChannelMessenger, CreatedAt: time.Now()})
		}
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
		Commerce: &mock.CommerceService{FindOrdersFn: func(context.Context, int64, msgcenter.OrderFilter) ([]*msgcenter.Order, error) {
			return orders, nil
		}},
		// FindDeliveries is left nil: the order list must not ask per order.
		Deliveries: &mock.DeliveryService{FindOrdersDeliveriesFn: func(_ context.Context, storeID int64, ids []int64) ([]*msgcenter.Delivery, error) {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.batches = append(f.batches, slices.Clone(ids))
			var out []*msgcenter.Delivery
			for _, id := range ids {
				out = append(out, f.messages[id]...)
			}
			return out, nil
		}},
		Messages: &mock.MessageConfigService{FindMessageConfigFn: func(_ context.Context, storeID int64, e msgcenter.Event) (*msgcenter.MessageConfig, error) {
			return msgcenter.DefaultMessageConfig(storeID, e), nil
		}},
	})
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	tb.Cleanup(ts.Close)
	f.URL = ts.URL
	return f
}

// get fetches path as the signed-in admin.
func (f *adminFixture) get(tb testing.TB, path string) (int, string) {
	tb.Helper()
	req, err := nethttp.NewRequest("GET", f.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.AddCookie(&nethttp.Cookie{Name: "msgcenter_session", Value: "s3ssion"})
	resp, err := nethttp.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestAdminOrdersOneRead(t *testing.T) {
	f := newAdminFixture(t)
	code, page := f.get(t, "/admin/stores/1/orders")
	if code != nethttp.StatusOK {
		t.Fatalf("status %d: %s", code, page)
	}
	if len(f.batches) != 1 || !slices.Equal(f.batches[0], []int64{1, 2, 3}) {
		t.Fatalf("FindOrdersDeliveries calls %v, want one with the page's orders [1 2 3]", f.batches)
	}
	page = html.UnescapeString(page)
	for _, want := range []string{"Sent (1) · Failed (0)", "Sent (1) · Failed (1)", "Sent (1) · Failed (2)", "Messenger"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestMessageCenterPageChannelNames(t *testing.T) {
	f := newAdminFixture(t)
	code, page := f.get(t, "/admin/stores/1/message-center/order_paid")
	if code != nethttp.StatusOK {
		t.Fatalf("status %d: %s", code, page)
	}
	i := strings.Index(page, `data-channel-names="`)
	if i < 0 {
		t.Fatal("the form carries no data-channel-names")
	}
	attr := page[i+len(`data-channel-names="`):]
	attr = html.UnescapeString(attr[:strings.IndexByte(attr, '"')])
	for _, ct := range msgcenter.ChannelTypes() {
		if want := `"` + string(ct) + `":"` + ct.Title() + `"`; !strings.Contains(attr, want) {
			t.Errorf("channel names %s lack %s", attr, want)
		}
	}
}
