package delivery_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
)

// TestDeliverSessionWindow covers the WhatsApp 24-hour rule as the worker
// applies it before calling the provider.
func TestDeliverSessionWindow(t *testing.T) {
	for _, tc := range []struct {
		name    string
		channel msgcenter.ChannelType
		wrote   time.Duration // how long before now the customer last wrote
		sent    bool
	}{
		{"WhatsAppOpen", msgcenter.ChannelWhatsApp, 23 * time.Hour, true},
		{"WhatsAppExactly24Hours", msgcenter.ChannelWhatsApp, msgcenter.SessionWindow, true},
		{"WhatsAppExpired", msgcenter.ChannelWhatsApp, msgcenter.SessionWindow + time.Second, false},
		{"WhatsAppNeverWrote", msgcenter.ChannelWhatsApp, 30 * 24 * time.Hour, false},
		{"InstagramLongAgo", msgcenter.ChannelInstagram, 30 * 24 * time.Hour, true},
		{"TelegramLongAgo", msgcenter.ChannelTelegram, 25 * time.Hour, true},
		{"WebLongAgo", msgcenter.ChannelWeb, 25 * time.Hour, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorker(t, msgcenter.EventOrderPlaced, tc.channel, now.Add(-tc.wrote))
			if err := w.deliver(t); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			res := w.result(t)
			if res.ChannelType != tc.channel || res.ChannelID == nil || *res.ChannelID != roomChannel {
				t.Errorf("recorded channel %v/%s, want %d/%s", res.ChannelID, res.ChannelType, roomChannel, tc.channel)
			}
			if !strings.Contains(res.Text, "#1042") {
				t.Errorf("recorded text %q lacks the order number: the content is kept whatever the outcome", res.Text)
			}
			if tc.sent {
				assertResult(t, res, msgcenter.StatusSent, "", msgcenter.OutcomeSent)
				if len(w.Sent) != 1 {
					t.Fatalf("provider sends = %d, want 1", len(w.Sent))
				}
				if m := w.Sent[0]; m.Text != res.Text || m.Room != w.Work.Room || m.StoreID != storeID || m.Key == "" {
					t.Errorf("sent %+v, want the recorded text to the message's room with a key", *m)
				}
				if res.Attempt != nil && res.Attempt.ProviderMessageID != "wamid.session" {
					t.Errorf("provider message id = %q, want the provider's", res.Attempt.ProviderMessageID)
				}
				return
			}
			assertResult(t, res, msgcenter.StatusFailed, msgcenter.ReasonSessionExpired, "")
			if len(w.Sent) != 0 {
				t.Errorf("provider sends = %d, want none once the window closed", len(w.Sent))
			}
			if len(w.Raised) != 0 {
				t.Errorf("fallbacks raised = %d with the fallback disabled, want none", len(w.Raised))
			}
		})
	}
}

