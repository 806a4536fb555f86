package mock

import (
	"context"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.IntegrationService = (*IntegrationService)(nil)

// IntegrationService is a msgcenter.IntegrationService: each method calls the
// function field of its name with Fn appended.
type IntegrationService struct {
	ConnectQiscusFn         func(ctx context.Context, storeID int64, appID string, secretKey string, baseURL string) (*msgcenter.Integration, error)
	DisconnectIntegrationFn func(ctx context.Context, storeID int64) error
	FindIntegrationFn       func(ctx context.Context, storeID int64) (*msgcenter.Integration, error)
	IntegrationSecretFn     func(ctx context.Context, storeID int64) (string, error)
}

// ConnectQiscus calls ConnectQiscusFn.
func (i *IntegrationService) ConnectQiscus(ctx context.Context, storeID int64, appID string, secretKey string, baseURL string) (*msgcenter.Integration, error) {
	return i.ConnectQiscusFn(ctx, storeID, appID, secretKey, baseURL)
}

// DisconnectIntegration calls DisconnectIntegrationFn.
func (i *IntegrationService) DisconnectIntegration(ctx context.Context, storeID int64) error {
	return i.DisconnectIntegrationFn(ctx, storeID)
}

// FindIntegration calls FindIntegrationFn.
func (i *IntegrationService) FindIntegration(ctx context.Context, storeID int64) (*msgcenter.Integration, error) {
	return i.FindIntegrationFn(ctx, storeID)
}

// IntegrationSecret calls IntegrationSecretFn.
func (i *IntegrationService) IntegrationSecret(ctx context.Context, storeID int64) (string, error) {
	return i.IntegrationSecretFn(ctx, storeID)
}
