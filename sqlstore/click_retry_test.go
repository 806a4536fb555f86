package sqlstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

// TestClickAfterFailure clicks twice within the de-duplication window: a
// retry of a click whose message is queued or sent is a duplicate, but one
// whose message failed raises a new message.
func TestClickAfterFailure(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		s := sqlstore.NewCustomButtonService(f.db, nil, func() string { return "https://shop.example.com/" })
		b, err := s.SetupCustomButton(ctx, f.store)
		if err != nil {
			t.Fatal(err)
		}
		click := &msgcenter.ButtonClick{RoomID: fmt.Sprint(f.waRoom.ID), ChannelID: f.wa.ID, ChannelType: msgcenter.ChannelWhatsApp,
			AgentEmail: "a@example.com", Payload: []byte(`{"room_id":"again"}`)}
		first, err := s.Click(ctx, f.store.ID, b.Secret, click)
		if err != nil || first.Status != msgcenter.ClickSent {
			t.Fatalf("first click = %+v, %v", first, err)
		}
		f.enq.take(t)
		if dup, err := s.Click(ctx, f.store.ID, b.Secret, click); err != nil || dup.Status != msgcenter.ClickDuplicate || dup.DeliveryID != first.DeliveryID {
			t.Fatalf("retry of a queued click = %+v, %v; want a duplicate of %d", dup, err, first.DeliveryID)
		}
		if _, err := f.deliveries.RecordDeliveryResult(ctx, first.DeliveryID, msgcenter.DeliveryResult{Status: msgcenter.StatusFailed,
			Reason: msgcenter.ReasonSessionExpired, Attempt: &msgcenter.Attempt{At: time.Now(), Outcome: "failed", Error: "expired"}}); err != nil {
			t.Fatal(err)
		}
		again, err := s.Click(ctx, f.store.ID, b.Secret, click)
		if err != nil || again.Status != msgcenter.ClickSent || again.DeliveryID == first.DeliveryID {
			t.Fatalf("click after a failure = %+v, %v; want a new message", again, err)
		}
		if ids := f.enq.take(t); len(ids) != 1 || ids[0] != again.DeliveryID {
			t.Fatalf("enqueued %v, want the new message %d", ids, again.DeliveryID)
		}
		if dup, err := s.Click(ctx, f.store.ID, b.Secret, click); err != nil || dup.Status != msgcenter.ClickDuplicate || dup.DeliveryID != again.DeliveryID {
			t.Fatalf("retry of the new click = %+v, %v; want a duplicate of %d", dup, err, again.DeliveryID)
		}
	})
}
