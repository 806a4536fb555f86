package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/qiscus/msgcenter"
)

// ApplyDeliveryReceipt records a status the platform reported for the
// store's message it accepted as r.ProviderMessageID; see
// msgcenter.DeliveryWorkStore. Each change is one guarded update, so
// receipts that arrive together or out of order leave the furthest status:
// read sets delivered_at too, delivered never clears read_at, and a failure
// applies only to a message sent and not yet delivered.
func (s *DeliveryService) ApplyDeliveryReceipt(ctx context.Context, storeID int64, r msgcenter.DeliveryReceipt) (*msgcenter.ReceiptOutcome, error) {
	if r.ProviderMessageID == "" {
		return nil, msgcenter.Invalid("The receipt is not valid.", map[string]string{"id": "is required"})
	}
	switch r.Status {
	case msgcenter.ReceiptSent, msgcenter.ReceiptDelivered, msgcenter.ReceiptRead, msgcenter.ReceiptFailed:
	default:
		return nil, msgcenter.Invalid("The receipt is not valid.", map[string]string{"status": "must be one of sent, delivered, read, failed"})
	}
	if r.Status == msgcenter.ReceiptFailed && !r.Reason.Valid() {
		r.Reason = msgcenter.ReasonUndeliverable
	}
	at := r.At.UTC().Truncate(time.Microsecond)
	if r.At.IsZero() {
		at = s.db.now()
	}
	var out msgcenter.ReceiptOutcome
	err := s.db.withTx(ctx, func(tx *txn) error {
		var id int64
		err := tx.QueryRowContext(ctx, `
			SELECT d.id FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id
			WHERE a.provider_message_id = $1 AND d.store_id = $2
			ORDER BY d.id LIMIT 1`, r.ProviderMessageID, storeID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return msgcenter.Errorf(msgcenter.ENOTFOUND, "No message of this store has the platform id %q.", r.ProviderMessageID)
		} else if err != nil {
			return fmt.Errorf("sqlstore: find receipt's message: %w", err)
		}
		sent := string(msgcenter.StatusSent)
		var res sql.Result
		switch r.Status {
		case msgcenter.ReceiptDelivered:
			res, err = tx.ExecContext(ctx, `UPDATE deliveries SET delivered_at = $1, updated_at = $2
				WHERE id = $3 AND status = $4 AND delivered_at IS NULL`, at, s.db.now(), id, sent)
		case msgcenter.ReceiptRead:
			res, err = tx.ExecContext(ctx, `UPDATE deliveries SET read_at = $1, delivered_at = COALESCE(delivered_at, $1), updated_at = $2
				WHERE id = $3 AND status = $4 AND read_at IS NULL`, at, s.db.now(), id, sent)
		case msgcenter.ReceiptFailed:
			res, err = tx.ExecContext(ctx, `UPDATE deliveries SET status = $1, reason = $2, updated_at = $3
				WHERE id = $4 AND status = $5 AND delivered_at IS NULL AND read_at IS NULL`,
				string(msgcenter.StatusFailed), string(r.Reason), s.db.now(), id, sent)
			if err == nil {
				if n, _ := res.RowsAffected(); n == 1 {
					// The failure is kept as an attempt of the message, after
					// its tries, which it does not count.
					_, err = tx.ExecContext(ctx, `INSERT INTO delivery_attempts (delivery_id, n, at, outcome, provider_message_id, error)
						SELECT $1, COALESCE(MAX(n), 0) + 1, $2, $3, $4, $5 FROM delivery_attempts WHERE delivery_id = $1`,
						id, at, "failed", r.ProviderMessageID, "status webhook: "+r.Error)
				}
			}
		}
		if err != nil {
			return fmt.Errorf("sqlstore: apply receipt: %w", err)
		}
		if res != nil {
			n, _ := res.RowsAffected()
			out.Changed = n == 1
		}
		out.Delivery, err = findDelivery(ctx, tx, `WHERE store_id = $1 AND id = $2`, storeID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
