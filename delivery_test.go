package msgcenter_test

import (
	"testing"

	"github.com/qiscus/msgcenter"
)

// TestSummarize counts each message once: a failed automation message
// whose fallback was sent is covered, not failed; a fallback that failed,
// another event's or another room's fallback covers nothing.
func TestSummarize(t *testing.T) {
	room1, room2 := int64(1), int64(2)
	d := func(id int64, e msgcenter.Event, room *int64, k msgcenter.DeliveryKind, s msgcenter.DeliveryStatus) *msgcenter.Delivery {
		return &msgcenter.Delivery{ID: id, SubjectType: msgcenter.SubjectOrder, SubjectID: 7, Event: e, RoomID: room, Kind: k, Status: s}
	}
	const (
		placed, paid = msgcenter.EventOrderPlaced, msgcenter.EventOrderPaid
		auto, fb     = msgcenter.KindAutomation, msgcenter.KindFallback
	)
	for _, tc := range []struct {
		name        string
		ds          []*msgcenter.Delivery
		want        msgcenter.DeliverySummary
		wantCovered []int64
	}{
		{"EveryUpdateByFallback", []*msgcenter.Delivery{
			d(1, placed, &room1, auto, msgcenter.StatusFailed), d(2, placed, &room1, fb, msgcenter.StatusSent),
			d(3, paid, &room1, auto, msgcenter.StatusFailed), d(4, paid, &room1, fb, msgcenter.StatusSent),
		}, msgcenter.DeliverySummary{Sent: 2, CoveredByFallback: 2}, []int64{1, 3}},
		{"FallbackFailed", []*msgcenter.Delivery{
			d(1, placed, &room1, auto, msgcenter.StatusFailed), d(2, placed, &room1, fb, msgcenter.StatusFailed),
		}, msgcenter.DeliverySummary{Failed: 2}, nil},
		{"FallbackQueued", []*msgcenter.Delivery{
			d(1, placed, &room1, auto, msgcenter.StatusFailed), d(2, placed, &room1, fb, msgcenter.StatusQueued),
		}, msgcenter.DeliverySummary{Failed: 1, Queued: 1}, nil},
		{"OtherEventsFallback", []*msgcenter.Delivery{
			d(1, placed, &room1, auto, msgcenter.StatusSent), d(3, paid, &room1, auto, msgcenter.StatusFailed),
			d(5, placed, &room1, fb, msgcenter.StatusSent),
		}, msgcenter.DeliverySummary{Sent: 2, Failed: 1}, nil},
		{"OtherRoomsFallback", []*msgcenter.Delivery{
			d(1, placed, &room1, auto, msgcenter.StatusFailed), d(2, placed, &room2, fb, msgcenter.StatusSent),
		}, msgcenter.DeliverySummary{Sent: 1, Failed: 1}, nil},
		{"SkippedNotCounted", []*msgcenter.Delivery{
			d(1, placed, &room1, auto, msgcenter.StatusSkipped),
		}, msgcenter.DeliverySummary{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := msgcenter.Summarize(tc.ds); got != tc.want {
				t.Errorf("Summarize = %+v, want %+v", got, tc.want)
			}
			covered := msgcenter.FallbackCovered(tc.ds)
			if len(covered) != len(tc.wantCovered) {
				t.Errorf("FallbackCovered = %v, want %v", covered, tc.wantCovered)
			}
			for _, id := range tc.wantCovered {
				if !covered[id] {
					t.Errorf("FallbackCovered = %v, want %v", covered, tc.wantCovered)
				}
			}
		})
	}
}
