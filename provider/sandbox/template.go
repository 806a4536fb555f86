package sandbox

import (
	"context"
	"database/sql"
	"errors"

	"github.com/qiscus/msgcenter"
)

func nonNil(b []msgcenter.TemplateButton) []msgcenter.TemplateButton {
	if b == nil {
		return []msgcenter.TemplateButton{}
	}
	return b
}

func contains(set []string, v string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

// Credits returns the store's WhatsApp credit balance.
func (p *Provider) Credits(ctx context.Context, storeID int64) (int64, error) {
	var n int64
	err := p.db.QueryRowContext(ctx, `SELECT balance FROM sandbox_credits WHERE store_id = $1`, storeID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

// TopUp adds n credits to the store's balance.
func (p *Provider) TopUp(ctx context.Context, storeID, n int64) error {
	if n <= 0 || n > 1_000_000 {
		return msgcenter.Invalid("Bad amount.", map[string]string{"credits": "must be between 1 and 1000000"})
	}
	_, err := p.db.ExecContext(ctx, `
		INSERT INTO sandbox_credits (store_id, balance, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (store_id) DO UPDATE SET balance = sandbox_credits.balance + excluded.balance, updated_at = excluded.updated_at`,
		storeID, n, p.now())
	return err
}
