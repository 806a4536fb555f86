package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.IdempotencyService = (*IdempotencyService)(nil)

// IdempotencyService keeps the answers of creating requests by their
// Idempotency-Key in idempotency_keys, shared by every process.
type IdempotencyService struct {
	db *DB
	// lastPurge is when this process last deleted expired keys (unix nanos).
	lastPurge atomic.Int64
}

// NewIdempotencyService returns an IdempotencyService on db.
func NewIdempotencyService(db *DB) *IdempotencyService { return &IdempotencyService{db: db} }

// purgeEvery is how often one process deletes every expired key; a key is
// judged expired when it is read in any case.
const purgeEvery = time.Hour

// ClaimIdempotencyKey implements msgcenter.IdempotencyService. The claim is
// an insert on the key's primary key, so of two concurrent requests with one
// key exactly one claims it, on either engine.
func (s *IdempotencyService) ClaimIdempotencyKey(ctx context.Context, scope, key, requestHash string) (*msgcenter.IdempotentResult, bool, error) {
	now := s.db.now()
	cutoff := now.Add(-msgcenter.IdempotencyKeyTTL)
	if last := s.lastPurge.Load(); now.UnixNano()-last > int64(purgeEvery) && s.lastPurge.CompareAndSwap(last, now.UnixNano()) {
		if _, err := s.db.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, cutoff); err != nil {
			return nil, false, fmt.Errorf("sqlstore: purge idempotency keys: %w", err)
		}
	}
	var res *msgcenter.IdempotentResult
	claimed := false
	err := s.db.withTx(ctx, func(tx *txn) error {
		// An expired key is forgotten first, so the insert below claims it.
		if _, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND created_at < $3`,
			scope, key, cutoff); err != nil {
			return fmt.Errorf("sqlstore: expire idempotency key: %w", err)
		}
		r, err := tx.ExecContext(ctx, `
			INSERT INTO idempotency_keys (scope, key, request_hash, status, created_at) VALUES ($1, $2, $3, 0, $4)
			ON CONFLICT (scope, key) DO NOTHING`, scope, key, requestHash, now)
		if err != nil {
			return fmt.Errorf("sqlstore: claim idempotency key: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 1 {
			claimed = true
			res = &msgcenter.IdempotentResult{RequestHash: requestHash, CreatedAt: now}
			return nil
		}
		res = &msgcenter.IdempotentResult{}
		var body []byte
		err = tx.QueryRowContext(ctx, `
			SELECT request_hash, status, content_type, body, created_at FROM idempotency_keys WHERE scope = $1 AND key = $2`,
			scope, key).Scan(&res.RequestHash, &res.Status, &res.ContentType, &body, &res.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			// Released between the insert and the read: a retry claims it.
			return msgcenter.Errorf(msgcenter.ECONFLICT, "A request with this Idempotency-Key was just abandoned: send it again.")
		} else if err != nil {
			return fmt.Errorf("sqlstore: read idempotency key: %w", err)
		}
		res.Body = body
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return res, claimed, nil
}

// CompleteIdempotencyKey implements msgcenter.IdempotencyService.
func (s *IdempotencyService) CompleteIdempotencyKey(ctx context.Context, scope, key string, status int, contentType string, body []byte) error {
	if body == nil {
		body = []byte{}
	}
	if _, err := s.db.db.ExecContext(ctx, `
		UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3 WHERE scope = $4 AND key = $5`,
		status, contentType, body, scope, key); err != nil {
		return fmt.Errorf("sqlstore: complete idempotency key: %w", err)
	}
	return nil
}

// ReleaseIdempotencyKey implements msgcenter.IdempotencyService.
func (s *IdempotencyService) ReleaseIdempotencyKey(ctx context.Context, scope, key string) error {
	if _, err := s.db.db.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND status = 0`, scope, key); err != nil {
		return fmt.Errorf("sqlstore: release idempotency key: %w", err)
	}
	return nil
}
