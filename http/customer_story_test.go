package http_test

import (
	"context"
	"html"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/http"
	"github.com/qiscus/msgcenter/mock"
)

// TestOrderPageStory: the order page says what the customer's chat was
// actually sent about the order's latest update, and how to pay an
// unpaid bank transfer, in the store's language.
func TestOrderPageStory(t *testing.T) {
	withBank := &msgcenter.Store{ID: 1, Slug: "warung", Name: "Warung Bu Sri 🍜", Currency: "IDR", TimeZone: "Asia/Jakarta",
		Language: msgcenter.LanguageIndonesian, BankTransferInstructions: "BCA 123-456-7890\na.n. Sri Wahyuni"}
	noBank := &msgcenter.Store{ID: 2, Slug: "kopi", Name: "Kopi Senja", Currency: "IDR", TimeZone: "Asia/Jakarta",
		Language: msgcenter.LanguageEnglish}
	stores := map[int64]*msgcenter.Store{1: withBank, 2: noBank}
	room := int64(9)
	msg := func(e msgcenter.Event, k msgcenter.DeliveryKind, s msgcenter.DeliveryStatus, r msgcenter.Reason) *msgcenter.Delivery {
		return &msgcenter.Delivery{SubjectType: msgcenter.SubjectOrder, SubjectID: 1, Event: e, RoomID: &room, Kind: k, Status: s, Reason: r}
	}
	const (
		placed, paid = msgcenter.EventOrderPlaced, msgcenter.EventOrderPaid
		auto, fb     = msgcenter.KindAutomation, msgcenter.KindFallback
	)
	for _, tc := range []struct {
		name    string
		store   int64
		status  msgcenter.OrderStatus
		payment string
		ds      []*msgcenter.Delivery
		want    []string
		notWant []string
	}{
		{"Sent", 2, msgcenter.OrderPlaced, "qris", []*msgcenter.Delivery{msg(placed, auto, msgcenter.StatusSent, "")},
			[]string{"We sent the order details to your chat."}, []string{`id="how-to-pay"`}},
		{"ByFallback", 2, msgcenter.OrderPlaced, "qris", []*msgcenter.Delivery{
			msg(placed, auto, msgcenter.StatusFailed, msgcenter.ReasonSessionExpired), msg(placed, fb, msgcenter.StatusSent, "")},
			[]string{"only a short notice of this order, not its details"}, []string{"We sent the order details"}},
		{"Sending", 2, msgcenter.OrderPlaced, "qris", []*msgcenter.Delivery{msg(placed, auto, msgcenter.StatusQueued, "")},
			[]string{"We are sending a message about this order to your chat."}, nil},
		{"FallbackSending", 2, msgcenter.OrderPlaced, "qris", []*msgcenter.Delivery{
			msg(placed, auto, msgcenter.StatusFailed, msgcenter.ReasonSessionExpired), msg(placed, fb, msgcenter.StatusQueued, "")},
			[]string{"We are sending a message about this order to your chat."}, nil},
		{"Failed", 2, msgcenter.OrderPlaced, "qris", []*msgcenter.Delivery{
			msg(placed, auto, msgcenter.StatusFailed, msgcenter.ReasonSessionExpired), msg(placed, fb, msgcenter.StatusFailed, msgcenter.ReasonInsufficientCredits)},
			[]string{"We could not send a message about this order to your chat."}, []string{"We sent"}},
		{"NoRoom", 2, msgcenter.OrderPlaced, "qris", []*msgcenter.Delivery{msg(placed, auto, msgcenter.StatusFailed, msgcenter.ReasonNoRoom)},
			[]string{"This order was not placed from a chat"}, nil},
		{"NothingRaised", 2, msgcenter.OrderPlaced, "qris", nil,
			[]string{"This order was not placed from a chat"}, nil},
		{"AutomationOff", 2, msgcenter.OrderPlaced, "qris", []*msgcenter.Delivery{msg(placed, auto, msgcenter.StatusSkipped, msgcenter.ReasonAutomationDisabled)},
			[]string{"The store sends no chat message for this update."}, nil},
		{"PaidTellsPayment", 2, msgcenter.OrderPaid, "bank_transfer", []*msgcenter.Delivery{
			msg(placed, auto, msgcenter.StatusSent, ""), msg(paid, auto, msgcenter.StatusSent, "")},
			[]string{"We sent the payment confirmation to your chat."}, []string{`id="how-to-pay"`, "order details to your chat"}},
		{"PaidByFallback", 1, msgcenter.OrderPaid, "qris", []*msgcenter.Delivery{
			msg(placed, auto, msgcenter.StatusSent, ""), msg(paid, auto, msgcenter.StatusFailed, msgcenter.ReasonSessionExpired),
			msg(paid, fb, msgcenter.StatusSent, "")},
			[]string{"pemberitahuan singkat tentang pembayaran Anda"}, nil},
		{"BankTransferInstructions", 1, msgcenter.OrderPlaced, "bank_transfer", []*msgcenter.Delivery{msg(placed, auto, msgcenter.StatusSent, "")},
			[]string{"Detail pesanan sudah kami kirim ke chat Anda.", "Cara membayar", "Transfer tepat Rp\u00a0", "sebagai berita transfer",
				"BCA 123-456-7890\na.n. Sri Wahyuni"}, []string{`id="pay-ask"`}},
		{"BankTransferDefault", 2, msgcenter.OrderPlaced, "bank_transfer", []*msgcenter.Delivery{msg(placed, auto, msgcenter.StatusSent, "")},
			[]string{"How to pay", "Transfer exactly Rp\u00a0", "Kopi Senja has not published its bank account here yet: ask the store for it."},
			[]string{`id="pay-instructions"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := newCustomerOrder(tc.store, 1042, "story-token", tc.status)
			o.PaymentMethod = tc.payment
			srv, err := http.NewServer(http.Config{
				Stores: &mock.StoreService{FindStoreByIDFn: func(_ context.Context, id int64) (*msgcenter.Store, error) {
					return stores[id], nil
				}},
				Commerce: &mock.CommerceService{FindOrderByTokenFn: func(context.Context, string) (*msgcenter.Order, error) { return o, nil }},
				Deliveries: &mock.DeliveryService{FindDeliveriesFn: func(_ context.Context, storeID int64, f msgcenter.DeliveryFilter) ([]*msgcenter.Delivery, error) {
					if storeID != o.StoreID || f.OrderID == nil || *f.OrderID != o.ID {
						t.Errorf("FindDeliveries(%d, %+v), want the order's", storeID, f)
					}
					return tc.ds, nil
				}},
			})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(srv.Handler())
			defer ts.Close()
			resp := customerGet(t, ts.URL+"/order/story-token")
			body := html.UnescapeString(resp.Body)
			if resp.Status != 200 {
				t.Fatalf("status %d: %s", resp.Status, body)
			}
			if tc.payment == "bank_transfer" && tc.status == msgcenter.OrderPlaced && !strings.Contains(body, "#1042") {
				t.Errorf("the payment's reference lacks the order number")
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("order page lacks %q", w)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(body, w) {
					t.Errorf("order page has %q", w)
				}
			}
		})
	}
}