// TestDeliverRaisesFallback covers when an automation message whose WhatsApp
// session is closed hands over to its fallback.
func TestDeliverRaisesFallback(t *testing.T) {
	expired := now.Add(-25 * time.Hour)
	t.Run("EnabledWindowClosed", func(t *testing.T) {
		w := newWorker(t, msgcenter.EventOrderPaid, msgcenter.ChannelWhatsApp, expired)
		w.enableFallback()
		if err := w.deliver(t); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		assertResult(t, w.result(t), msgcenter.StatusFailed, msgcenter.ReasonSessionExpired, "")
		if len(w.Raised) != 1 || w.Raised[0] != w.Work.Delivery {
			t.Fatalf("raised %v, want the automation message's fallback once", w.Raised)
		}
		if len(w.Sent)+len(w.Templates) != 0 {
			t.Errorf("sent %d messages and %d templates, want none: the fallback is its own job", len(w.Sent), len(w.Templates))
		}
	})
	t.Run("EnabledProviderSaysExpired", func(t *testing.T) {
		// The worker's clock says open, the platform says closed: the
		// platform is right, and the fallback takes over.
		w := newWorker(t, msgcenter.EventOrderPlaced, msgcenter.ChannelWhatsApp, now.Add(-time.Hour))
		w.enableFallback()
		w.Provider.SendFn = func(context.Context, *msgcenter.OutboundMessage) (*msgcenter.SendResult, error) {
			return nil, &msgcenter.ProviderError{Kind: msgcenter.ProviderSessionExpired, Reason: msgcenter.ReasonSessionExpired,
				Message: "131047 re-engagement message"}
		}
		if err := w.deliver(t); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		res := w.result(t)
		assertResult(t, res, msgcenter.StatusFailed, msgcenter.ReasonSessionExpired, msgcenter.OutcomeFailed)
		if res.Attempt != nil && !strings.Contains(res.Attempt.Error, "131047") {
			t.Errorf("attempt error = %q, want the provider's message", res.Attempt.Error)
		}
		if len(w.Raised) != 1 {
			t.Errorf("fallbacks raised = %d, want 1", len(w.Raised))
		}
	})
	t.Run("DisabledProviderSaysExpired", func(t *testing.T) {
		w := newWorker(t, msgcenter.EventOrderPlaced, msgcenter.ChannelWhatsApp, now.Add(-time.Hour))
		w.Provider.SendFn = func(context.Context, *msgcenter.OutboundMessage) (*msgcenter.SendResult, error) {
			return nil, &msgcenter.ProviderError{Kind: msgcenter.ProviderSessionExpired, Message: "131047"}
		}
		if err := w.deliver(t); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		assertResult(t, w.result(t), msgcenter.StatusFailed, msgcenter.ReasonSessionExpired, msgcenter.OutcomeFailed)
		if len(w.Raised) != 0 {
			t.Errorf("fallbacks raised = %d with the fallback disabled, want none", len(w.Raised))
		}
	})
	t.Run("EventWithoutFallback", func(t *testing.T) {
		// order_incomplete has no fallback: a configuration that says
		// otherwise raises none.
		w := newWorker(t, msgcenter.EventOrderIncomplete, msgcenter.ChannelWhatsApp, expired)
		w.Work.Delivery.SubjectType, w.Work.Order = msgcenter.SubjectCheckout, nil
		w.Work.Checkout = &msgcenter.Checkout{ID: 41, StoreID: storeID, RoomID: w.Work.Room.ID, Token: "chk-41",
			Items:  []msgcenter.CartItem{{ProductID: 1, Quantity: 2}},
			Status: msgcenter.CheckoutIncomplete}
		w.enableFallback()
		if err := w.deliver(t); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		assertResult(t, w.result(t), msgcenter.StatusFailed, msgcenter.ReasonSessionExpired, "")
		if len(w.Raised) != 0 {
			t.Errorf("fallbacks raised = %d for order_incomplete, want none", len(w.Raised))
		}
	})
	t.Run("EnabledWindowOpen", func(t *testing.T) {
		w := newWorker(t, msgcenter.EventOrderPlaced, msgcenter.ChannelWhatsApp, now.Add(-time.Hour))
		w.enableFallback()
		if err := w.deliver(t); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		assertResult(t, w.result(t), msgcenter.StatusSent, "", msgcenter.OutcomeSent)
		if len(w.Raised)+len(w.Templates) != 0 {
			t.Errorf("raised %d fallbacks and sent %d templates for an open session, want none", len(w.Raised), len(w.Templates))
		}
	})
}

// TestDeliverProviderErrors covers retrying against failing for good: by
// the provider error's kind and the message's tries, never by its text.
func TestDeliverProviderErrors(t *testing.T) {
	transient := &msgcenter.ProviderError{Kind: msgcenter.ProviderTransient, Reason: msgcenter.ReasonProviderError, Message: "503 from upstream"}
	for _, tc := range []struct {
		name    string
		err     error
		tries   int // attempts made before this one; MaxAttempts is 3
		retry   bool
		status  msgcenter.DeliveryStatus
		reason  msgcenter.Reason
		outcome msgcenter.AttemptOutcome
	}{
		{"TransientFirstTry", transient, 0, true, msgcenter.StatusQueued, "", msgcenter.OutcomeRetry},
		{"TransientTriesLeft", transient, 1, true, msgcenter.StatusQueued, "", msgcenter.OutcomeRetry},
		{"TransientLastTry", transient, 2, false, msgcenter.StatusFailed, msgcenter.ReasonProviderError, msgcenter.OutcomeFailed},
		{"UntypedErrorIsTransient", errors.New("connection reset by peer"), 0, true, msgcenter.StatusQueued, "", msgcenter.OutcomeRetry},
		{"WrappedTransient", errors.Join(errors.New("send"), transient), 0, true, msgcenter.StatusQueued, "", msgcenter.OutcomeRetry},
		{"PermanentFirstTry", &msgcenter.ProviderError{Kind: msgcenter.ProviderPermanent, Reason: msgcenter.ReasonParameterMismatch,
			Message: "132000 number of parameters does not match"}, 0, false, msgcenter.StatusFailed, msgcenter.ReasonParameterMismatch, msgcenter.OutcomeFailed},
		{"PermanentWithoutReason", &msgcenter.ProviderError{Kind: msgcenter.ProviderPermanent, Message: "blocked"},
			0, false, msgcenter.StatusFailed, msgcenter.ReasonUndeliverable, msgcenter.OutcomeFailed},
		{"PermanentUnknownReason", &msgcenter.ProviderError{Kind: msgcenter.ProviderPermanent, Reason: "spam", Message: "blocked"},
			0, false, msgcenter.StatusFailed, msgcenter.ReasonUndeliverable, msgcenter.OutcomeFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorker(t, msgcenter.EventOrderPlaced, msgcenter.ChannelInstagram, now.Add(-time.Hour))
			w.Work.Tries = tc.tries
			calls := 0
			w.Provider.SendFn = func(context.Context, *msgcenter.OutboundMessage) (*msgcenter.SendResult, error) {
				calls++
				return nil, tc.err
			}
			err := w.deliver(t)
			if tc.retry && err == nil {
				t.Error("Deliver returned nil, want an error so the job is retried")
			} else if !tc.retry && err != nil {
				t.Errorf("Deliver: %v, want nil: the failure is final and recorded", err)
			}
			if calls != 1 {
				t.Errorf("provider calls = %d, want 1: one attempt per job run", calls)
			}
			res := w.result(t)
			assertResult(t, res, tc.status, tc.reason, tc.outcome)
			if res.Attempt == nil {
				return
			}
			if res.Attempt.Error == "" || !strings.Contains(tc.err.Error(), res.Attempt.Error) {
				t.Errorf("attempt error = %q, want the provider's message from %q", res.Attempt.Error, tc.err)
			}
			if !res.Attempt.At.Equal(now) {
				t.Errorf("attempt at %v, want the worker's clock %v", res.Attempt.At, now)
			}
			if len(w.Raised) != 0 {
				t.Errorf("fallbacks raised = %d, want none", len(w.Raised))
			}
		})
	}
}

