package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/qiscus/msgcenter"
)

// dueCheckoutBatch is how many due checkouts RaiseDueCheckouts handles per
// transaction.
const dueCheckoutBatch = 100

// maxCheckoutLines bounds a checkout's cart like an order's.
const maxCheckoutLines = 100

// StartCheckout records that a customer proceeded to checkout from the
// store's room with items. The room's open checkouts are replaced. When the
// room is on WhatsApp the checkout is due for order_incomplete after the
// store's delay; on other channels it is never due. Returns EINVALID for a
// bad cart and ENOTFOUND for another store's room.
func (s *OrderFlowService) StartCheckout(ctx context.Context, storeID, roomID int64, items []msgcenter.CartItem) (*msgcenter.Checkout, error) {
	if err := validateCart(items); err != nil {
		return nil, err
	}
	token, err := randomToken()
	if err != nil {
		return nil, err
	}
	c := &msgcenter.Checkout{
		StoreID: storeID, RoomID: roomID, Token: token,
		Items: append([]msgcenter.CartItem(nil), items...), Status: msgcenter.CheckoutOpen,
	}
	err = s.db.withTx(ctx, func(tx *txn) error {
		// Locking the room makes two checkouts from one room take turns, so
		// the later always replaces the earlier.
		room, err := findRoom(ctx, tx, storeID, roomID, s.db.forUpdateOf("r"))
		if err != nil {
			return err
		}
		if err := cartOfStore(ctx, tx, storeID, items); err != nil {
			return err
		}
		var delaySeconds int64
		if err := tx.QueryRowContext(ctx, `SELECT incomplete_delay_seconds FROM stores WHERE id = $1`, storeID).Scan(&delaySeconds); err != nil {
			return fmt.Errorf("sqlstore: find store delay: %w", err)
		}
		c.CreatedAt = s.db.now()
		if room.ChannelType == msgcenter.ChannelWhatsApp {
			c.DueAt = c.CreatedAt.Add(time.Duration(delaySeconds) * time.Second)
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE checkouts SET status = $1, updated_at = $2
			WHERE store_id = $3 AND room_id = $4 AND status = $5`,
			string(msgcenter.CheckoutReplaced), c.CreatedAt, storeID, roomID, string(msgcenter.CheckoutOpen),
		)
		if err != nil {
			return fmt.Errorf("sqlstore: replace checkouts: %w", err)
		}
		return insertCheckout(ctx, tx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// validateCart checks a checkout's items as OrderRequest.Validate does an order's.
func validateCart(items []msgcenter.CartItem) error {
	fields := map[string]string{}
	if len(items) == 0 {
		fields["items"] = "must hold at least one product"
	} else if len(items) > maxCheckoutLines {
		fields["items"] = "must hold at most 100 lines"
	}
	for _, it := range items {
		if it.Quantity < 1 || it.Quantity > 1000 {
			fields["items"] = "every quantity must be between 1 and 1000"
		} else if it.ProductID <= 0 {
			fields["items"] = "every line must name a product"
		}
	}
	if len(fields) > 0 {
		return msgcenter.Invalid("The checkout is not valid.", fields)
	}
	return nil
}

func insertCheckout(ctx context.Context, tx *txn, c *msgcenter.Checkout) error {
	items, err := json.Marshal(c.Items)
	if err != nil {
		return fmt.Errorf("sqlstore: encode checkout items: %w", err)
	}
	var due sql.NullTime
	if !c.DueAt.IsZero() {
		due = sql.NullTime{Time: c.DueAt, Valid: true}
	}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO checkouts (store_id, room_id, token, items, status, due_at, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
		RETURNING id`,
		c.StoreID, c.RoomID, c.Token, string(items), string(c.Status), due, c.CreatedAt,
	).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: insert checkout: %w", err)
	}
	return nil
}

// FindCheckout returns one checkout of the store, ENOTFOUND for another store's.
func (s *OrderFlowService) FindCheckout(ctx context.Context, storeID, id int64) (*msgcenter.Checkout, error) {
	return findCheckout(ctx, s.db.q, storeID, id, "")
}

// findCheckout reads one checkout of the store; lock is "" or a locking clause.
func findCheckout(ctx context.Context, q querier, storeID, id int64, lock string) (*msgcenter.Checkout, error) {
	var c msgcenter.Checkout
	var items, status string
	var due sql.NullTime
	err := q.QueryRowContext(ctx, `
		SELECT id, store_id, room_id, token, items, status, due_at, created_at
		FROM checkouts
		WHERE store_id = $1 AND id = $2`+lock,
		storeID, id,
	).Scan(&c.ID, &c.StoreID, &c.RoomID, &c.Token, &items, &status, &due, &c.CreatedAt)
	if err == sql.ErrNoRows {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Checkout not found.")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find checkout: %w", err)
	}
	c.Status = msgcenter.CheckoutStatus(status)
	if due.Valid {
		c.DueAt = due.Time.UTC()
	}
	c.CreatedAt = c.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(items), &c.Items); err != nil {
		return nil, fmt.Errorf("sqlstore: decode items of checkout %d: %w", c.ID, err)
	}
	return &c, nil
}

