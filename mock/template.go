package mock

import (
	"context"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.Providers = (*Providers)(nil)

// Providers is a msgcenter.Providers: each method calls the
// function field of its name with Fn appended, and panics naming the
// method when that field is nil.
type Providers struct {
	DefaultFn     func() msgcenter.FullProvider
	ProviderForFn func(ctx context.Context, storeID int64) (msgcenter.FullProvider, error)
}

// Default calls DefaultFn.
func (p *Providers) Default() msgcenter.FullProvider {
	if p.DefaultFn == nil {
		panic("mock: Providers.Default called without DefaultFn")
	}
	return p.DefaultFn()
}

// ProviderFor calls ProviderForFn.
func (p *Providers) ProviderFor(ctx context.Context, storeID int64) (msgcenter.FullProvider, error) {
	if p.ProviderForFn == nil {
		panic("mock: Providers.ProviderFor called without ProviderForFn")
	}
	return p.ProviderForFn(ctx, storeID)
}
