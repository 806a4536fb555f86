package delivery_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
)

// newFallback returns the queued WhatsApp fallback of an order_placed
// message whose session closed, with the fallback enabled on the fallback
// channel and the room on the store's other WhatsApp channel.
func newFallback(tb testing.TB) *worker {
	tb.Helper()
	w := newWorker(tb, msgcenter.EventOrderPlaced, msgcenter.ChannelWhatsApp, now.Add(-25*time.Hour))
	w.enableFallback()
	w.asFallback()
	return w
}

// sentTemplate returns the one template the worker sent.
func (w *worker) sentTemplate(tb testing.TB) *msgcenter.TemplateMessage {
	tb.Helper()
	if len(w.Templates) != 1 {
		tb.Fatalf("templates sent = %d, want 1", len(w.Templates))
	}
	return w.Templates[0]
}

// TestDeliverFallbackSends covers the template a fallback sends and the
// channel it chooses.
func TestDeliverFallbackSends(t *testing.T) {
	t.Run("ConfiguredChannel", func(t *testing.T) {
		w := newFallback(t)
		if err := w.deliver(t); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		res := w.result(t)
		assertResult(t, res, msgcenter.StatusSent, "", msgcenter.OutcomeSent)
		m := w.sentTemplate(t)
		if m.Channel.ID != fallbackChannel || m.Template.ChannelID != fallbackChannel {
			t.Errorf("sent on channel %d with channel %d's template, want %d", m.Channel.ID, m.Template.ChannelID, fallbackChannel)
		}
		if m.To != "+6281234567890" || m.StoreID != storeID || m.Key == "" {
			t.Errorf("sent to %q of store %d with key %q, want the room's phone, store %d and a key", m.To, m.StoreID, m.Key, storeID)
		}
		if want := []string{"Siti", "#1042"}; !slices.Equal(m.Params, want) {
			t.Errorf("params = %q, want %q", m.Params, want)
		}
		if want := "Hi Siti, your order #1042 is confirmed."; res.Text != want {
			t.Errorf("recorded text = %q, want %q", res.Text, want)
		}
		if res.ChannelID == nil || *res.ChannelID != fallbackChannel || res.ChannelType != msgcenter.ChannelWhatsApp {
			t.Errorf("recorded channel %v/%s, want %d/whatsapp", res.ChannelID, res.ChannelType, fallbackChannel)
		}
		if res.Attempt != nil && res.Attempt.ProviderMessageID != "wamid.template" {
			t.Errorf("provider message id = %q, want the provider's", res.Attempt.ProviderMessageID)
		}
		if len(w.Sent) != 0 {
			t.Errorf("session messages sent = %d, want none", len(w.Sent))
		}
	})
	t.Run("OrderPhoneWhenRoomHasNone", func(t *testing.T) {
		w := newFallback(t)
		w.Work.Room.CustomerPhone, w.Work.Order.CustomerPhone = "", "+6289876543210"
		if err := w.deliver(t); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		if m := w.sentTemplate(t); m.To != "+6289876543210" {
			t.Errorf("sent to %q, want the order's phone", m.To)
		}
	})
	t.Run("DynamicButton", func(t *testing.T) {
		w := newFallback(t)
		tpl := w.Catalog[fallbackChannel][0]
		tpl.Buttons = []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "View order", URL: "https://shop.example/", Dynamic: true}}
		w.Work.Config.Fallback.Button = &msgcenter.Binding{Placeholder: "order.details_path"}
		if err := w.deliver(t); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		res := w.result(t)
		if m := w.sentTemplate(t); m.ButtonSuffix != "order/tok-1042" {
			t.Errorf("button suffix = %q, want order/tok-1042", m.ButtonSuffix)
		}
		if res.ButtonLabel != "View order" || res.ButtonURL != "https://shop.example/order/tok-1042" {
			t.Errorf("recorded button %q → %q, want View order → the order's page", res.ButtonLabel, res.ButtonURL)
		}
	})

	// The customer's own WhatsApp channel is used when it holds the same
	// approved template: same name, language and content.
	for _, tc := range []struct {
		name  string
		own   func(*msgcenter.WhatsAppTemplate) // how the room channel's copy differs
		onOwn bool
	}{
		{"RoomChannelIdenticalTemplate", func(*msgcenter.WhatsAppTemplate) {}, true},
		{"RoomChannelOtherBody", func(t *msgcenter.WhatsAppTemplate) { t.Body = "Hello {{1}}, order {{2}} is in." }, false},
		{"RoomChannelOtherHeader", func(t *msgcenter.WhatsAppTemplate) { t.Header = "Kopi Senja" }, false},
		{"RoomChannelOtherLanguage", func(t *msgcenter.WhatsAppTemplate) { t.Language = "id" }, false},
		{"RoomChannelTemplatePaused", func(t *msgcenter.WhatsAppTemplate) { t.Status = msgcenter.TemplatePaused }, false},
		{"RoomChannelTemplatePending", func(t *msgcenter.WhatsAppTemplate) { t.Status = msgcenter.TemplatePending }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newFallback(t)
			own := orderUpdate(roomChannel)
			tc.own(own)
			w.Catalog[roomChannel] = []*msgcenter.WhatsAppTemplate{own}
			if err := w.deliver(t); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			res := w.result(t)
			assertResult(t, res, msgcenter.StatusSent, "", msgcenter.OutcomeSent)
			want := int64(fallbackChannel)
			if tc.onOwn {
				want = roomChannel
			}
			m := w.sentTemplate(t)
			if m.Channel.ID != want || m.Template.ChannelID != want {
				t.Errorf("sent on channel %d with channel %d's template, want %d", m.Channel.ID, m.Template.ChannelID, want)
			}
			if res.ChannelID == nil || *res.ChannelID != want {
				t.Errorf("recorded channel %v, want %d", res.ChannelID, want)
			}
		})
	}
	t.Run("RoomNotOnWhatsApp", func(t *testing.T) {
		// A room on another platform has no WhatsApp channel of its own to
		// prefer, whatever its channel's id holds.
		w := newFallback(t)
		w.Work.Room.ChannelType = msgcenter.ChannelTelegram
		w.Catalog[roomChannel] = []*msgcenter.WhatsAppTemplate{orderUpdate(roomChannel)}
		if err := w.deliver(t); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		if m := w.sentTemplate(t); m.Channel.ID != fallbackChannel {
			t.Errorf("sent on channel %d, want %d", m.Channel.ID, fallbackChannel)
		}
	})
}