// setCheckoutStatus moves the store's checkout to status.
func setCheckoutStatus(ctx context.Context, tx *txn, storeID, id int64, status msgcenter.CheckoutStatus, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE checkouts SET status = $1, updated_at = $2 WHERE store_id = $3 AND id = $4`,
		string(status), now, storeID, id)
	if err != nil {
		return fmt.Errorf("sqlstore: update checkout: %w", err)
	}
	return nil
}

// RaiseDueCheckouts raises order_incomplete for every store's open checkout
// whose due time has passed at the DB's clock, and returns how many it
// raised. Each checkout leaves the open status with a guarded update before
// its event is raised, so two sweepers running at once never both raise it.
func (s *OrderFlowService) RaiseDueCheckouts(ctx context.Context) (int, error) {
	total := 0
	for {
		var selected, raised int
		err := s.db.withTx(ctx, func(tx *txn) error {
			var err error
			selected, raised, err = s.raiseDueCheckouts(ctx, tx)
			return err
		})
		if err != nil {
			return total, err
		}
		total += raised
		if selected < dueCheckoutBatch {
			return total, nil
		}
	}
}

// raiseDueCheckouts handles one batch of due checkouts: how many it looked
// at, and how many it raised.
func (s *OrderFlowService) raiseDueCheckouts(ctx context.Context, tx *txn) (selected, raised int, err error) {
	now := s.db.now()
	// On SQLite timestamps are text compared as strings; they are all
	// written in UTC in one format whose order is the time's order.
	rows, err := tx.QueryContext(ctx, `
		SELECT id, store_id, room_id FROM checkouts
		WHERE status = $1 AND due_at <= $2
		ORDER BY due_at, id
		LIMIT $3`,
		string(msgcenter.CheckoutOpen), now, dueCheckoutBatch,
	)
	if err != nil {
		return 0, 0, fmt.Errorf("sqlstore: find due checkouts: %w", err)
	}
	type due struct{ id, storeID, roomID int64 }
	var dues []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.storeID, &d.roomID); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("sqlstore: scan due checkout: %w", err)
		}
		dues = append(dues, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("sqlstore: find due checkouts: %w", err)
	}

	for _, d := range dues {
		res, err := tx.ExecContext(ctx, `UPDATE checkouts SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4`,
			string(msgcenter.CheckoutIncomplete), now, d.id, string(msgcenter.CheckoutOpen))
		if err != nil {
			return 0, 0, fmt.Errorf("sqlstore: mark checkout incomplete: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return 0, 0, fmt.Errorf("sqlstore: mark checkout incomplete: %w", err)
		} else if n != 1 {
			continue // another sweeper took it
		}
		roomID := d.roomID
		if _, _, err := s.db.raise(ctx, tx, occurrence{
			storeID: d.storeID, subject: msgcenter.SubjectCheckout, subjectID: d.id,
			event: msgcenter.EventOrderIncomplete, roomID: &roomID, kind: msgcenter.KindAutomation,
		}); err != nil {
			return 0, 0, err
		}
		raised++
	}
	return len(dues), raised, nil
}
