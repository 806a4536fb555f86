package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/qiscus/msgcenter"
)

// Defaults of a new store, for the fields the admin left empty.
const (
	defaultCurrency = "IDR"
	defaultTimeZone = "Asia/Jakarta"
	defaultLanguage = msgcenter.LanguageEnglish
)

// maxSlugLength keeps store URLs readable.
const maxSlugLength = 60

var _ msgcenter.StoreService = (*StoreService)(nil)

// StoreService stores stores.
type StoreService struct {
	db *DB
}

// NewStoreService returns a StoreService on db.
func NewStoreService(db *DB) *StoreService { return &StoreService{db: db} }

// CreateStore fills the defaults of s, validates it, gives it a unique slug
// and stores it with the five default message configurations, version 1,
// made by the owner. On success s holds its id, slug and creation time.
func (ss *StoreService) CreateStore(ctx context.Context, s *msgcenter.Store) error {
	st := *s
	st.Name = strings.TrimSpace(st.Name)
	if st.Currency == "" {
		st.Currency = defaultCurrency
	}
	if st.TimeZone == "" {
		st.TimeZone = defaultTimeZone
	}
	if st.Language == "" {
		st.Language = defaultLanguage
	}
	if st.IncompleteDelay == 0 {
		st.IncompleteDelay = msgcenter.DefaultIncompleteDelay
	}
	if st.UnpaidHold == 0 {
		st.UnpaidHold = msgcenter.DefaultUnpaidHold
	}
	if err := st.Validate(); err != nil {
		return err
	}
	st.CreatedAt = ss.db.now()

	// Should two creators still pick the same slug, the loser's insert fails
	// on the unique index and it tries again.
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		created := st
		err = ss.db.withTx(ctx, func(tx *txn) error {
			return createStore(ctx, ss.db, tx, &created)
		})
		if err == nil {
			*s = created
			return nil
		} else if !isUniqueViolation(err) {
			return err
		}
	}
	return err
}

func createStore(ctx context.Context, db *DB, tx *txn, s *msgcenter.Store) error {
	var ownerEmail string
	err := tx.QueryRowContext(ctx, `SELECT email FROM users WHERE id = $1`, s.OwnerID).Scan(&ownerEmail)
	if errors.Is(err, sql.ErrNoRows) {
		return msgcenter.Errorf(msgcenter.ENOTFOUND, "User not found.")
	} else if err != nil {
		return fmt.Errorf("sqlstore: find store owner: %w", err)
	}

	base := slugify(s.Name)
	// Creators of stores with the same slug take turns, so the second sees
	// the first's slug instead of failing on the unique index.
	if err := db.engine.lockSlug(ctx, tx, base); err != nil {
		return err
	}
	if s.Slug, err = freeSlug(ctx, tx, base); err != nil {
		return err
	}
	err = tx.QueryRowContext(ctx, `
		INSERT INTO stores (slug, name, address, currency, time_zone, language, incomplete_delay_seconds, owner_id, created_at,
			unpaid_hold_seconds, restock_on_refund, bank_transfer_instructions)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		RETURNING id`,
		s.Slug, s.Name, s.Address, s.Currency, s.TimeZone, string(s.Language),
		int64(s.IncompleteDelay/time.Second), s.OwnerID, s.CreatedAt, int64(s.UnpaidHold/time.Second), s.RestockOnRefund(),
		s.BankTransferInstructions,
	).Scan(&s.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: insert store: %w", err)
	}

	for _, event := range msgcenter.Events() {
		c := msgcenter.DefaultMessageConfig(s.ID, event)
		c.Version = 1
		c.UpdatedBy = ownerEmail
		c.UpdatedAt = s.CreatedAt
		if err := insertMessageConfig(ctx, tx, c); err != nil {
			return err
		}
		if err := insertMessageConfigVersion(ctx, tx, c); err != nil {
			return err
		}
	}
	return nil
}

// slugify turns a store name into lowercase ASCII words joined by dashes:
// "Kopi Kenangan!" → "kopi-kenangan", "Café Ñoño" → "cafe-nono". A name with
// no ASCII letter becomes "store", which also keeps slugs from looking like ids.
func slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case r >= 'A' && r <= 'Z':
			b.WriteRune(unicode.ToLower(r))
			dash = false
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’':
			// Accents left by the decomposition, and apostrophes ("Joe's"), vanish.
		default:
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	slug := b.String()
	if len(slug) > maxSlugLength {
		slug = slug[:maxSlugLength]
	}
	slug = strings.Trim(slug, "-")
	if !strings.ContainsFunc(slug, func(r rune) bool { return r >= 'a' && r <= 'z' }) {
		return "store"
	}
	return slug
}

