package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/qiscus/msgcenter"
)

// CreateChannel validates c and stores it. On success c holds its id and
// creation time. Returns EINVALID, or ENOTFOUND for an unknown store.
func (s *CommerceService) CreateChannel(ctx context.Context, c *msgcenter.Channel) error {
	ch := *c
	ch.Name = strings.TrimSpace(ch.Name)
	if err := ch.Validate(); err != nil {
		return err
	}
	ch.CreatedAt = s.db.now()
	err := s.db.withTx(ctx, func(tx *txn) error {
		if err := storeExists(ctx, tx, ch.StoreID); err != nil {
			return err
		}
		return insertChannel(ctx, tx, &ch)
	})
	if err != nil {
		return err
	}
	*c = ch
	return nil
}

func insertChannel(ctx context.Context, tx *txn, c *msgcenter.Channel) error {
	err := tx.QueryRowContext(ctx, `
		INSERT INTO channels (store_id, type, name, phone, external_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id`,
		c.StoreID, string(c.Type), c.Name, c.Phone, c.ExternalID, c.CreatedAt,
	).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: insert channel: %w", err)
	}
	return nil
}

// FindChannels lists the store's channels, oldest first.
func (s *CommerceService) FindChannels(ctx context.Context, storeID int64) ([]*msgcenter.Channel, error) {
	return findChannels(ctx, s.db.q, `WHERE store_id = $1 ORDER BY id`, storeID)
}

// FindChannel returns one channel of the store, ENOTFOUND for another store's.
func (s *CommerceService) FindChannel(ctx context.Context, storeID, id int64) (*msgcenter.Channel, error) {
	return findChannel(ctx, s.db.q, storeID, id, "")
}

// UpdateChannel renames the store's channel; a nil name changes nothing.
// Returns ENOTFOUND or EINVALID.
func (s *CommerceService) UpdateChannel(ctx context.Context, storeID, id int64, name *string) (*msgcenter.Channel, error) {
	var c *msgcenter.Channel
	err := s.db.withTx(ctx, func(tx *txn) error {
		var err error
		if c, err = findChannel(ctx, tx, storeID, id, s.db.forUpdate()); err != nil {
			return err
		}
		if name == nil {
			return nil
		}
		c.Name = strings.TrimSpace(*name)
		if err := c.Validate(); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE channels SET name = $1 WHERE store_id = $2 AND id = $3`, c.Name, storeID, id); err != nil {
			return fmt.Errorf("sqlstore: update channel: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

const channelColumns = `id, store_id, type, name, phone, external_id, created_at`

// findChannel reads one channel of the store; lock is "" or a locking clause.
func findChannel(ctx context.Context, q querier, storeID, id int64, lock string) (*msgcenter.Channel, error) {
	cs, err := findChannels(ctx, q, `WHERE store_id = $1 AND id = $2`+lock, storeID, id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Channel not found.")
	}
	return cs[0], nil
}

func findChannels(ctx context.Context, q querier, where string, args ...any) ([]*msgcenter.Channel, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+channelColumns+` FROM channels `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find channels: %w", err)
	}
	defer rows.Close()
	channels := []*msgcenter.Channel{}
	for rows.Next() {
		var c msgcenter.Channel
		var typ string
		if err := rows.Scan(&c.ID, &c.StoreID, &typ, &c.Name, &c.Phone, &c.ExternalID, &c.CreatedAt); err != nil {
			return nil, fmt.Errorf("sqlstore: scan channel: %w", err)
		}
		c.Type = msgcenter.ChannelType(typ)
		c.CreatedAt = c.CreatedAt.UTC()
		channels = append(channels, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find channels: %w", err)
	}
	return channels, nil
}
