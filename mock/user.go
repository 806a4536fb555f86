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
	SetUserLanguageFn    func(ctx context.Context, userID int64, lang msgcenter.Language) error
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
	if u.SetUserLanguageFn == nil {
		panic("mock: UserService.SetUserLanguage called without SetUserLanguageFn")
	}
	return u.SetUserLanguageFn(ctx, userID, lang)
}
