package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/qiscus/msgcenter"
)

// CreateProduct validates p and stores it. On success p holds its id and
// creation time. Returns EINVALID, or ENOTFOUND for an unknown store.
func (s *CommerceService) CreateProduct(ctx context.Context, p *msgcenter.Product) error {
	prod := *p
	prod.Name = strings.TrimSpace(prod.Name)
	if err := prod.Validate(); err != nil {
		return err
	}
	prod.CreatedAt = s.db.now()
	err := s.db.withTx(ctx, func(tx *txn) error {
		if err := storeExists(ctx, tx, prod.StoreID); err != nil {
			return err
		}
		return insertProduct(ctx, tx, &prod)
	})
	if err != nil {
		return err
	}
	*p = prod
	return nil
}

func insertProduct(ctx context.Context, tx *txn, p *msgcenter.Product) error {
	err := tx.QueryRowContext(ctx, `
		INSERT INTO products (store_id, name, price, stock, active, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id`,
		p.StoreID, p.Name, p.Price, p.Stock, p.Active, p.CreatedAt,
	).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: insert product: %w", err)
	}
	return nil
}

// FindProducts lists the store's products, oldest first.
func (s *CommerceService) FindProducts(ctx context.Context, storeID int64) ([]*msgcenter.Product, error) {
	return findProducts(ctx, s.db.q, `WHERE store_id = $1 ORDER BY id`, storeID)
}

// UpdateProduct applies upd to the store's product and validates the result;
// a refused update writes nothing. Returns ENOTFOUND or EINVALID.
func (s *CommerceService) UpdateProduct(ctx context.Context, storeID, id int64, upd msgcenter.ProductUpdate) (*msgcenter.Product, error) {
	var p *msgcenter.Product
	err := s.db.withTx(ctx, func(tx *txn) error {
		var err error
		if p, err = findProduct(ctx, tx, storeID, id, s.db.forUpdate()); err != nil {
			return err
		}
		upd.Apply(p)
		p.Name = strings.TrimSpace(p.Name)
		if err := p.Validate(); err != nil {
			return err
		}
		return updateProduct(ctx, tx, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func updateProduct(ctx context.Context, tx *txn, p *msgcenter.Product) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE products SET name = $1, price = $2, stock = $3, active = $4
		WHERE store_id = $5 AND id = $6`,
		p.Name, p.Price, p.Stock, p.Active, p.StoreID, p.ID,
	)
	if err != nil {
		return fmt.Errorf("sqlstore: update product: %w", err)
	}
	return nil
}

const productColumns = `id, store_id, name, price, stock, active, created_at`

// findProduct reads one product of the store; lock is "" or a locking clause.
func findProduct(ctx context.Context, q querier, storeID, id int64, lock string) (*msgcenter.Product, error) {
	ps, err := findProducts(ctx, q, `WHERE store_id = $1 AND id = $2`+lock, storeID, id)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Product not found.")
	}
	return ps[0], nil
}

// findProducts returns the products matching where, written with
// placeholders for args.
func findProducts(ctx context.Context, q querier, where string, args ...any) ([]*msgcenter.Product, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+productColumns+` FROM products `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find products: %w", err)
	}
	defer rows.Close()
	products := []*msgcenter.Product{}
	for rows.Next() {
		var p msgcenter.Product
		if err := rows.Scan(&p.ID, &p.StoreID, &p.Name, &p.Price, &p.Stock, &p.Active, &p.CreatedAt); err != nil {
			return nil, fmt.Errorf("sqlstore: scan product: %w", err)
		}
		p.CreatedAt = p.CreatedAt.UTC()
		products = append(products, &p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find products: %w", err)
	}
	return products, nil
}
