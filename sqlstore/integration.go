package sqlstore

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.IntegrationService = (*IntegrationService)(nil)

// SecretKeySize is the length in bytes of the server key that encrypts the
// stored secrets (AES-256).
const SecretKeySize = 32

// ParseSecretKey decodes the server key as cmd reads it from
// MSGCENTER_SECRET_KEY: 32 bytes written as 64 hex digits or as base64
// (standard or URL alphabet, padded or not). The empty string gives a nil
// key, with which nothing secret can be stored.
func ParseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if len(s) == 2*SecretKeySize {
		if b, err := hex.DecodeString(s); err == nil {
			return b, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == SecretKeySize {
			return b, nil
		}
	}
	return nil, fmt.Errorf("sqlstore: the secret key must be %d bytes written as %d hex digits or as base64 (openssl rand -base64 32 makes one)",
		SecretKeySize, 2*SecretKeySize)
}

// IntegrationService stores each store's connection to its own omnichannel
// app, its secret key sealed with AES-256-GCM under the server key.
type IntegrationService struct {
	db   *DB
	aead cipher.AEAD // nil without a server key
	// absent remembers, until the time it holds, the stores found without
	// a connection: every send looks its store's up (the provider
	// resolver), and most stores have none. ConnectQiscus forgets its
	// store at once; another process sees the connection after absentFor.
	absent sync.Map // store id → time.Time
}

// absentFor is how long FindIntegration trusts that a store has no
// connection.
const absentFor = time.Second

// NewIntegrationService returns an IntegrationService on db. key is the
// server key (see ParseSecretKey): 32 bytes, or empty, in which case stores
// cannot connect an app. Any other length is an error.
func NewIntegrationService(db *DB, key []byte) (*IntegrationService, error) {
	s := &IntegrationService{db: db}
	if len(key) == 0 {
		return s, nil
	}
	if len(key) != SecretKeySize {
		return nil, fmt.Errorf("sqlstore: the secret key is %d bytes, want %d", len(key), SecretKeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: secret key: %w", err)
	}
	if s.aead, err = cipher.NewGCM(block); err != nil {
		return nil, fmt.Errorf("sqlstore: secret key: %w", err)
	}
	return s, nil
}

// errNoServerKey refuses to store a secret that could only be kept in clear.
func errNoServerKey() error {
	return msgcenter.Errorf(msgcenter.EINVALID,
		"This server cannot store app secrets: its encryption key is not configured (the operator sets MSGCENTER_SECRET_KEY).")
}

// additionalData binds a sealed secret to its store, so that a sealed value
// copied into another store's row does not open.
func additionalData(storeID int64) []byte {
	return []byte("msgcenter/integration/store/" + strconv.FormatInt(storeID, 10))
}

// seal encrypts secret with a fresh random nonce: base64(nonce || ciphertext).
func (s *IntegrationService) seal(storeID int64, secret string) (string, error) {
	nonce := make([]byte, s.aead.NonceSize(), s.aead.NonceSize()+len(secret)+s.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("sqlstore: random nonce: %w", err)
	}
	sealed := s.aead.Seal(nonce, nonce, []byte(secret), additionalData(storeID))
	return base64.StdEncoding.EncodeToString(sealed), nil
}

// open decrypts what seal returned. Its errors never hold the secret.
func (s *IntegrationService) open(storeID int64, sealed string) (string, error) {
	b, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(b) < s.aead.NonceSize() {
		return "", errors.New("sqlstore: the stored secret is malformed")
	}
	plain, err := s.aead.Open(nil, b[:s.aead.NonceSize()], b[s.aead.NonceSize():], additionalData(storeID))
	if err != nil {
		return "", errors.New("sqlstore: the stored secret does not open with the server key (was MSGCENTER_SECRET_KEY changed?)")
	}
	return string(plain), nil
}

// ConnectQiscus validates the connection, seals the secret key and stores
// both, replacing any earlier connection of the store but keeping its
// inbound webhook secret. Returns EINVALID (bad input, or no server key) or
// ENOTFOUND for an unknown store.
func (s *IntegrationService) ConnectQiscus(ctx context.Context, storeID int64, appID, secretKey, baseURL string) (*msgcenter.Integration, error) {
	baseURL, err := msgcenter.ValidateQiscusConnection(appID, secretKey, baseURL)
	if err != nil {
		return nil, err
	}
	if s.aead == nil {
		return nil, errNoServerKey()
	}
	sealed, err := s.seal(storeID, secretKey)
	if err != nil {
		return nil, err
	}
	inbound, err := randomToken()
	if err != nil {
		return nil, err
	}
	in := &msgcenter.Integration{StoreID: storeID, Provider: msgcenter.IntegrationQiscus, AppID: appID, BaseURL: baseURL, ConnectedAt: s.db.now()}
	err = s.db.withTx(ctx, func(tx *txn) error {
		if err := storeExists(ctx, tx, storeID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `
			INSERT INTO integrations (store_id, provider, app_id, base_url, secret_sealed, inbound_secret, connected_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (store_id) DO UPDATE SET provider = excluded.provider, app_id = excluded.app_id,
				base_url = excluded.base_url, secret_sealed = excluded.secret_sealed, connected_at = excluded.connected_at
			RETURNING inbound_secret`,
			storeID, in.Provider, in.AppID, in.BaseURL, sealed, inbound, in.ConnectedAt).Scan(&in.InboundSecret)
		if err != nil {
			return fmt.Errorf("sqlstore: store integration: %w", err)
		}
		return nil
	})
	s.absent.Delete(storeID)
	if err != nil {
		return nil, err
	}
	return in, nil
}

// FindIntegration returns the store's connection, without its secret.
// Returns ENOTFOUND when the store has none. A store found without one is
// answered so for a second without a read, in this process; its own
// ConnectQiscus ends that at once.
func (s *IntegrationService) FindIntegration(ctx context.Context, storeID int64) (*msgcenter.Integration, error) {
	if until, ok := s.absent.Load(storeID); ok && time.Now().Before(until.(time.Time)) {
		return nil, errNoIntegration()
	}
	in, _, err := findIntegration(ctx, s.db.q, storeID)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		s.absent.Store(storeID, time.Now().Add(absentFor))
	}
	return in, err
}

