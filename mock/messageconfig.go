package mock

import (
	"context"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.MessageConfigService = (*MessageConfigService)(nil)

// MessageConfigService is a msgcenter.MessageConfigService: each method calls the
// function field of its name with Fn appended.
type MessageConfigService struct {
	FindMessageConfigFn         func(ctx context.Context, storeID int64, event msgcenter.Event) (*msgcenter.MessageConfig, error)
	FindMessageConfigVersionFn  func(ctx context.Context, storeID int64, event msgcenter.Event, version int) (*msgcenter.MessageConfigVersion, error)
	FindMessageConfigVersionsFn func(ctx context.Context, storeID int64, event msgcenter.Event) ([]*msgcenter.MessageConfigVersion, error)
	FindMessageConfigsFn        func(ctx context.Context, storeID int64) ([]*msgcenter.MessageConfig, error)
	SaveMessageConfigFn         func(ctx context.Context, c *msgcenter.MessageConfig, editor string) error
}

// FindMessageConfig calls FindMessageConfigFn.
func (m *MessageConfigService) FindMessageConfig(ctx context.Context, storeID int64, event msgcenter.Event) (*msgcenter.MessageConfig, error) {
	return m.FindMessageConfigFn(ctx, storeID, event)
}

// FindMessageConfigVersion calls FindMessageConfigVersionFn.
func (m *MessageConfigService) FindMessageConfigVersion(ctx context.Context, storeID int64, event msgcenter.Event, version int) (*msgcenter.MessageConfigVersion, error) {
	return m.FindMessageConfigVersionFn(ctx, storeID, event, version)
}

// FindMessageConfigVersions calls FindMessageConfigVersionsFn.
func (m *MessageConfigService) FindMessageConfigVersions(ctx context.Context, storeID int64, event msgcenter.Event) ([]*msgcenter.MessageConfigVersion, error) {
	return m.FindMessageConfigVersionsFn(ctx, storeID, event)
}

// FindMessageConfigs calls FindMessageConfigsFn.
func (m *MessageConfigService) FindMessageConfigs(ctx context.Context, storeID int64) ([]*msgcenter.MessageConfig, error) {
	return m.FindMessageConfigsFn(ctx, storeID)
}

// SaveMessageConfig calls SaveMessageConfigFn.
func (m *MessageConfigService) SaveMessageConfig(ctx context.Context, c *msgcenter.MessageConfig, editor string) error {
	return m.SaveMessageConfigFn(ctx, c, editor)
}