// TestDeliverAutomationOff covers the toggle: automation off sends nothing
// for the event, its fallback included; a manual event has no toggle.
func TestDeliverAutomationOff(t *testing.T) {
	expired := now.Add(-25 * time.Hour)
	for _, tc := range []struct {
		name     string
		event    msgcenter.Event
		channel  msgcenter.ChannelType
		wrote    time.Time
		fallback bool // the message is the fallback of its automation message
	}{
		{"OrderPlacedOpenSession", msgcenter.EventOrderPlaced, msgcenter.ChannelWhatsApp, now.Add(-time.Hour), false},
		{"OrderPaidOtherChannel", msgcenter.EventOrderPaid, msgcenter.ChannelLINE, expired, false},
		{"OrderPlacedExpiredWithFallbackEnabled", msgcenter.EventOrderPlaced, msgcenter.ChannelWhatsApp, expired, false},
		{"FallbackMessage", msgcenter.EventOrderPaid, msgcenter.ChannelWhatsApp, expired, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorker(t, tc.event, tc.channel, tc.wrote)
			w.enableFallback()
			if tc.fallback {
				w.asFallback()
			}
			w.Work.Config.AutomationEnabled = false
			w.Providers.ProviderForFn = nil // any provider lookup panics
			if err := w.deliver(t); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			assertResult(t, w.result(t), msgcenter.StatusSkipped, msgcenter.ReasonAutomationDisabled, "")
			if n := len(w.Sent) + len(w.Templates) + len(w.Raised); n != 0 {
				t.Errorf("sent %d, templates %d, fallbacks raised %d: want nothing", len(w.Sent), len(w.Templates), len(w.Raised))
			}
		})
	}
	t.Run("ShareMicrositeURLHasNoToggle", func(t *testing.T) {
		w := newWorker(t, msgcenter.EventShareMicrositeURL, msgcenter.ChannelWhatsApp, now.Add(-time.Hour))
		w.Work.Delivery.SubjectType, w.Work.Order, w.Work.MicrositeToken = msgcenter.SubjectClick, nil, "link-token"
		w.Work.Config.AutomationEnabled = false
		if err := w.deliver(t); err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		res := w.result(t)
		assertResult(t, res, msgcenter.StatusSent, "", msgcenter.OutcomeSent)
		if want := "https://shop.example/s/kopi-senja?t=link-token"; res.ButtonURL != want {
			t.Errorf("button URL = %q, want %q", res.ButtonURL, want)
		}
	})
}

// TestDeliverOnlyQueued covers a duplicate job: a message already final is
// neither sent nor recorded again.
func TestDeliverOnlyQueued(t *testing.T) {
	for _, st := range []msgcenter.DeliveryStatus{msgcenter.StatusSent, msgcenter.StatusFailed, msgcenter.StatusSkipped} {
		t.Run(string(st), func(t *testing.T) {
			w := newWorker(t, msgcenter.EventOrderPlaced, msgcenter.ChannelWhatsApp, now.Add(-time.Hour))
			w.Work.Delivery.Status = st
			if err := w.deliver(t); err != nil {
				t.Fatalf("Deliver: %v", err)
			}
			if len(w.Results)+len(w.Sent) != 0 {
				t.Errorf("recorded %d results and sent %d messages, want none", len(w.Results), len(w.Sent))
			}
		})
	}
}

// TestDeliverNoRoom covers a message whose subject has no room: it fails
// with its reason without calling the provider.
func TestDeliverNoRoom(t *testing.T) {
	w := newWorker(t, msgcenter.EventOrderPlaced, msgcenter.ChannelWhatsApp, now)
	w.Work.Room, w.Work.Delivery.RoomID = nil, nil
	w.Providers.ProviderForFn = nil
	if err := w.deliver(t); err != nil {
		t.Fatalf("Deliver: %v", err)
	}
	res := w.result(t)
	assertResult(t, res, msgcenter.StatusFailed, msgcenter.ReasonNoRoom, "")
	if res.Text == "" {
		t.Error("recorded no text, want the rendered content kept")
	}
}
