package msgcenter

import (
	"context"
	"net/mail"
	"strings"
	"time"
)

// User is an admin of one or more stores.
type User struct {
	ID    int64  `json:"id"`
	Email string `json:"email"`
	// Language is the dashboard's language the admin chose; empty until
	// they choose, when the browser's preference decides.
	Language  Language  `json:"language,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// APIToken is an admin's API token as it is listed: its name and times,
// never the token, which is shown once when it is made.
type APIToken struct {
	ID        int64      `json:"id"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"created_at"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

// ValidatePassword checks a new password: 8 characters to 72 bytes (what
// bcrypt reads).
func ValidatePassword(password string) error {
	if msg := passwordProblem(password); msg != "" {
		return Invalid("The password is not valid.", map[string]string{"password": msg})
	}
	return nil
}

func passwordProblem(password string) string {
	if n := len([]rune(password)); n < 8 {
		return "must be at least 8 characters"
	} else if len(password) > 72 {
		return "must be at most 72 bytes"
	}
	return ""
}

// ValidateCredentials checks an email and password before an account is made.
func ValidateCredentials(email, password string) error {
	fields := map[string]string{}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || !strings.Contains(email, "@") {
		fields["email"] = "must be an email address such as admin@example.com"
	}
	if msg := passwordProblem(password); msg != "" {
		fields["password"] = msg
	}
	if len(fields) > 0 {
		return Invalid("The account is not valid.", fields)
	}
	return nil
}

// UserService manages admin users, their API tokens and their sign-in sessions.
type UserService interface {
	// CreateUser stores a new admin with a hashed password.
	// Returns EINVALID for a bad email or password, ECONFLICT if the email is taken.
	CreateUser(ctx context.Context, email, password string) (*User, error)

	// FindUserByEmail returns ENOTFOUND when no user has that email.
	FindUserByEmail(ctx context.Context, email string) (*User, error)

	// Authenticate checks a password. Returns EUNAUTHORIZED on any mismatch,
	// without saying whether the email exists.
	Authenticate(ctx context.Context, email, password string) (*User, error)

	// CreateAPIToken makes a new bearer token for the user and returns it in
	// plain text; only its hash is stored. Returns ENOTFOUND for an unknown user.
	CreateAPIToken(ctx context.Context, userID int64, name string) (string, error)

	// FindUserByAPIToken returns EUNAUTHORIZED for an unknown or revoked token.
	FindUserByAPIToken(ctx context.Context, token string) (*User, error)

	// FindAPITokens lists the user's tokens, revoked ones included, oldest
	// first.
	FindAPITokens(ctx context.Context, userID int64) ([]*APIToken, error)

	// RevokeAPIToken revokes one of the user's tokens at once; revoking a
	// revoked token changes nothing. Returns ENOTFOUND for another user's
	// or an unknown token.
	RevokeAPIToken(ctx context.Context, userID, tokenID int64) (*APIToken, error)

	// SetPassword replaces the user's password and ends every session of
	// the user (API tokens stay). Returns EINVALID for a password too
	// short or too long, ENOTFOUND for an unknown user.
	SetPassword(ctx context.Context, userID int64, password string) error

	// CreateSession makes a dashboard session valid until expires and returns
	// its token in plain text; only its hash is stored.
	CreateSession(ctx context.Context, userID int64, expires time.Time) (string, error)

	// FindUserBySession returns EUNAUTHORIZED for an unknown or expired session.
	FindUserBySession(ctx context.Context, token string) (*User, error)

	// DeleteSession ends a session; deleting an unknown one is not an error.
	DeleteSession(ctx context.Context, token string) error

	// SetUserLanguage remembers the dashboard language the admin chose.
	// Returns EINVALID for a language that is not supported, ENOTFOUND for
	// an unknown user.
	SetUserLanguage(ctx context.Context, userID int64, lang Language) error
}
