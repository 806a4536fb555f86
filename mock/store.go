package mock

import (
	"context"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.StoreService = (*StoreService)(nil)

// StoreService is a msgcenter.StoreService: each method calls the
// function field of its name with Fn appended, and panics naming the
// method when that field is nil.
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
	if f.CreateStoreFn == nil {
		panic("mock: StoreService.CreateStore called without CreateStoreFn")
	}
	return f.CreateStoreFn(ctx, s)
}

// FindStore calls FindStoreFn.
func (f *StoreService) FindStore(ctx context.Context, ownerID int64, ref string) (*msgcenter.Store, error) {
	if f.FindStoreFn == nil {
		panic("mock: StoreService.FindStore called without FindStoreFn")
	}
	return f.FindStoreFn(ctx, ownerID, ref)
}

// FindStoreByID calls FindStoreByIDFn.
func (f *StoreService) FindStoreByID(ctx context.Context, id int64) (*msgcenter.Store, error) {
	if f.FindStoreByIDFn == nil {
		panic("mock: StoreService.FindStoreByID called without FindStoreByIDFn")
	}
	return f.FindStoreByIDFn(ctx, id)
}

// FindStoreBySlug calls FindStoreBySlugFn.
func (f *StoreService) FindStoreBySlug(ctx context.Context, slug string) (*msgcenter.Store, error) {
	if f.FindStoreBySlugFn == nil {
		panic("mock: StoreService.FindStoreBySlug called without FindStoreBySlugFn")
	}
	return f.FindStoreBySlugFn(ctx, slug)
}

// FindStores calls FindStoresFn.
func (f *StoreService) FindStores(ctx context.Context, ownerID int64) ([]*msgcenter.Store, error) {
	if f.FindStoresFn == nil {
		panic("mock: StoreService.FindStores called without FindStoresFn")
	}
	return f.FindStoresFn(ctx, ownerID)
}

// UpdateStore calls UpdateStoreFn.
func (f *StoreService) UpdateStore(ctx context.Context, ownerID int64, storeID int64, upd msgcenter.StoreUpdate) (*msgcenter.Store, error) {
	if f.UpdateStoreFn == nil {
		panic("mock: StoreService.UpdateStore called without UpdateStoreFn")
	}
	return f.UpdateStoreFn(ctx, ownerID, storeID, upd)
}
