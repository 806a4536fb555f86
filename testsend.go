package msgcenter

import (
	"context"
	"time"
)

// TestSend is a Message Center draft rendered with sample data and sent to
// one room the admin picked, so the admin sees it as a customer would. It is
// the subject (SubjectTest) of one delivery, which the worker sends as is.
// Its Text starts with a test marker in the message's language ("[TEST]",
// "[UJI COBA]"), since the room may be a real customer's, and its button
// opens a sample page that exists (SamplePagePath) or the store's microsite.
type TestSend struct {
	ID          int64     `json:"id"`
	StoreID     int64     `json:"-"`
	Event       Event     `json:"event"`
	RoomID      int64     `json:"room_id"`
	Text        string    `json:"text"`
	ButtonLabel string    `json:"button_label,omitempty"`
	ButtonURL   string    `json:"button_url,omitempty"`
	CreatedBy   string    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// TestSendService records test sends.
type TestSendService interface {
	// CreateTestSend stores t and raises its delivery with the delivery's
	// job in one transaction, answering the delivery's id; t.ID is set.
	// Returns ENOTFOUND for a room of another store.
	CreateTestSend(ctx context.Context, t *TestSend) (deliveryID int64, err error)
}
