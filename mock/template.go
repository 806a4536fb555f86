package mock

import (
	"context"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.Providers = (*Providers)(nil)

// Providers is a msgcenter.Providers: each method calls the
// function field of its name with Fn appended.
type Providers struct {
	ProviderForFn func(ctx context.Context, storeID int64) (msgcenter.FullProvider, error)
}

// ProviderFor calls ProviderForFn.
func (p *Providers) ProviderFor(ctx context.Context, storeID int64) (msgcenter.FullProvider, error) {
	return p.ProviderForFn(ctx, storeID)
}
