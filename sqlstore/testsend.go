package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.TestSendService = (*DeliveryService)(nil)

// CreateTestSend stores a rendered test message and raises its delivery
// (subject test, kind automation) with its job, in one transaction, so a
// test send is queued, retried and recorded like every other message.
// Returns ENOTFOUND for a room of another store.
func (s *DeliveryService) CreateTestSend(ctx context.Context, t *msgcenter.TestSend) (int64, error) {
	if !t.Event.Valid() {
		return 0, msgcenter.Invalid("The test message is not valid.", map[string]string{"event": "must be one of " + msgcenter.EventList()})
	}
	var deliveryID int64
	err := s.db.withTx(ctx, func(tx *txn) error {
		if _, err := findRoom(ctx, tx, t.StoreID, t.RoomID, ""); err != nil {
			return err
		}
		t.CreatedAt = s.db.now()
		err := tx.QueryRowContext(ctx, `
			INSERT INTO test_sends (store_id, event, room_id, text, button_label, button_url, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			RETURNING id`,
			t.StoreID, string(t.Event), t.RoomID, t.Text, t.ButtonLabel, t.ButtonURL, t.CreatedBy, t.CreatedAt,
		).Scan(&t.ID)
		if err != nil {
			return fmt.Errorf("sqlstore: insert test send: %w", err)
		}
		room := t.RoomID
		deliveryID, _, err = s.db.raise(ctx, tx, occurrence{storeID: t.StoreID, subject: msgcenter.SubjectTest, subjectID: t.ID,
			event: t.Event, roomID: &room, kind: msgcenter.KindAutomation})
		return err
	})
	if err != nil {
		return 0, err
	}
	return deliveryID, nil
}

// findTestSend returns the store's test send id, ENOTFOUND when there is none.
func findTestSend(ctx context.Context, q querier, storeID, id int64) (*msgcenter.TestSend, error) {
	t := &msgcenter.TestSend{StoreID: storeID}
	var event string
	err := q.QueryRowContext(ctx, `
		SELECT id, event, room_id, text, button_label, button_url, created_by, created_at
		FROM test_sends WHERE store_id = $1 AND id = $2`, storeID, id,
	).Scan(&t.ID, &event, &t.RoomID, &t.Text, &t.ButtonLabel, &t.ButtonURL, &t.CreatedBy, &t.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Test message not found.")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find test send: %w", err)
	}
	t.Event, t.CreatedAt = msgcenter.Event(event), t.CreatedAt.UTC()
	return t, nil
}
