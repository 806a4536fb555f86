package mock

import (
	"context"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.StoreService = (*StoreService)(nil)

// StoreService is a msgcenter.StoreService: each method calls the
// function field of its name with Fn appended.
type StoreService struct {
	CreateStoreFn     func(ctx context.Context, s *msgcenter.Store) error
	FindStoreFn       func(ctx context.Context, ownerID int64, ref string) (*msgcenter.Store, error)
	FindStoreByIDFn   func(ctx context.Context, id int64) (*msgcenter.Store, error)
	FindStoreBySlugFn func(ctx context.Context, slug string) (*msgcenter.Store, error)
	FindStoresFn      func(ctx context.Context, ownerID int64) ([]*msgcenter.Store, error)
	UpdateStoreFn     func(ctx context.Context, ownerID int64, storeID int64, upd msgcenter.StoreUpdate) (*msgcenter.Store, error)
}

// CreateStore calls CreateStoreFn.
func (f *StoreService) CreateStore(ctx context.Context, s *msgcenter.Store) error {
	return f.CreateStoreFn(ctx, s)
}

// FindStore calls FindStoreFn.
func (f *StoreService) FindStore(ctx context.Context, ownerID int64, ref string) (*msgcenter.Store, error) {
	return f.FindStoreFn(ctx, ownerID, ref)
}

// FindStoreByID calls FindStoreByIDFn.
func (f *StoreService) FindStoreByID(ctx context.Context, id int64) (*msgcenter.Store, error) {
	return f.FindStoreByIDFn(ctx, id)
}

// FindStoreBySlug calls FindStoreBySlugFn.
func (f *StoreService) FindStoreBySlug(ctx context.Context, slug string) (*msgcenter.Store, error) {
	return f.FindStoreBySlugFn(ctx, slug)
}

// FindStores calls FindStoresFn.
func (f *StoreService) FindStores(ctx context.Context, ownerID int64) ([]*msgcenter.Store, error) {
	return f.FindStoresFn(ctx, ownerID)
}

// UpdateStore calls UpdateStoreFn.
func (f *StoreService) UpdateStore(ctx context.Context, ownerID int64, storeID int64, upd msgcenter.StoreUpdate) (*msgcenter.Store, error) {
	return f.UpdateStoreFn(ctx, ownerID, storeID, upd)
}
