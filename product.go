package msgcenter

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Product is something a store sells.
type Product struct {
	ID        int64     `json:"id"`
	StoreID   int64     `json:"-"`
	Name      string    `json:"name"`
	Price     int64     `json:"price"`
	Stock     int       `json:"stock"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks a product before it is stored.
func (p *Product) Validate() error {
	fields := map[string]string{}
	if n := utf8.RuneCountInString(strings.TrimSpace(p.Name)); n == 0 || n > 200 {
		fields["name"] = "is required, at most 200 characters"
	} else if !PlainText(p.Name) {
		fields["name"] = NotPlainText
	}
	if p.Price < 0 || p.Price > 1_000_000_000_000 {
		fields["price"] = "must be between 0 and 1000000000000"
	}
	if p.Stock < 0 {
		fields["stock"] = "must not be negative"
	}
	if len(fields) > 0 {
		return Invalid("The product is not valid.", fields)
	}
	return nil
}

// ProductUpdate holds the product fields to change.
type ProductUpdate struct {
	Name   *string `json:"name"`
	Price  *int64  `json:"price"`
	Stock  *int    `json:"stock"`
	Active *bool   `json:"active"`
}

// Apply sets the non-nil fields of u on p.
func (u ProductUpdate) Apply(p *Product) {
	if u.Name != nil {
		p.Name = *u.Name
	}
	if u.Price != nil {
		p.Price = *u.Price
	}
	if u.Stock != nil {
		p.Stock = *u.Stock
	}
	if u.Active != nil {
		p.Active = *u.Active
	}
}
