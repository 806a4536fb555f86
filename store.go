package msgcenter

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// DefaultIncompleteDelay is how long a WhatsApp checkout may stay open before
// order_incomplete is raised, unless the store sets another delay.
const DefaultIncompleteDelay = 30 * time.Minute

// The hold of an unpaid order's stock: how long a placed order keeps its
// items out of stock before, still unpaid, it expires and gives them back.
// Long enough for a bank transfer, short enough that orders nobody pays
// cannot empty a store for long.
const (
	DefaultUnpaidHold = 2 * time.Hour
	MinUnpaidHold     = 10 * time.Minute
	MaxUnpaidHold     = 7 * 24 * time.Hour
)

// Store is one online store and the tenant every other row belongs to.
type Store struct {
	ID              int64         `json:"id"`
	Slug            string        `json:"slug"`
	Name            string        `json:"name"`
	Address         string        `json:"address"`
	Currency        string        `json:"currency"`
	TimeZone        string        `json:"time_zone"`
	Language        Language      `json:"language"`
	IncompleteDelay time.Duration `json:"-"`
	UnpaidHold      time.Duration `json:"-"`
	// RefundKeepsStock: a refunded order's items stay out of stock (the
	// store's restock_on_refund is off). By default a refund gives them
	// back, as a cancel always does (Order.Apply).
	RefundKeepsStock bool      `json:"-"`
	OwnerID          int64     `json:"owner_id"`
	CreatedAt        time.Time `json:"created_at"`

	// BankTransferInstructions tell a customer who pays by bank transfer
	// how to pay (bank, account number and holder, what to write as the
	// reference), on the order confirmation and the order page; empty,
	// the pages give general advice instead.
	BankTransferInstructions string `json:"bank_transfer_instructions"`
}

// MaxBankTransferInstructions is the longest Store.BankTransferInstructions,
// in characters.
const MaxBankTransferInstructions = 1000

// RestockOnRefund reports whether refunding an order gives its items back
// to stock: the store's restock_on_refund, true unless the admin turned it off.
func (s *Store) RestockOnRefund() bool { return !s.RefundKeepsStock }

// Validate checks the fields an admin sets.
func (s *Store) Validate() error {
	fields := map[string]string{}
	name := strings.TrimSpace(s.Name)
	switch {
	case name == "":
		fields["name"] = "is required"
	case utf8.RuneCountInString(name) > 100:
		fields["name"] = "must be at most 100 characters"
	case !PlainText(name):
		fields["name"] = NotPlainText
	}
	if utf8.RuneCountInString(s.Address) > 500 {
		fields["address"] = "must be at most 500 characters"
	} else if !PlainText(s.Address) {
		fields["address"] = NotPlainText
	}
	if s.Currency != "IDR" {
		fields["currency"] = "must be IDR"
	}
	if _, err := time.LoadLocation(s.TimeZone); err != nil || s.TimeZone == "" {
		fields["time_zone"] = "must be an IANA time zone such as Asia/Jakarta"
	}
	if !s.Language.Valid() {
		fields["language"] = "must be one of en, id"
	}
	if s.IncompleteDelay < time.Minute || s.IncompleteDelay > 7*24*time.Hour {
		fields["order_incomplete_delay_minutes"] = "must be between 1 and 10080 minutes"
	}
	if s.UnpaidHold < MinUnpaidHold || s.UnpaidHold > MaxUnpaidHold {
		fields["unpaid_hold_minutes"] = "must be between 10 and 10080 minutes"
	}
	if utf8.RuneCountInString(s.BankTransferInstructions) > MaxBankTransferInstructions {
		fields["bank_transfer_instructions"] = "must be at most 1000 characters"
	} else if !PlainText(s.BankTransferInstructions) {
		fields["bank_transfer_instructions"] = NotPlainText
	}
	if len(fields) > 0 {
		return Invalid("The store is not valid.", fields)
	}
	return nil
}

// StoreUpdate holds the store fields to change; nil fields stay as they are.
type StoreUpdate struct {
	Name            *string
	Address         *string
	TimeZone        *string
	Language        *Language
	IncompleteDelay *time.Duration
	UnpaidHold      *time.Duration
	RestockOnRefund *bool

	BankTransferInstructions *string
}

// Apply sets the non-nil fields of u on s.
func (u StoreUpdate) Apply(s *Store) {
	if u.Name != nil {
		s.Name = strings.TrimSpace(*u.Name)
	}
	if u.Address != nil {
		s.Address = *u.Address
	}
	if u.TimeZone != nil {
		s.TimeZone = *u.TimeZone
	}
	if u.Language != nil {
		s.Language = *u.Language
	}
	if u.IncompleteDelay != nil {
		s.IncompleteDelay = *u.IncompleteDelay
	}
	if u.UnpaidHold != nil {
		s.UnpaidHold = *u.UnpaidHold
	}
	if u.RestockOnRefund != nil {
		s.RefundKeepsStock = !*u.RestockOnRefund
	}
	if u.BankTransferInstructions != nil {
		s.BankTransferInstructions = strings.TrimSpace(*u.BankTransferInstructions)
	}
}

// StoreService manages stores. Every method that takes an ownerID answers
// ENOTFOUND for a store of another owner, exactly as for a missing one.
type StoreService interface {
	// CreateStore stores s for its owner, giving it a unique slug, and in the
	// same transaction the five message configurations at their defaults.
	// Returns EINVALID for a bad store.
	CreateStore(ctx context.Context, s *Store) error

	// FindStore finds the owner's store by id or slug. Returns ENOTFOUND.
	FindStore(ctx context.Context, ownerID int64, ref string) (*Store, error)

	// FindStoreByID finds any store; for customer pages and jobs, never for
	// an admin's request. Returns ENOTFOUND.
	FindStoreByID(ctx context.Context, id int64) (*Store, error)

	// FindStoreBySlug finds any store by slug, for the public microsite. Returns ENOTFOUND.
	FindStoreBySlug(ctx context.Context, slug string) (*Store, error)

	// FindStores lists the owner's stores, oldest first.
	FindStores(ctx context.Context, ownerID int64) ([]*Store, error)

	// UpdateStore applies upd to the owner's store. Returns ENOTFOUND or
	// EINVALID; a refused update changes nothing.
	UpdateStore(ctx context.Context, ownerID, storeID int64, upd StoreUpdate) (*Store, error)
}
