package sqlstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/qiscus/msgcenter"
)

// tokenPrefix marks msgcenter's secrets so they are recognisable in logs and
// by secret scanners.
const tokenPrefix = "mc_"

var _ msgcenter.UserService = (*UserService)(nil)

// UserService stores admin users, their API tokens and their sessions.
type UserService struct {
	db *DB

	// BcryptCost is the cost of new password hashes. Tests lower it to
	// bcrypt.MinCost; it must be set before the service is shared.
	BcryptCost int

	dummyOnce sync.Once
	dummyHash []byte
}

// NewUserService returns a UserService on db.
func NewUserService(db *DB) *UserService {
	return &UserService{db: db, BcryptCost: bcrypt.DefaultCost}
}

// CreateUser stores a new admin with a bcrypt hash of the password. Emails
// are stored lowercased, so they are unique regardless of case.
func (s *UserService) CreateUser(ctx context.Context, email, password string) (*msgcenter.User, error) {
	if err := msgcenter.ValidateCredentials(email, password); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), s.BcryptCost)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: hash password: %w", err)
	}
	u := &msgcenter.User{Email: normalizeEmail(email), CreatedAt: s.db.now()}
	err = s.db.withTx(ctx, func(tx *txn) error {
		return createUser(ctx, tx, u, string(hash))
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

func createUser(ctx context.Context, tx *txn, u *msgcenter.User, hash string) error {
	err := tx.QueryRowContext(ctx, `
		INSERT INTO users (email, password_hash, created_at)
		VALUES ($1, $2, $3)
		RETURNING id`,
		u.Email, hash, u.CreatedAt,
	).Scan(&u.ID)
	if isUniqueViolation(err) {
		return &msgcenter.Error{
			Code:    msgcenter.ECONFLICT,
			Message: "An account with this email already exists.",
			Fields:  map[string]string{"email": "is already registered"},
		}
	} else if err != nil {
		return fmt.Errorf("sqlstore: insert user: %w", err)
	}
	return nil
}

// FindUserByEmail finds a user by email, in any case.
func (s *UserService) FindUserByEmail(ctx context.Context, email string) (*msgcenter.User, error) {
	u, _, err := findUserByEmail(ctx, s.db.q, normalizeEmail(email))
	return u, err
}

// findUserByEmail returns the user and their password hash.
func findUserByEmail(ctx context.Context, q querier, email string) (*msgcenter.User, string, error) {
	var u msgcenter.User
	var hash string
	err := q.QueryRowContext(ctx, `
		SELECT id, email, language, created_at, password_hash
		FROM users
		WHERE email = $1`,
		email,
	).Scan(&u.ID, &u.Email, &u.Language, &u.CreatedAt, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", msgcenter.Errorf(msgcenter.ENOTFOUND, "User not found.")
	} else if err != nil {
		return nil, "", fmt.Errorf("sqlstore: find user by email: %w", err)
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, hash, nil
}

// Authenticate checks the password of the user with email. It spends a
// bcrypt comparison even for an unknown email, so the answer's timing does
// not say whether the account exists.
func (s *UserService) Authenticate(ctx context.Context, email, password string) (*msgcenter.User, error) {
	u, hash, err := findUserByEmail(ctx, s.db.q, normalizeEmail(email))
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		bcrypt.CompareHashAndPassword(s.dummy(), []byte(password))
		return nil, errInvalidLogin()
	} else if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil {
		return nil, errInvalidLogin()
	}
	return u, nil
}

func errInvalidLogin() error {
	return msgcenter.Errorf(msgcenter.EUNAUTHORIZED, "Invalid email or password.")
}

// dummy returns a hash at the service's cost to compare against when the
// email is unknown.
func (s *UserService) dummy() []byte {
	s.dummyOnce.Do(func() {
		s.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("msgcenter-no-such-user"), s.BcryptCost)
	})
	return s.dummyHash
}

// CreateAPIToken makes a bearer token named name for the user.
func (s *UserService) CreateAPIToken(ctx context.Context, userID int64, name string) (string, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", err
	}
	err = s.db.withTx(ctx, func(tx *txn) error {
		if err := userExists(ctx, tx, userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO api_tokens (user_id, name, token_hash, created_at)
			VALUES ($1, $2, $3, $4)`,
			userID, strings.TrimSpace(name), hash, s.db.now(),
		)
		if err != nil {
			return fmt.Errorf("sqlstore: insert api token: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// FindUserByAPIToken finds the owner of a live API token.
func (s *UserService) FindUserByAPIToken(ctx context.Context, token string) (*msgcenter.User, error) {
	var u msgcenter.User
	err := s.db.q.QueryRowContext(ctx, `
		SELECT u.id, u.email, u.language, u.created_at
		FROM api_tokens t
		JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
		hashToken(token),
	).Scan(&u.ID, &u.Email, &u.Language, &u.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, msgcenter.Errorf(msgcenter.EUNAUTHORIZED, "Invalid API token.")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find user by api token: %w", err)
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// CreateSession makes a dashboard session for the user valid until expires.
// Returns ENOTFOUND for an unknown user.
func (s *UserService) CreateSession(ctx context.Context, userID int64, expires time.Time) (string, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", err
	}
	err = s.db.withTx(ctx, func(tx *txn) error {
		if err := userExists(ctx, tx, userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO sessions (token_hash, user_id, expires_at, created_at)
			VALUES ($1, $2, $3, $4)`,
			hash, userID, expires.UTC().Truncate(time.Microsecond), s.db.now(),
		)
		if err != nil {
			return fmt.Errorf("sqlstore: insert session: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// FindUserBySession finds the user of a session that has not expired by the
// DB's clock.
func (s *UserService) FindUserBySession(ctx context.Context, token string) (*msgcenter.User, error) {
	var u msgcenter.User
	var expires time.Time
	err := s.db.q.QueryRowContext(ctx, `
		SELECT u.id, u.email, u.language, u.created_at, s.expires_at
		FROM sessions s
		JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1`,
		hashToken(token),
	).Scan(&u.ID, &u.Email, &u.Language, &u.CreatedAt, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errInvalidSession()
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find user by session: %w", err)
	}
	// Compared here rather than in SQL so the injected clock decides, and
	// so SQLite's text timestamps are never compared as strings.
	if !s.db.now().Before(expires) {
		return nil, errInvalidSession()
	}
	u.CreatedAt = u.CreatedAt.UTC()
	return &u, nil
}

// SetUserLanguage remembers the dashboard language the admin chose.
func (s *UserService) SetUserLanguage(ctx context.Context, userID int64, lang msgcenter.Language) error {
	if !lang.Valid() {
		return msgcenter.Invalid("The language is not supported.", map[string]string{"language": "must be en or id"})
	}
	return s.db.withTx(ctx, func(tx *txn) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET language = $1 WHERE id = $2`, string(lang), userID)
		if err != nil {
			return fmt.Errorf("sqlstore: set user language: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("sqlstore: set user language: %w", err)
		} else if n == 0 {
			return msgcenter.Errorf(msgcenter.ENOTFOUND, "User not found.")
		}
		return nil
	})
}

func errInvalidSession() error {
	return msgcenter.Errorf(msgcenter.EUNAUTHORIZED, "Your session has expired; please sign in again.")
}

// DeleteSession ends a session; an unknown token is not an error.
func (s *UserService) DeleteSession(ctx context.Context, token string) error {
	return s.db.withTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hashToken(token)); err != nil {
			return fmt.Errorf("sqlstore: delete session: %w", err)
		}
		return nil
	})
}

func userExists(ctx context.Context, tx *txn, userID int64) error {
	var ok bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE id = $1)`, userID).Scan(&ok); err != nil {
		return fmt.Errorf("sqlstore: find user: %w", err)
	}
	if !ok {
		return msgcenter.Errorf(msgcenter.ENOTFOUND, "User not found.")
	}
	return nil
}

// normalizeEmail is the form emails are stored and looked up in.
func normalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// newToken returns a new secret token, "mc_" and 32 random bytes in
// base64url, and the hash under which it is stored.
func newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("sqlstore: random token: %w", err)
	}
	token = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, hashToken(token), nil
}

// hashToken is the stored form of a token: hex SHA-256. Tokens carry 256
// random bits, so a fast hash is enough; a leaked table reveals no token.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
