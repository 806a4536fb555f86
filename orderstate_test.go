package msgcenter_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
)

// TestOrder_Apply checks every (state, action) pair of an order's life:
// the state it ends in, whether it was refunded, whether its items go back
// to stock (with the store's restock-on-refund setting on and off), and the
// refusals' code and text.
func TestOrder_Apply(t *testing.T) {
	placedAt := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	releaseAt := placedAt.Add(2 * time.Hour)
	now := placedAt.Add(time.Hour)
	const (
		placed    = msgcenter.OrderPlaced
		paid      = msgcenter.OrderPaid
		cancelled = msgcenter.OrderCancelled
		refunded  = msgcenter.OrderRefunded
		expired   = msgcenter.OrderExpired
	)
	// The states an order can be in; "cancelled+refunded" is a paid order
	// cancelled with its refund.
	type state struct {
		name     string
		status   msgcenter.OrderStatus
		paid     bool // PaidAt set
		refunded bool // RefundedAt set
		hold     bool // ReleaseAt set
	}
	var (
		sPlaced       = state{"placed", placed, false, false, true}
		sPlacedNoHold = state{"placed-without-hold", placed, false, false, false}
		sPaid         = state{"paid", paid, true, false, true}
		sCancelled    = state{"cancelled", cancelled, false, false, true}
		sCancelledRef = state{"cancelled+refunded", cancelled, true, true, true}
		sRefunded     = state{"refunded", refunded, true, true, true}
		sExpired      = state{"expired", expired, false, false, true}
	)
	const (
		pay          = msgcenter.ActionPay
		cancel       = msgcenter.ActionCancel
		cancelRefund = msgcenter.ActionCancelRefund
		refund       = msgcenter.ActionRefund
		expire       = msgcenter.ActionExpire
	)
	type restock int
	const (
		never       restock = iota
		always              // whatever the store's setting
		storeSaysSo         // only when the store restocks on refund
	)
	covered := map[string]bool{}
	for _, tc := range []struct {
		from    state
		action  msgcenter.OrderAction
		to      state
		changed bool
		restock restock
		err     string // the refusal's message; its code is ECONFLICT
	}{
		{sPlaced, pay, sPaid, true, never, ""},
		{sPlaced, cancel, sCancelled, true, always, ""},
		{sPlaced, cancelRefund, sPlaced, false, never, "Order #7 is placed, not paid: there is no payment to refund. Cancel it without a refund."},
		{sPlaced, refund, sPlaced, false, never, "Order #7 is placed, not paid; it cannot be refunded."},
		{sPlaced, expire, sExpired, true, always, ""},

		{sPlacedNoHold, expire, sPlacedNoHold, false, never, "Order #7 was placed before stock was held for a time; it does not expire."},

		{sPaid, pay, sPaid, false, never, ""},
		{sPaid, cancel, sPaid, false, never, "Order #7 is paid: it is cancelled only with a refund of its payment. Cancel it with a refund."},
		{sPaid, cancelRefund, sCancelledRef, true, always, ""},
		{sPaid, refund, sRefunded, true, storeSaysSo, ""},
		{sPaid, expire, sPaid, false, never, "Order #7 is paid; only an unpaid order expires."},

		{sCancelled, pay, sCancelled, false, never, "Order #7 is cancelled; it cannot be paid."},
		{sCancelled, cancel, sCancelled, false, never, ""},
		{sCancelled, cancelRefund, sCancelled, false, never, "Order #7 is cancelled, not paid: there is no payment to refund. Cancel it without a refund."},
		{sCancelled, refund, sCancelled, false, never, "Order #7 is cancelled, not paid; it cannot be refunded."},
		{sCancelled, expire, sCancelled, false, never, "Order #7 is cancelled; only an unpaid order expires."},

		{sCancelledRef, pay, sCancelledRef, false, never, "Order #7 is cancelled; it cannot be paid."},
		{sCancelledRef, cancel, sCancelledRef, false, never, ""},
		{sCancelledRef, cancelRefund, sCancelledRef, false, never, ""},
		{sCancelledRef, refund, sCancelledRef, false, never, ""},
		{sCancelledRef, expire, sCancelledRef, false, never, "Order #7 is cancelled; only an unpaid order expires."},

		{sRefunded, pay, sRefunded, false, never, "Order #7 is refunded; it cannot be paid."},
		{sRefunded, cancel, sRefunded, false, never, "Order #7 is refunded; it cannot be cancelled."},
		{sRefunded, cancelRefund, sRefunded, false, never, "Order #7 is refunded; it cannot be cancelled."},
		{sRefunded, refund, sRefunded, false, never, ""},
		{sRefunded, expire, sRefunded, false, never, "Order #7 is refunded; only an unpaid order expires."},

		// An expired order's items went back to stock: no action revives it.
		{sExpired, pay, sExpired, false, never, "Order #7 expired unpaid and its items went back to stock; it cannot be paid."},
		{sExpired, cancel, sExpired, false, never, "Order #7 is expired; it cannot be cancelled."},
		{sExpired, cancelRefund, sExpired, false, never, "Order #7 is expired; it cannot be cancelled."},
		{sExpired, refund, sExpired, false, never, "Order #7 is expired, not paid; it cannot be refunded."},
		{sExpired, expire, sExpired, false, never, ""},
	} {
		covered[tc.from.name+"/"+string(tc.action)] = true
		for _, restockOnRefund := range []bool{true, false} {
			name := tc.from.name + "/" + string(tc.action)
			if !restockOnRefund {
				name += "/no-restock-on-refund"
			}
			t.Run(name, func(t *testing.T) {
				o := &msgcenter.Order{Number: 7, Status: tc.from.status, CreatedAt: placedAt, UpdatedAt: placedAt}
				if tc.from.paid {
					o.PaidAt = &placedAt
				}
				if tc.from.refunded {
					o.RefundedAt = &placedAt
				}
				if tc.from.hold {
					o.ReleaseAt = &releaseAt
				}
				before := *o
				can := o.Can(tc.action)
				ch, err := o.Apply(tc.action, now, restockOnRefund)
				if tc.err != "" {
					if msgcenter.ErrorCode(err) != msgcenter.ECONFLICT || msgcenter.ErrorMessage(err) != tc.err {
						t.Fatalf("Apply = %v, want ECONFLICT %q", err, tc.err)
					}
				} else if err != nil {
					t.Fatal(err)
				}
				wantRestock := tc.restock == always || tc.restock == storeSaysSo && restockOnRefund
				if ch.Changed != tc.changed || ch.Restock != wantRestock || o.Status != tc.to.status || o.Refunded() != tc.to.refunded {
					t.Fatalf("Apply: %+v, status %s, refunded %v; want changed %v, restock %v, %s, refunded %v",
						ch, o.Status, o.Refunded(), tc.changed, wantRestock, tc.to.status, tc.to.refunded)
				}
				if can != tc.changed {
					t.Fatalf("Can = %v, want %v", can, tc.changed)
				}
				if !ch.Changed {
					if !reflect.DeepEqual(*o, before) {
						t.Fatalf("an unchanged order became %+v", o)
					}
					return
				}
				if !o.UpdatedAt.Equal(now) {
					t.Fatalf("UpdatedAt = %v, want %v", o.UpdatedAt, now)
				}
				wantPaidAt, wantRefundedAt := before.PaidAt, before.RefundedAt
				if tc.to.status == paid {
					wantPaidAt = &now
				}
				if tc.to.refunded && !tc.from.refunded {
					wantRefundedAt = &now
				}
				if !sameTime(o.PaidAt, wantPaidAt) || !sameTime(o.RefundedAt, wantRefundedAt) {
					t.Fatalf("PaidAt = %v, RefundedAt = %v; want %v, %v", o.PaidAt, o.RefundedAt, wantPaidAt, wantRefundedAt)
				}
			})
		}
	}
	for _, s := range []state{sPlaced, sPaid, sCancelled, sCancelledRef, sRefunded, sExpired} {
		for _, a := range msgcenter.OrderActions() {
			if !covered[s.name+"/"+string(a)] {
				t.Errorf("no case for %s/%s", s.name, a)
			}
		}
	}
	t.Run("ErrUnknownAction", func(t *testing.T) {
		o := &msgcenter.Order{Number: 7, Status: placed}
		_, err := o.Apply("ship", now, true)
		if msgcenter.ErrorCode(err) != msgcenter.EINVALID || o.Status != placed ||
			msgcenter.ErrorFields(err)["action"] != "must be one of pay, cancel, cancel_refund, refund, expire" {
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

func sameTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}
