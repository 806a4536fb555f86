package mock

import (
	"context"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.TestSendService = (*TestSendService)(nil)

// TestSendService is a msgcenter.TestSendService: each method calls the
// function field of its name with Fn appended.
type TestSendService struct {
	CreateTestSendFn func(ctx context.Context, t *msgcenter.TestSend) (deliveryID int64, err error)
}

// CreateTestSend calls CreateTestSendFn.
func (s *TestSendService) CreateTestSend(ctx context.Context, t *msgcenter.TestSend) (deliveryID int64, err error) {
	return s.CreateTestSendFn(ctx, t)
}
