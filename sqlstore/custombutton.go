package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
)

var (
	_ msgcenter.CustomButtonService = (*CustomButtonService)(nil)
	_ msgcenter.MicrositeService    = (*CustomButtonService)(nil)
)

// CustomButtonService keeps each store's custom button secret and handles the
// clicks of its webhook. The provider is asked to create the button outside
// any transaction: the sandbox shares this database, and a remote platform
// must never hold a transaction open.
type CustomButtonService struct {
	db *DB

	// Buttons resolves the provider that creates the store's button on its
	// omnichannel (msgcenter.Providers fits); nil means no platform API, so
	// every button is set up by hand.
	Buttons func(ctx context.Context, storeID int64) (msgcenter.ButtonProvider, error)
	// BaseURL returns the public base URL with its trailing slash. It is a
	// function because the server learns its address only once it listens.
	BaseURL func() string
	// Logger records provider failures, which are not errors of the caller.
	Logger *slog.Logger
}

// NewCustomButtonService returns a CustomButtonService on db.
func NewCustomButtonService(db *DB, buttons func(ctx context.Context, storeID int64) (msgcenter.ButtonProvider, error), baseURL func() string) *CustomButtonService {
	return &CustomButtonService{db: db, Buttons: buttons, BaseURL: baseURL, Logger: slog.Default()}
}

// CustomButtonURL returns the button's webhook link under the public base
// URL (msgcenter.CustomButtonWebhookPath).
func (s *CustomButtonService) CustomButtonURL(b *msgcenter.CustomButton) string {
	base := "/"
	if s.BaseURL != nil {
		base = s.BaseURL()
	}
	return msgcenter.JoinURL(msgcenter.PublicBase(base), msgcenter.CustomButtonWebhookPath(b.StoreID, b.Secret))
}

