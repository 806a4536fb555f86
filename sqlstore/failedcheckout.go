package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/qiscus/msgcenter"
)

// insertMicrositeLink stores a new personalised microsite link for the
// room's customer and returns its token.
func insertMicrositeLink(ctx context.Context, tx *txn, storeID int64, roomID *int64, customerName string, now time.Time) (string, error) {
	token, err := randomToken()
	if err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO microsite_links (token, store_id, room_id, customer_name, expires_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		token, storeID, nullInt64(roomID), customerName, now.Add(msgcenter.MicrositeLinkTTL), now,
	)
	if err != nil {
		return "", fmt.Errorf("sqlstore: insert microsite link: %w", err)
	}
	return token, nil
}

// insertFailedCheckout stores fc with the token of its microsite link; fc
// gets its id.
func insertFailedCheckout(ctx context.Context, tx *txn, fc *msgcenter.FailedCheckout, micrositeToken string) error {
	items, err := json.Marshal(fc.Items)
	if err != nil {
		return fmt.Errorf("sqlstore: encode failed checkout items: %w", err)
	}
	unprocessed, err := json.Marshal(fc.Unprocessed)
	if err != nil {
		return fmt.Errorf("sqlstore: encode unprocessed items: %w", err)
	}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO failed_checkouts (store_id, room_id, customer_name, items, unprocessed, reason, microsite_token, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		RETURNING id`,
		fc.StoreID, nullInt64(fc.RoomID), fc.CustomerName, string(items), string(unprocessed), fc.Reason, micrositeToken, fc.CreatedAt,
	).Scan(&fc.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: insert failed checkout: %w", err)
	}
	return nil
}

// findFailedCheckout reads one failed checkout of the store and the token
// of the microsite link its message carries.
func findFailedCheckout(ctx context.Context, q querier, storeID, id int64) (*msgcenter.FailedCheckout, string, error) {
	var fc msgcenter.FailedCheckout
	var roomID sql.NullInt64
	var items, unprocessed, token string
	err := q.QueryRowContext(ctx, `
		SELECT id, store_id, room_id, customer_name, items, unprocessed, reason, microsite_token, created_at
		FROM failed_checkouts
		WHERE store_id = $1 AND id = $2`,
		storeID, id,
	).Scan(&fc.ID, &fc.StoreID, &roomID, &fc.CustomerName, &items, &unprocessed, &fc.Reason, &token, &fc.CreatedAt)
	if err == sql.ErrNoRows {
		return nil, "", msgcenter.Errorf(msgcenter.ENOTFOUND, "Failed checkout not found.")
	} else if err != nil {
		return nil, "", fmt.Errorf("sqlstore: find failed checkout: %w", err)
	}
	fc.RoomID = int64Ptr(roomID)
	fc.CreatedAt = fc.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(items), &fc.Items); err != nil {
		return nil, "", fmt.Errorf("sqlstore: decode items of failed checkout %d: %w", fc.ID, err)
	}
	if err := json.Unmarshal([]byte(unprocessed), &fc.Unprocessed); err != nil {
		return nil, "", fmt.Errorf("sqlstore: decode unprocessed items of failed checkout %d: %w", fc.ID, err)
	}
	return &fc, token, nil
}
