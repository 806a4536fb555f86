package mock

import (
	"context"
	"time"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.UserService = (*UserService)(nil)

// UserService is a msgcenter.UserService: each method calls the
// function field of its name with Fn appended.
type UserService struct {
	AuthenticateFn       func(ctx context.Context, email string, password string) (*msgcenter.User, error)
	CreateAPITokenFn     func(ctx context.Context, userID int64, name string) (string, error)
	CreateSessionFn      func(ctx context.Context, userID int64, expires time.Time) (string, error)
	CreateUserFn         func(ctx context.Context, email string, password string) (*msgcenter.User, error)
	DeleteSessionFn      func(ctx context.Context, token string) error
	FindUserByAPITokenFn func(ctx context.Context, token string) (*msgcenter.User, error)
	FindUserByEmailFn    func(ctx context.Context, email string) (*msgcenter.User, error)
	FindUserBySessionFn  func(ctx context.Context, token string) (*msgcenter.User, error)
	FindAPITokensFn      func(ctx context.Context, userID int64) ([]*msgcenter.APIToken, error)
	RevokeAPITokenFn     func(ctx context.Context, userID, tokenID int64) (*msgcenter.APIToken, error)
	SetPasswordFn        func(ctx context.Context, userID int64, password string) error
	SetUserLanguageFn    func(ctx context.Context, userID int64, lang msgcenter.Language) error
}

// FindAPITokens calls FindAPITokensFn.
func (u *UserService) FindAPITokens(ctx context.Context, userID int64) ([]*msgcenter.APIToken, error) {
	if u.FindAPITokensFn == nil {
		panic("mock: UserService.FindAPITokens called without FindAPITokensFn")
	}
	return u.FindAPITokensFn(ctx, userID)
}

// RevokeAPIToken calls RevokeAPITokenFn.
func (u *UserService) RevokeAPIToken(ctx context.Context, userID, tokenID int64) (*msgcenter.APIToken, error) {
	if u.RevokeAPITokenFn == nil {
		panic("mock: UserService.RevokeAPIToken called without RevokeAPITokenFn")
	}
	return u.RevokeAPITokenFn(ctx, userID, tokenID)
}

// SetPassword calls SetPasswordFn.
func (u *UserService) SetPassword(ctx context.Context, userID int64, password string) error {
	if u.SetPasswordFn == nil {
		panic("mock: UserService.SetPassword called without SetPasswordFn")
	}
	return u.SetPasswordFn(ctx, userID, password)
}

// Authenticate calls AuthenticateFn.
func (u *UserService) Authenticate(ctx context.Context, email string, password string) (*msgcenter.User, error) {
	return u.AuthenticateFn(ctx, email, password)
}

// CreateAPIToken calls CreateAPITokenFn.
func (u *UserService) CreateAPIToken(ctx context.Context, userID int64, name string) (string, error) {
	return u.CreateAPITokenFn(ctx, userID, name)
}

// CreateSession calls CreateSessionFn.
func (u *UserService) CreateSession(ctx context.Context, userID int64, expires time.Time) (string, error) {
	return u.CreateSessionFn(ctx, userID, expires)
}

// CreateUser calls CreateUserFn.
func (u *UserService) CreateUser(ctx context.Context, email string, password string) (*msgcenter.User, error) {
	return u.CreateUserFn(ctx, email, password)
}

// DeleteSession calls DeleteSessionFn.
func (u *UserService) DeleteSession(ctx context.Context, token string) error {
	return u.DeleteSessionFn(ctx, token)
}

// FindUserByAPIToken calls FindUserByAPITokenFn.
func (u *UserService) FindUserByAPIToken(ctx context.Context, token string) (*msgcenter.User, error) {
	return u.FindUserByAPITokenFn(ctx, token)
}

// FindUserByEmail calls FindUserByEmailFn.
func (u *UserService) FindUserByEmail(ctx context.Context, email string) (*msgcenter.User, error) {
	return u.FindUserByEmailFn(ctx, email)
}

// FindUserBySession calls FindUserBySessionFn.
func (u *UserService) FindUserBySession(ctx context.Context, token string) (*msgcenter.User, error) {
	return u.FindUserBySessionFn(ctx, token)
}

// SetUserLanguage calls SetUserLanguageFn.
func (u *UserService) SetUserLanguage(ctx context.Context, userID int64, lang msgcenter.Language) error {
	return u.SetUserLanguageFn(ctx, userID, lang)
}
