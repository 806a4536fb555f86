package delivery_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/mock"
)

// TestDeliverWaits covers outages and rejected keys: the message stays
// queued with the waiting reason, no attempt (so no try) is recorded, and
// the job is snoozed, until the longest wait has passed.
func TestDeliverWaits(t *testing.T) {
	unavailable := &msgcenter.ProviderError{Kind: msgcenter.ProviderUnavailable, Reason: msgcenter.ReasonProviderUnavailable,
		Message: "circuit breaker is open", RetryAfter: 7 * time.Second}
	unauthorized := &msgcenter.ProviderError{Kind: msgcenter.ProviderUnauthorized, Reason: msgcenter.ReasonProviderUnauthorized,
		Message: "HTTP 401"}
	for _, tc := range []struct {
		name    string
		err     error
		age     time.Duration // how long ago the message was created
		tries   int
		wait    time.Duration // the snooze's least length; 0 when the message fails
		maxWait time.Duration // the snooze's greatest length
		reason  msgcenter.Reason
	}{
		{"UnavailableWithRetryAfter", unavailable, time.Minute, 0, 7 * time.Second, 9 * time.Second, msgcenter.ReasonProviderUnavailable},
		{"UnavailableOnTheLastTry", unavailable, time.Minute, 2, 7 * time.Second, 9 * time.Second, msgcenter.ReasonProviderUnavailable},
		{"UnavailableWithoutRetryAfterWaitsHalfItsAge", &msgcenter.ProviderError{Kind: msgcenter.ProviderUnavailable,
			Reason: msgcenter.ReasonProviderUnavailable, Message: "503"}, 4 * time.Second, 0, 2 * time.Second, 3 * time.Second, msgcenter.ReasonProviderUnavailable},
		{"UnavailableNearTheEndWaitsOnlyTillIt", unavailable, 24*time.Hour - 2*time.Second, 0, 2 * time.Second, 2 * time.Second, msgcenter.ReasonProviderUnavailable},
		{"Unauthorized", errors.Join(errors.New("send"), unauthorized), time.Hour, 1, time.Minute, time.Minute, msgcenter.ReasonProviderUnauthorized},
		{"UnavailablePastTheLongestWait", unavailable, 24 * time.Hour, 0, 0, 0, msgcenter.ReasonProviderUnavailable},
		{"UnauthorizedPastTheLongestWait", unauthorized, 25 * time.Hour, 0, 0, 0, msgcenter.ReasonProviderUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorker(t, msgcenter.EventOrderPlaced, msgcenter.ChannelInstagram, now.Add(-time.Hour))
			w.Work.Tries = tc.tries
			w.Work.Delivery.CreatedAt = now.Add(-tc.age)
			w.Provider.SendFn = func(context.Context, *msgcenter.OutboundMessage) (*msgcenter.SendResult, error) { return nil, tc.err }
			err := w.deliver(t)
			res := w.result(t)
			if tc.wait == 0 {
				if err != nil {
					t.Fatalf("Deliver: %v, want nil: the message failed for good", err)
				}
				assertResult(t, res, msgcenter.StatusFailed, tc.reason, "failed")
				return
			}
			var snooze *river.JobSnoozeError
			if !errors.As(err, &snooze) {
				t.Fatalf("Deliver: %v, want the job snoozed", err)
			}
			if snooze.Duration < tc.wait || snooze.Duration > tc.maxWait {
				t.Errorf("snoozed %v, want %v to %v", snooze.Duration, tc.wait, tc.maxWait)
			}
			assertResult(t, res, msgcenter.StatusQueued, tc.reason, "")
			if res.Text == "" {
				t.Error("the waiting message's content was not kept")
			}
		})
	}
}

// TestDeliverRoomFacts covers the platform's last customer message time: it
// decides the 24-hour rule for a room msgcenter has heard nothing from since
// it made it, and the later time counts otherwise.
func TestDeliverRoomFacts(t *testing.T) {
	for _, tc := range []struct {
		name          string
		ownSinceMade  bool          // msgcenter recorded a customer message after making the room
		own, platform time.Duration // how long ago each says the customer wrote
		sent          bool
	}{
		{"MadeByAClickPlatformSaysExpired", false, 0, 30 * time.Hour, false},
		{"MadeByAClickPlatformSaysOpen", false, 0, time.Hour, true},
		{"OwnLaterThanPlatform", true, time.Hour, 30 * time.Hour, true},
		{"PlatformLaterThanOwn", true, 30 * time.Hour, time.Hour, true},
		{"BothExpired", true, 26 * time.Hour, 30 * time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorker(t, msgcenter.EventOrderPlaced, msgcenter.ChannelWhatsApp, now.Add(-tc.own))
			room := w.Work.Room
			room.ExternalID = "88213004"
			room.CreatedAt = room.LastInboundAt
			if tc.ownSinceMade {
				room.CreatedAt = room.LastInboundAt.Add(-time.Minute)
			}
			var asked string
			w.withRoomFacts(func(_ context.Context, storeID int64, ext string) (*msgcenter.RoomFacts, error) {
				asked = ext
				return &msgcenter.RoomFacts{ChannelType: msgcenter.ChannelWhatsApp, LastCustomerAt: now.Add(-tc.platform)}, nil
			})
			if err := w.deliver(t); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			if asked != "88213004" {
				t.Errorf("asked the platform about room %q, want its platform id", asked)
			}
			if tc.sent {
				assertResult(t, w.result(t), msgcenter.StatusSent, "", "sent")
			} else {
				assertResult(t, w.result(t), msgcenter.StatusFailed, msgcenter.ReasonSessionExpired, "")
			}
		})
	}
	t.Run("OutageWaits", func(t *testing.T) {
		w := newWorker(t, msgcenter.EventOrderPlaced, msgcenter.ChannelWhatsApp, now.Add(-time.Hour))
		w.Work.Room.ExternalID = "88213004"
		w.Work.Delivery.CreatedAt = now
		w.withRoomFacts(func(context.Context, int64, string) (*msgcenter.RoomFacts, error) {
			return nil, &msgcenter.ProviderError{Kind: msgcenter.ProviderUnavailable, Reason: msgcenter.ReasonProviderUnavailable, Message: "503"}
		})
		var snooze *river.JobSnoozeError
		if err := w.deliver(t); !errors.As(err, &snooze) {
			t.Fatalf("Deliver: %v, want the job snoozed", err)
		}
		assertResult(t, w.result(t), msgcenter.StatusQueued, msgcenter.ReasonProviderUnavailable, "")
		if len(w.Sent) != 0 {
			t.Errorf("sent %d messages while the platform was unreachable", len(w.Sent))
		}
	})
}

// factsProvider is the fixture's provider that also reports room facts.
type factsProvider struct {
	*mock.Provider
	*mock.RoomFactsProvider
}

// withRoomFacts makes the store's provider report room facts with fn.
func (w *worker) withRoomFacts(fn func(ctx context.Context, storeID int64, ext string) (*msgcenter.RoomFacts, error)) {
	p := factsProvider{Provider: &w.Provider, RoomFactsProvider: &mock.RoomFactsProvider{RoomFactsFn: fn}}
	w.Providers.ProviderForFn = func(context.Context, int64) (msgcenter.FullProvider, error) { return p, nil }
}
