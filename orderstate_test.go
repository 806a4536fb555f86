package msgcenter_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
)

// TestOrder_Apply checks every (state, action) pair of an order's life:
// the state it ends in, whether it changed, and the refusals' code and text.
func TestOrder_Apply(t *testing.T) {
	placedAt := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	now := placedAt.Add(time.Hour)
	const (
		placed    = msgcenter.OrderPlaced
		paid      = msgcenter.OrderPaid
		cancelled = msgcenter.OrderCancelled
		refunded  = msgcenter.OrderRefunded
		expired   = msgcenter.OrderExpired
	)
	for _, tc := range []struct {
		from    msgcenter.OrderStatus
		action  msgcenter.OrderAction
		to      msgcenter.OrderStatus
		changed bool
		err     string // the refusal's message; its code is ECONFLICT
	}{
		{placed, msgcenter.ActionPay, paid, true, ""},
		{placed, msgcenter.ActionCancel, cancelled, true, ""},
		{placed, msgcenter.ActionRefund, placed, false, "Order #7 is placed, not paid; it cannot be refunded."},
		{paid, msgcenter.ActionPay, paid, false, ""},
		{paid, msgcenter.ActionCancel, cancelled, true, ""},
		{paid, msgcenter.ActionRefund, refunded, true, ""},
		{cancelled, msgcenter.ActionPay, cancelled, false, "Order #7 is cancelled; it cannot be paid."},
		{cancelled, msgcenter.ActionCancel, cancelled, false, ""},
		{cancelled, msgcenter.ActionRefund, cancelled, false, "Order #7 is cancelled, not paid; it cannot be refunded."},
		{refunded, msgcenter.ActionPay, refunded, false, "Order #7 is refunded; it cannot be paid."},
		{refunded, msgcenter.ActionCancel, refunded, false, "Order #7 is refunded; it cannot be cancelled."},
		{refunded, msgcenter.ActionRefund, refunded, false, ""},
		// An expired order's items went back to stock: no action revives it.
		{expired, msgcenter.ActionPay, expired, false, "Order #7 expired unpaid and its items went back to stock; it cannot be paid."},
		{expired, msgcenter.ActionCancel, expired, false, "Order #7 is expired; it cannot be cancelled."},
		{expired, msgcenter.ActionRefund, expired, false, "Order #7 is expired, not paid; it cannot be refunded."},
	} {
		t.Run(string(tc.from)+"/"+string(tc.action), func(t *testing.T) {
			o := &msgcenter.Order{Number: 7, Status: tc.from, CreatedAt: placedAt, UpdatedAt: placedAt}
			if tc.from == paid || tc.from == refunded {
				o.PaidAt = &placedAt
			}
			before := *o
			changed, err := o.Apply(tc.action, now)
			if tc.err != "" {
				if msgcenter.ErrorCode(err) != msgcenter.ECONFLICT || msgcenter.ErrorMessage(err) != tc.err {
					t.Fatalf("Apply = %v, want ECONFLICT %q", err, tc.err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if changed != tc.changed || o.Status != tc.to {
				t.Fatalf("Apply: changed %v, status %s; want %v, %s", changed, o.Status, tc.changed, tc.to)
			}
			if !changed {
				if !reflect.DeepEqual(*o, before) {
					t.Fatalf("an unchanged order became %+v", o)
				}
				return
			}
			if !o.UpdatedAt.Equal(now) {
				t.Fatalf("UpdatedAt = %v, want %v", o.UpdatedAt, now)
			}
			wantPaidAt := before.PaidAt
			if tc.to == paid {
				wantPaidAt = &now
			}
			if (o.PaidAt == nil) != (wantPaidAt == nil) || (o.PaidAt != nil && !o.PaidAt.Equal(*wantPaidAt)) {
				t.Fatalf("PaidAt = %v, want %v", o.PaidAt, wantPaidAt)
			}
		})
	}
	t.Run("ErrUnknownAction", func(t *testing.T) {
		o := &msgcenter.Order{Number: 7, Status: placed}
		if _, err := o.Apply("ship", now); msgcenter.ErrorCode(err) != msgcenter.EINVALID || o.Status != placed {
			t.Fatalf("Apply(ship) = %v, status %s", err, o.Status)
		}
	})
	t.Run("Events", func(t *testing.T) {
		for _, a := range msgcenter.OrderActions() {
			want := msgcenter.Event("")
			if a == msgcenter.ActionPay {
				want = msgcenter.EventOrderPaid
			}
			if a.Event() != want {
				t.Errorf("%s raises %q, want %q", a, a.Event(), want)
			}
		}
	})
}