// SetupCustomButton gives the store a secret when it has none and, unless
// the provider already created the button, asks it to. Calling it again is
// harmless: the secret stays, and the provider creates or updates one button.
func (s *CustomButtonService) SetupCustomButton(ctx context.Context, st *msgcenter.Store) (*msgcenter.CustomButton, error) {
	secret, err := randomToken()
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	if _, err := s.db.db.ExecContext(ctx, `
		INSERT INTO custom_buttons (store_id, secret, label, auto_created, created_at, updated_at)
		VALUES ($1, $2, $3, FALSE, $4, $4)
		ON CONFLICT (store_id) DO NOTHING`,
		st.ID, secret, st.Name, now); err != nil {
		if isForeignKeyViolation(err) {
			return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
		}
		return nil, fmt.Errorf("sqlstore: insert custom button: %w", err)
	}
	b, err := s.FindCustomButton(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	if b.AutoCreated {
		return b, nil
	}
	return s.ensure(ctx, st, b)
}

// FindCustomButton returns the store's button, ENOTFOUND when it has none.
func (s *CustomButtonService) FindCustomButton(ctx context.Context, storeID int64) (*msgcenter.CustomButton, error) {
	return findCustomButton(ctx, s.db.q, storeID, "")
}

// RotateCustomButton replaces the store's secret, so the old URL answers
// 404 from now on, and asks the provider to re-create the button with the
// new URL. Until it has, AutoCreated is false.
func (s *CustomButtonService) RotateCustomButton(ctx context.Context, st *msgcenter.Store) (*msgcenter.CustomButton, error) {
	if _, err := s.SetupCustomButton(ctx, st); err != nil {
		return nil, err
	}
	secret, err := randomToken()
	if err != nil {
		return nil, err
	}
	_, err = s.db.db.ExecContext(ctx, `UPDATE custom_buttons SET secret = $1, auto_created = FALSE, updated_at = $2 WHERE store_id = $3`,
		secret, s.db.now(), st.ID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: rotate custom button: %w", err)
	}
	b, err := s.FindCustomButton(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	return s.ensure(ctx, st, b)
}

// ensure asks the provider to create or update the button with b's URL and
// label and records whether it did. The update is guarded by the secret and
// the label, so a rotation or a relabelling that happened meanwhile is not
// marked created with a stale URL or label.
func (s *CustomButtonService) ensure(ctx context.Context, st *msgcenter.Store, b *msgcenter.CustomButton) (*msgcenter.CustomButton, error) {
	if s.Buttons == nil {
		return b, nil
	}
	p, err := s.Buttons(ctx, st.ID)
	ok := false
	if err == nil {
		ok, err = p.EnsureCustomButton(ctx, st.ID, b.Label, s.CustomButtonURL(b))
	}
	if err != nil {
		s.logger().WarnContext(ctx, "custom button: the provider could not create it; the admin can follow the manual steps",
			slog.Int64("store", st.ID), slog.Any("err", err))
		return b, nil
	}
	if !ok {
		return b, nil
	}
	now := s.db.now()
	_, err = s.db.db.ExecContext(ctx, `UPDATE custom_buttons SET auto_created = TRUE, updated_at = $1 WHERE store_id = $2 AND secret = $3 AND label = $4`,
		now, st.ID, b.Secret, b.Label)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: mark custom button created: %w", err)
	}
	return s.FindCustomButton(ctx, st.ID)
}

// SetCustomButtonLabel stores the admin's label ("" follows the store name
// again) and asks the provider to update the button. An unchanged label is
// not sent to the provider again.
func (s *CustomButtonService) SetCustomButtonLabel(ctx context.Context, st *msgcenter.Store, label string) (*msgcenter.CustomButton, error) {
	label = strings.TrimSpace(label)
	switch {
	case !msgcenter.PlainText(label) || strings.ContainsAny(label, "\r\n\t"):
		return nil, msgcenter.Invalid("The label is not valid.", map[string]string{"label": "must be one line of plain text"})
	case utf8.RuneCountInString(label) > msgcenter.MaxCustomButtonLabel:
		return nil, msgcenter.Invalid("The label is not valid.", map[string]string{
			"label": "must be at most " + strconv.Itoa(msgcenter.MaxCustomButtonLabel) + " characters"})
	}
	if label == "" {
		return s.relabel(ctx, st, st.Name, false, true)
	}
	return s.relabel(ctx, st, label, true, true)
}

// FollowStoreName gives a button the admin did not name the store's name.
func (s *CustomButtonService) FollowStoreName(ctx context.Context, st *msgcenter.Store) (*msgcenter.CustomButton, error) {
	return s.relabel(ctx, st, st.Name, false, false)
}

// relabel sets the store's button label; byAdmin records who chose it.
// Unless force, a label the admin set is kept. The provider is asked to
// update the button when the label changed, or it was never created.
func (s *CustomButtonService) relabel(ctx context.Context, st *msgcenter.Store, label string, byAdmin, force bool) (*msgcenter.CustomButton, error) {
	if _, err := s.SetupCustomButton(ctx, st); err != nil {
		return nil, err
	}
	var changed bool
	err := s.db.withTx(ctx, func(tx *txn) error {
		b, err := findCustomButton(ctx, tx, st.ID, s.db.forUpdate())
		if err != nil {
			return err
		}
		if (!force && b.LabelSetByAdmin) || (b.Label == label && b.LabelSetByAdmin == byAdmin) {
			return nil
		}
		changed = b.Label != label
		_, err = tx.ExecContext(ctx, `UPDATE custom_buttons SET label = $1, label_set_by_admin = $2, updated_at = $3 WHERE store_id = $4`,
			label, byAdmin, s.db.now(), st.ID)
		if err != nil {
			return fmt.Errorf("sqlstore: relabel custom button: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	b, err := s.FindCustomButton(ctx, st.ID)
	if err != nil || (!changed && b.AutoCreated) {
		return b, err
	}
	return s.ensure(ctx, st, b)
}

func (s *CustomButtonService) logger() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}

// findCustomButton reads the store's button; lock is "" or a locking clause.
func findCustomButton(ctx context.Context, q querier, storeID int64, lock string) (*msgcenter.CustomButton, error) {
	b := &msgcenter.CustomButton{}
	err := q.QueryRowContext(ctx, `SELECT store_id, secret, label, label_set_by_admin, auto_created, updated_at FROM custom_buttons WHERE store_id = $1`+lock,
		storeID).Scan(&b.StoreID, &b.Secret, &b.Label, &b.LabelSetByAdmin, &b.AutoCreated, &b.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "The store has no custom button yet.")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find custom button: %w", err)
	}
	b.UpdatedAt = b.UpdatedAt.UTC()
	return b, nil
}

// isForeignKeyViolation reports whether err is a foreign key violation on
// either engine.
func isForeignKeyViolation(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "SQLSTATE 23503") || strings.Contains(msg, "FOREIGN KEY constraint failed")
}

// FindMicrositeLink returns the store's personalised link of token while it
// is valid at the DB clock. An unknown token, another store's, or an expired
// one are all ENOTFOUND.
func (s *CustomButtonService) FindMicrositeLink(ctx context.Context, storeID int64, token string) (*msgcenter.MicrositeLink, error) {
	l := &msgcenter.MicrositeLink{}
	var roomID sql.NullInt64
	err := s.db.q.QueryRowContext(ctx, `
		SELECT token, store_id, room_id, customer_name, expires_at, created_at
		FROM microsite_links WHERE store_id = $1 AND token = $2`, storeID, token,
	).Scan(&l.Token, &l.StoreID, &roomID, &l.CustomerName, &l.ExpiresAt, &l.CreatedAt)
	notFound := msgcenter.Errorf(msgcenter.ENOTFOUND, "This link is not valid or has expired.")
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find microsite link: %w", err)
	}
	l.RoomID, l.ExpiresAt, l.CreatedAt = int64Ptr(roomID), l.ExpiresAt.UTC(), l.CreatedAt.UTC()
	if !s.db.now().Before(l.ExpiresAt) {
		return nil, notFound
	}
	return l, nil
}

// FindCheckoutByToken returns the store's checkout of token, ENOTFOUND for
// an unknown token or another store's.
func (s *CustomButtonService) FindCheckoutByToken(ctx context.Context, storeID int64, token string) (*msgcenter.Checkout, error) {
	var id int64
	err := s.db.q.QueryRowContext(ctx, `SELECT id FROM checkouts WHERE store_id = $1 AND token = $2`, storeID, token).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Checkout not found.")
	} else if err != nil {
		return nil, fmt.Errorf("sqlstore: find checkout by token: %w", err)
	}
	return findCheckout(ctx, s.db.q, storeID, id, "")
}
