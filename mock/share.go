package mock

import (
	"context"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.CustomButtonService = (*CustomButtonService)(nil)

// CustomButtonService is a msgcenter.CustomButtonService: each method calls the
// function field of its name with Fn appended.
type CustomButtonService struct {
	ClickFn              func(ctx context.Context, storeID int64, secret string, c *msgcenter.ButtonClick) (*msgcenter.ClickResult, error)
	CustomButtonURLFn    func(b *msgcenter.CustomButton) string
	FindCustomButtonFn   func(ctx context.Context, storeID int64) (*msgcenter.CustomButton, error)
	FindUnplacedClicksFn func(ctx context.Context, storeID int64) ([]*msgcenter.UnplacedClick, error)
	KeepUnplacedClickFn  func(ctx context.Context, storeID int64, payload []byte, reason string) (*msgcenter.UnplacedClick, error)
	RotateCustomButtonFn func(ctx context.Context, st *msgcenter.Store) (*msgcenter.CustomButton, error)
	SetupCustomButtonFn  func(ctx context.Context, st *msgcenter.Store) (*msgcenter.CustomButton, error)

	SetCustomButtonLabelFn func(ctx context.Context, st *msgcenter.Store, label string) (*msgcenter.CustomButton, error)
	FollowStoreNameFn      func(ctx context.Context, st *msgcenter.Store) (*msgcenter.CustomButton, error)
}

// SetCustomButtonLabel calls SetCustomButtonLabelFn.
func (s *CustomButtonService) SetCustomButtonLabel(ctx context.Context, st *msgcenter.Store, label string) (*msgcenter.CustomButton, error) {
	return s.SetCustomButtonLabelFn(ctx, st, label)
}

// FollowStoreName calls FollowStoreNameFn.
func (s *CustomButtonService) FollowStoreName(ctx context.Context, st *msgcenter.Store) (*msgcenter.CustomButton, error) {
	return s.FollowStoreNameFn(ctx, st)
}

// Click calls ClickFn.
func (s *CustomButtonService) Click(ctx context.Context, storeID int64, secret string, c *msgcenter.ButtonClick) (*msgcenter.ClickResult, error) {
	return s.ClickFn(ctx, storeID, secret, c)
}

// CustomButtonURL calls CustomButtonURLFn.
func (s *CustomButtonService) CustomButtonURL(b *msgcenter.CustomButton) string {
	return s.CustomButtonURLFn(b)
}

// FindUnplacedClicks calls FindUnplacedClicksFn.
func (s *CustomButtonService) FindUnplacedClicks(ctx context.Context, storeID int64) ([]*msgcenter.UnplacedClick, error) {
	if s.FindUnplacedClicksFn == nil {
		panic("mock: CustomButtonService.FindUnplacedClicks called without FindUnplacedClicksFn")
	}
	return s.FindUnplacedClicksFn(ctx, storeID)
}

// KeepUnplacedClick calls KeepUnplacedClickFn.
func (s *CustomButtonService) KeepUnplacedClick(ctx context.Context, storeID int64, payload []byte, reason string) (*msgcenter.UnplacedClick, error) {
	if s.KeepUnplacedClickFn == nil {
		panic("mock: CustomButtonService.KeepUnplacedClick called without KeepUnplacedClickFn")
	}
	return s.KeepUnplacedClickFn(ctx, storeID, payload, reason)
}

// FindCustomButton calls FindCustomButtonFn.
func (s *CustomButtonService) FindCustomButton(ctx context.Context, storeID int64) (*msgcenter.CustomButton, error) {
	return s.FindCustomButtonFn(ctx, storeID)
}

// RotateCustomButton calls RotateCustomButtonFn.
func (s *CustomButtonService) RotateCustomButton(ctx context.Context, st *msgcenter.Store) (*msgcenter.CustomButton, error) {
	return s.RotateCustomButtonFn(ctx, st)
}

// SetupCustomButton calls SetupCustomButtonFn.
func (s *CustomButtonService) SetupCustomButton(ctx context.Context, st *msgcenter.Store) (*msgcenter.CustomButton, error) {
	return s.SetupCustomButtonFn(ctx, st)
}

var _ msgcenter.MicrositeService = (*MicrositeService)(nil)

// MicrositeService is a msgcenter.MicrositeService: each method calls the
// function field of its name with Fn appended.
type MicrositeService struct {
	FindCheckoutByTokenFn func(ctx context.Context, storeID int64, token string) (*msgcenter.Checkout, error)
	FindMicrositeLinkFn   func(ctx context.Context, storeID int64, token string) (*msgcenter.MicrositeLink, error)
}

// FindCheckoutByToken calls FindCheckoutByTokenFn.
func (m *MicrositeService) FindCheckoutByToken(ctx context.Context, storeID int64, token string) (*msgcenter.Checkout, error) {
	return m.FindCheckoutByTokenFn(ctx, storeID, token)
}

// FindMicrositeLink calls FindMicrositeLinkFn.
func (m *MicrositeService) FindMicrositeLink(ctx context.Context, storeID int64, token string) (*msgcenter.MicrositeLink, error) {
	return m.FindMicrositeLinkFn(ctx, storeID, token)
}
