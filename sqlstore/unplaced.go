package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
)

// maxUnplacedPayload bounds a kept click's payload, in bytes.
const maxUnplacedPayload = 16 << 10

// KeepUnplacedClick keeps a click no room could be found or made for; see
// msgcenter.CustomButtonService. A payload over 16 KiB is cut, at a rune.
func (s *CustomButtonService) KeepUnplacedClick(ctx context.Context, storeID int64, payload []byte, reason string) (*msgcenter.UnplacedClick, error) {
	p := strings.ToValidUTF8(string(payload), "\uFFFD")
	if len(p) > maxUnplacedPayload {
		n := maxUnplacedPayload
		for n > 0 && !utf8.RuneStart(p[n]) {
			n--
		}
		p = p[:n]
	}
	c := &msgcenter.UnplacedClick{StoreID: storeID, Payload: p, Reason: truncate(reason, 500), CreatedAt: s.db.now()}
	err := s.db.db.QueryRowContext(ctx, `INSERT INTO unplaced_clicks (store_id, payload, reason, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		c.StoreID, c.Payload, c.Reason, c.CreatedAt).Scan(&c.ID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: keep unplaced click: %w", err)
	}
	return c, nil
}

// FindUnplacedClicks lists the store's kept clicks, newest first, at most 100.
func (s *CustomButtonService) FindUnplacedClicks(ctx context.Context, storeID int64) ([]*msgcenter.UnplacedClick, error) {
	rows, err := s.db.q.QueryContext(ctx, `SELECT id, store_id, payload, reason, created_at FROM unplaced_clicks
		WHERE store_id = $1 ORDER BY id DESC LIMIT 100`, storeID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find unplaced clicks: %w", err)
	}
	defer rows.Close()
	out := []*msgcenter.UnplacedClick{}
	for rows.Next() {
		c := &msgcenter.UnplacedClick{}
		if err := rows.Scan(&c.ID, &c.StoreID, &c.Payload, &c.Reason, &c.CreatedAt); err != nil {
			return nil, fmt.Errorf("sqlstore: find unplaced clicks: %w", err)
		}
		c.CreatedAt = c.CreatedAt.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}
