package http_test

import (
	"context"
	"encoding/json"
	nethttp "net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/http"
	"github.com/qiscus/msgcenter/mock"
)

// answerButtons answers every click with status and delivery 7.
type answerButtons struct {
	fuzzButtons
	status string
}

func (b *answerButtons) Click(context.Context, int64, string, *msgcenter.ButtonClick) (*msgcenter.ClickResult, error) {
	return &msgcenter.ClickResult{Status: b.status, DeliveryID: 7, RoomID: 3}, nil
}

func TestCustomButtonAnswer(t *testing.T) {
	const click = `{"room_id":"3","channel":{"id":1,"type":"wa"}}`
	for _, tc := range []struct {
		name     string
		click    string
		lang     msgcenter.Language
		statuses []msgcenter.Delivery // the message as read in turn; the last one stays
		want     map[string]any
		says     string
	}{
		{"Sent", msgcenter.ClickSent, msgcenter.LanguageEnglish,
			[]msgcenter.Delivery{{Status: msgcenter.StatusSent}},
			map[string]any{"status": "sent", "message_status": "sent"}, "was sent"},
		{"WaitsForTheQueue", msgcenter.ClickSent, msgcenter.LanguageEnglish,
			[]msgcenter.Delivery{{Status: msgcenter.StatusQueued}, {Status: msgcenter.StatusQueued}, {Status: msgcenter.StatusSent}},
			map[string]any{"status": "sent", "message_status": "sent"}, "was sent"},
		{"FailedWithReason", msgcenter.ClickSent, msgcenter.LanguageIndonesian,
			[]msgcenter.Delivery{{Status: msgcenter.StatusFailed, Reason: msgcenter.ReasonSessionExpired}},
			map[string]any{"status": "failed", "message_status": "failed", "reason": "session_expired",
				"reason_text": msgcenter.ReasonSessionExpired.Text(msgcenter.LanguageIndonesian)}, "tidak terkirim"},
		{"DuplicateOfSent", msgcenter.ClickDuplicate, msgcenter.LanguageEnglish,
			[]msgcenter.Delivery{{Status: msgcenter.StatusSent}},
			map[string]any{"status": "duplicate", "message_status": "sent"}, "nothing more was sent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var reads atomic.Int32
			srv, err := http.NewServer(http.Config{CustomButtons: &answerButtons{status: tc.click},
				Stores: &mock.StoreService{FindStoreByIDFn: func(_ context.Context, id int64) (*msgcenter.Store, error) {
					return &msgcenter.Store{ID: id, Name: "Toko", Language: tc.lang}, nil
				}},
				Deliveries: &mock.DeliveryService{FindDeliveryFn: func(_ context.Context, storeID, id int64) (*msgcenter.Delivery, error) {
					if storeID != 5 || id != 7 {
						t.Errorf("read message %d of store %d, want 7 of 5", id, storeID)
					}
					n := int(reads.Add(1)) - 1
					d := tc.statuses[min(n, len(tc.statuses)-1)]
					return &d, nil
				}}})
			if err != nil {
				t.Fatal(err)
			}
			w := serve(srv.Handler(), "/hooks/omnichannel/5/custom-button/"+fuzzSecret, []byte(click), nil)
			var got map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || w.Code != nethttp.StatusOK {
				t.Fatalf("answer %d %s", w.Code, w.Body)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %v, want %v (answer %s)", k, got[k], v, w.Body)
				}
			}
			if msg, _ := got["message"].(string); !strings.Contains(msg, tc.says) {
				t.Errorf("message %q, want it to say %q", msg, tc.says)
			}
			if got["delivery_id"] != float64(7) || got["room_id"] != float64(3) {
				t.Errorf("answer %s, want delivery 7 in room 3", w.Body)
			}
		})
	}
}
