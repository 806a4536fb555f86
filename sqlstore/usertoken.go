package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"github.com/qiscus/msgcenter"
)

// FindAPITokens lists the user's tokens, oldest first.
func (s *UserService) FindAPITokens(ctx context.Context, userID int64) ([]*msgcenter.APIToken, error) {
	rows, err := s.db.q.QueryContext(ctx, `
		SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id`, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find api tokens: %w", err)
	}
	defer rows.Close()
	out := []*msgcenter.APIToken{}
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find api tokens: %w", err)
	}
	return out, nil
}

// RevokeAPIToken revokes the user's token tokenID; it answers ENOTFOUND for
// a token of another user, exactly as for an unknown one.
func (s *UserService) RevokeAPIToken(ctx context.Context, userID, tokenID int64) (*msgcenter.APIToken, error) {
	var t *msgcenter.APIToken
	err := s.db.withTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `
			UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND id = $3 AND revoked_at IS NULL`,
			s.db.now(), userID, tokenID); err != nil {
			return fmt.Errorf("sqlstore: revoke api token: %w", err)
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 AND id = $2`,
			userID, tokenID)
		if err != nil {
			return fmt.Errorf("sqlstore: find api token: %w", err)
		}
		defer rows.Close()
		if !rows.Next() {
			if err := rows.Err(); err != nil {
				return fmt.Errorf("sqlstore: find api token: %w", err)
			}
			return msgcenter.Errorf(msgcenter.ENOTFOUND, "Token not found.")
		}
		t, err = scanAPIToken(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

func scanAPIToken(rows *sql.Rows) (*msgcenter.APIToken, error) {
	var t msgcenter.APIToken
	var revoked sql.NullTime
	if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt, &revoked); err != nil {
		return nil, fmt.Errorf("sqlstore: scan api token: %w", err)
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.RevokedAt = timePtr(revoked)
	return &t, nil
}

// SetPassword stores a bcrypt hash of password for the user and deletes the
// user's sessions, in one transaction, so a session opened with the old
// password does not outlive it.
func (s *UserService) SetPassword(ctx context.Context, userID int64, password string) error {
	if err := msgcenter.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.BcryptCost)
	if err != nil {
		return fmt.Errorf("sqlstore: hash password: %w", err)
	}
	return s.db.withTx(ctx, func(tx *txn) error {
		r, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1 WHERE id = $2`, string(hash), userID)
		if err != nil {
			return fmt.Errorf("sqlstore: set password: %w", err)
		}
		if n, err := r.RowsAffected(); err != nil {
			return fmt.Errorf("sqlstore: set password: %w", err)
		} else if n == 0 {
			return msgcenter.Errorf(msgcenter.ENOTFOUND, "User not found.")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID); err != nil {
			return fmt.Errorf("sqlstore: end sessions: %w", err)
		}
		return nil
	})
}