// freeSlug returns base, or base-2, base-3… whichever is the first not taken.
func freeSlug(ctx context.Context, tx *txn, base string) (string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT slug FROM stores WHERE slug = $1 OR slug LIKE $2`, base, base+"-%")
	if err != nil {
		return "", fmt.Errorf("sqlstore: find slugs: %w", err)
	}
	defer rows.Close()
	taken := map[string]bool{}
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			return "", fmt.Errorf("sqlstore: scan slug: %w", err)
		}
		taken[slug] = true
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("sqlstore: find slugs: %w", err)
	}
	slug := base
	for n := 2; taken[slug]; n++ {
		slug = base + "-" + strconv.Itoa(n)
	}
	return slug, nil
}

// FindStore finds the owner's store by id (a number) or else by slug.
func (ss *StoreService) FindStore(ctx context.Context, ownerID int64, ref string) (*msgcenter.Store, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return findStore(ctx, ss.db.q, `WHERE id = $1 AND owner_id = $2`, id, ownerID)
	}
	return findStore(ctx, ss.db.q, `WHERE slug = $1 AND owner_id = $2`, ref, ownerID)
}

// FindStoreByID finds any store by id.
func (ss *StoreService) FindStoreByID(ctx context.Context, id int64) (*msgcenter.Store, error) {
	return findStore(ctx, ss.db.q, `WHERE id = $1`, id)
}

// FindStoreBySlug finds any store by slug.
func (ss *StoreService) FindStoreBySlug(ctx context.Context, slug string) (*msgcenter.Store, error) {
	return findStore(ctx, ss.db.q, `WHERE slug = $1`, slug)
}

// FindStores lists the owner's stores, oldest first.
func (ss *StoreService) FindStores(ctx context.Context, ownerID int64) ([]*msgcenter.Store, error) {
	rows, err := ss.db.q.QueryContext(ctx, `SELECT `+storeColumns+` FROM stores WHERE owner_id = $1 ORDER BY id`, ownerID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find stores: %w", err)
	}
	defer rows.Close()
	stores := []*msgcenter.Store{}
	for rows.Next() {
		s, err := scanStore(rows)
		if err != nil {
			return nil, err
		}
		stores = append(stores, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find stores: %w", err)
	}
	return stores, nil
}

// UpdateStore applies upd to the owner's store and validates the result;
// a refused update writes nothing. The slug stays, so links keep working.
func (ss *StoreService) UpdateStore(ctx context.Context, ownerID, storeID int64, upd msgcenter.StoreUpdate) (*msgcenter.Store, error) {
	var s *msgcenter.Store
	err := ss.db.withTx(ctx, func(tx *txn) error {
		var err error
		s, err = findStore(ctx, tx, `WHERE id = $1 AND owner_id = $2`+ss.db.forUpdate(), storeID, ownerID)
		if err != nil {
			return err
		}
		upd.Apply(s)
		if err := s.Validate(); err != nil {
			return err
		}
		return updateStore(ctx, tx, s)
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func updateStore(ctx context.Context, tx *txn, s *msgcenter.Store) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE stores
		SET name = $1, address = $2, time_zone = $3, language = $4, incomplete_delay_seconds = $5, unpaid_hold_seconds = $8,
			restock_on_refund = $9, bank_transfer_instructions = $10
		WHERE id = $6 AND owner_id = $7`,
		s.Name, s.Address, s.TimeZone, string(s.Language), int64(s.IncompleteDelay/time.Second), s.ID, s.OwnerID,
		int64(s.UnpaidHold/time.Second), s.RestockOnRefund(), s.BankTransferInstructions,
	)
	if err != nil {
		return fmt.Errorf("sqlstore: update store: %w", err)
	}
	return nil
}

const storeColumns = `id, slug, name, address, currency, time_zone, language, incomplete_delay_seconds, owner_id, created_at,
	unpaid_hold_seconds, restock_on_refund, bank_transfer_instructions`

// findStore returns the one store matching where, which must be written
// with placeholders for args; ENOTFOUND when there is none.
func findStore(ctx context.Context, q querier, where string, args ...any) (*msgcenter.Store, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+storeColumns+` FROM stores `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find store: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlstore: find store: %w", err)
		}
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
	}
	return scanStore(rows)
}

func scanStore(rows *sql.Rows) (*msgcenter.Store, error) {
	var x storeRow
	if err := rows.Scan(x.dest()...); err != nil {
		return nil, fmt.Errorf("sqlstore: scan store: %w", err)
	}
	return x.value(), nil
}

// storeRow receives the storeColumns of one row.
type storeRow struct {
	s            msgcenter.Store
	language     string
	delaySeconds int64
	holdSeconds  int64
	restock      bool
}

func (x *storeRow) dest() []any {
	s := &x.s
	return []any{&s.ID, &s.Slug, &s.Name, &s.Address, &s.Currency, &s.TimeZone, &x.language, &x.delaySeconds, &s.OwnerID, &s.CreatedAt, &x.holdSeconds, &x.restock,
		&s.BankTransferInstructions}
}

func (x *storeRow) value() *msgcenter.Store {
	s := x.s
	s.Language = msgcenter.Language(x.language)
	s.IncompleteDelay = time.Duration(x.delaySeconds) * time.Second
	s.UnpaidHold = time.Duration(x.holdSeconds) * time.Second
	s.RefundKeepsStock = !x.restock
	s.CreatedAt = s.CreatedAt.UTC()
	return &s
}