// DisconnectIntegration deletes the store's connection and its sealed secret.
// Returns ENOTFOUND when the store has none.
func (s *IntegrationService) DisconnectIntegration(ctx context.Context, storeID int64) error {
	res, err := s.db.db.ExecContext(ctx, `DELETE FROM integrations WHERE store_id = $1`, storeID)
	if err != nil {
		return fmt.Errorf("sqlstore: delete integration: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlstore: delete integration: %w", err)
	} else if n == 0 {
		return errNoIntegration()
	}
	return nil
}

// IntegrationSecret returns the store's decrypted secret key. Returns
// ENOTFOUND when the store has none and EINTERNAL when it does not open.
func (s *IntegrationService) IntegrationSecret(ctx context.Context, storeID int64) (string, error) {
	_, sealed, err := findIntegration(ctx, s.db.q, storeID)
	if err != nil {
		return "", err
	}
	if s.aead == nil {
		return "", errors.New("sqlstore: store has a sealed app secret but the server has no secret key (MSGCENTER_SECRET_KEY)")
	}
	return s.open(storeID, sealed)
}

func errNoIntegration() error {
	return msgcenter.Errorf(msgcenter.ENOTFOUND, "The store has no connected app.")
}

// findIntegration reads the store's connection and its sealed secret.
func findIntegration(ctx context.Context, q querier, storeID int64) (*msgcenter.Integration, string, error) {
	in := &msgcenter.Integration{StoreID: storeID}
	var sealed string
	err := q.QueryRowContext(ctx, `
		SELECT provider, app_id, base_url, secret_sealed, inbound_secret, connected_at
		FROM integrations WHERE store_id = $1`, storeID).
		Scan(&in.Provider, &in.AppID, &in.BaseURL, &sealed, &in.InboundSecret, &in.ConnectedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", errNoIntegration()
	} else if err != nil {
		return nil, "", fmt.Errorf("sqlstore: find integration: %w", err)
	}
	in.ConnectedAt = in.ConnectedAt.UTC()
	return in, sealed, nil
}
