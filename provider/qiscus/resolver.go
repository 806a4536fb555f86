package qiscus

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.Providers = (*Resolver)(nil)

// Resolver picks the provider of each store: the Qiscus app the store
// connected, or Default. Clients are cached by base URL, app id and secret,
// so each app has one rate limit and one breaker, and two stores with
// different apps never share a client.
type Resolver struct {
	integrations msgcenter.IntegrationService
	fallback     msgcenter.FullProvider
	base         Config

	// Configure, when set, adjusts the client settings of a store's
	// connection before its client is made (the local Qiscus's apps get
	// their own HTTP client and no rate limit). Set it before the first
	// ProviderFor.
	Configure func(in *msgcenter.Integration, cfg *Config)

	mu      sync.Mutex
	clients map[clientKey]*Client
}

// clientKey names an app's connection; the secret enters only as a hash.
type clientKey struct {
	baseURL, appID string
	secret         [sha256.Size]byte
}

// NewResolver returns a resolver over the stores' connections. fallback
// carries the messages of stores without one (the sandbox, or the
// deployment's own Qiscus app); it may be nil, and then such stores have no
// provider. base holds the settings every store's client shares (timeouts,
// rates, breaker, clock, Channels); its BaseURL, AppID and SecretKey are
// replaced by the store's.
func NewResolver(integrations msgcenter.IntegrationService, fallback msgcenter.FullProvider, base Config) *Resolver {
	return &Resolver{integrations: integrations, fallback: fallback, base: base, clients: map[clientKey]*Client{}}
}

// ProviderFor returns the store's own connected app, or the fallback.
// Returns ENOTFOUND when the store has neither, and the store's errors
// (such as a secret that does not decrypt) as they are.
func (r *Resolver) ProviderFor(ctx context.Context, storeID int64) (msgcenter.FullProvider, error) {
	in, err := r.integrations.FindIntegration(ctx, storeID)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		if r.fallback == nil {
			return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "The store has no connected app and there is no default provider.")
		}
		return r.fallback, nil
	} else if err != nil {
		return nil, err
	}
	if in.Provider != msgcenter.IntegrationQiscus {
		return nil, fmt.Errorf("qiscus: store %d is connected to %q, not qiscus", storeID, in.Provider)
	}
	secret, err := r.integrations.IntegrationSecret(ctx, storeID)
	if err != nil {
		return nil, err
	}
	key := clientKey{baseURL: in.BaseURL, appID: in.AppID, secret: sha256.Sum256([]byte(secret))}
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.clients[key]; ok {
		return c, nil
	}
	cfg := r.base
	cfg.BaseURL, cfg.AppID, cfg.SecretKey = in.BaseURL, in.AppID, Secret(secret)
	if r.Configure != nil {
		r.Configure(in, &cfg)
	}
	c := New(cfg)
	r.clients[key] = c
	return c, nil
}