// TestDeliverFallbackFails covers the fallbacks that fail for good without
// reaching WhatsApp, and those WhatsApp refuses.
func TestDeliverFallbackFails(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   func(*worker)
		reason  msgcenter.Reason
		outcome msgcenter.AttemptOutcome // empty: no attempt recorded
		sends   int                      // SendTemplate calls
	}{
		{"TemplateNoLongerApproved", func(w *worker) { w.Catalog[fallbackChannel][0].Status = msgcenter.TemplatePaused },
			msgcenter.ReasonTemplateNotApproved, msgcenter.OutcomeFailed, 0},
		{"TemplateRejected", func(w *worker) { w.Catalog[fallbackChannel][0].Status = msgcenter.TemplateRejected },
			msgcenter.ReasonTemplateNotApproved, msgcenter.OutcomeFailed, 0},
		{"TemplateCategoryRefused", func(w *worker) { w.Catalog[fallbackChannel][0].Category = msgcenter.CategoryAuthentication },
			msgcenter.ReasonTemplateNotApproved, msgcenter.OutcomeFailed, 0},
		// The save's rule is asked again at sending: a button on a base the
		// deployment no longer accepts would open somebody else's site.
		{"ButtonBaseNoLongerAccepted", func(w *worker) {
			w.Catalog[fallbackChannel][0].Buttons = []msgcenter.TemplateButton{
				{Type: msgcenter.ButtonURL, Text: "View order", URL: "https://elsewhere.example/", Dynamic: true}}
			w.Work.Config.Fallback.Button = &msgcenter.Binding{Placeholder: "order.details_path"}
		}, msgcenter.ReasonTemplateNotApproved, msgcenter.OutcomeFailed, 0},
		{"TemplateGone", func(w *worker) { w.Catalog[fallbackChannel] = nil },
			msgcenter.ReasonTemplateNotApproved, msgcenter.OutcomeFailed, 0},
		{"FallbackChannelGone", func(w *worker) { w.Work.Config.Fallback.ChannelID = 99 },
			msgcenter.ReasonUndeliverable, msgcenter.OutcomeFailed, 0},
		{"NoPhone", func(w *worker) { w.Work.Room.CustomerPhone, w.Work.Order.CustomerPhone = "", "" },
			msgcenter.ReasonUndeliverable, msgcenter.OutcomeFailed, 0},
		{"InsufficientCredits", func(w *worker) {
			w.Provider.SendTemplateFn = func(_ context.Context, m *msgcenter.TemplateMessage) (*msgcenter.SendResult, error) {
				w.Templates = append(w.Templates, m)
				return nil, &msgcenter.ProviderError{Kind: msgcenter.ProviderPermanent, Reason: msgcenter.ReasonInsufficientCredits,
					Message: "insufficient WhatsApp credits"}
			}
		}, msgcenter.ReasonInsufficientCredits, msgcenter.OutcomeFailed, 1},
		{"ParameterMismatch", func(w *worker) {
			w.Provider.SendTemplateFn = func(_ context.Context, m *msgcenter.TemplateMessage) (*msgcenter.SendResult, error) {
				w.Templates = append(w.Templates, m)
				return nil, &msgcenter.ProviderError{Kind: msgcenter.ProviderPermanent, Reason: msgcenter.ReasonParameterMismatch,
					Message: "132000"}
			}
		}, msgcenter.ReasonParameterMismatch, msgcenter.OutcomeFailed, 1},
		{"SessionExpiredRaisesNoSecondFallback", func(w *worker) {
			w.Provider.SendTemplateFn = func(_ context.Context, m *msgcenter.TemplateMessage) (*msgcenter.SendResult, error) {
				w.Templates = append(w.Templates, m)
				return nil, &msgcenter.ProviderError{Kind: msgcenter.ProviderSessionExpired, Message: "131047"}
			}
		}, msgcenter.ReasonSessionExpired, msgcenter.OutcomeFailed, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newFallback(t)
			tc.setup(w)
			if err := w.deliver(t); err != nil {
				t.Fatalf("Deliver: %v, want nil: the failure is final", err)
			}
			assertResult(t, w.result(t), msgcenter.StatusFailed, tc.reason, tc.outcome)
			if len(w.Templates) != tc.sends {
				t.Errorf("templates sent = %d, want %d", len(w.Templates), tc.sends)
			}
			if len(w.Sent)+len(w.Raised) != 0 {
				t.Errorf("session messages %d, fallbacks raised %d: want none", len(w.Sent), len(w.Raised))
			}
		})
	}
	t.Run("TurnedOffSinceRaised", func(t *testing.T) {
		w := newFallback(t)
		w.Work.Config.Fallback.Enabled = false
		w.Providers.ProviderForFn = nil // any provider lookup panics
		if err := w.deliver(t); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		assertResult(t, w.result(t), msgcenter.StatusSkipped, msgcenter.ReasonFallbackDisabled, "")
	})
	t.Run("CatalogueUnreachableRetries", func(t *testing.T) {
		w := newFallback(t)
		w.Provider.TemplatesFn = func(context.Context, int64, int64) ([]*msgcenter.WhatsAppTemplate, error) {
			return nil, &msgcenter.ProviderError{Kind: msgcenter.ProviderTransient, Reason: msgcenter.ReasonProviderError, Message: "timeout"}
		}
		if err := w.deliver(t); err == nil {
			t.Fatal("Deliver returned nil, want an error so the job is retried")
		}
		assertResult(t, w.result(t), msgcenter.StatusQueued, "", msgcenter.OutcomeRetry)
		if len(w.Templates) != 0 {
			t.Errorf("templates sent = %d, want none", len(w.Templates))
		}
	})
	t.Run("TransientSendRetries", func(t *testing.T) {
		w := newFallback(t)
		w.Provider.SendTemplateFn = func(context.Context, *msgcenter.TemplateMessage) (*msgcenter.SendResult, error) {
			return nil, &msgcenter.ProviderError{Kind: msgcenter.ProviderTransient, Reason: msgcenter.ReasonProviderError, Message: "502"}
		}
		if err := w.deliver(t); err == nil {
			t.Fatal("Deliver returned nil, want an error so the job is retried")
		}
		res := w.result(t)
		assertResult(t, res, msgcenter.StatusQueued, "", msgcenter.OutcomeRetry)
		if res.Text == "" || res.ChannelID == nil {
			t.Errorf("recorded %+v, want the rendered template and its channel kept", res)
		}
	})
}
