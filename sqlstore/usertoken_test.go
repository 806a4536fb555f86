package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

func TestUserService_TokensAndPassword(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		users := sqlstore.NewUserService(db)
		users.BcryptCost = bcrypt.MinCost
		u, err := users.CreateUser(ctx, "a@example.com", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		other, err := users.CreateUser(ctx, "b@example.com", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		tok, _ := users.CreateAPIToken(ctx, u.ID, "ci")
		if _, err := users.CreateAPIToken(ctx, u.ID, "laptop"); err != nil {
			t.Fatal(err)
		}
		ts, err := users.FindAPITokens(ctx, u.ID)
		if err != nil || len(ts) != 2 || ts[0].Name != "ci" || ts[1].Name != "laptop" || ts[0].RevokedAt != nil {
			t.Fatalf("tokens = %+v, %v", ts, err)
		}
		if _, err := users.RevokeAPIToken(ctx, other.ID, ts[0].ID); msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
			t.Fatalf("another user's revoke = %v, want ENOTFOUND", err)
		}
		if _, err := users.FindUserByAPIToken(ctx, tok); err != nil {
			t.Fatalf("the token stopped after another user's revoke: %v", err)
		}
		revoked, err := users.RevokeAPIToken(ctx, u.ID, ts[0].ID)
		if err != nil || revoked.RevokedAt == nil {
			t.Fatalf("revoke = %+v, %v", revoked, err)
		}
		if again, err := users.RevokeAPIToken(ctx, u.ID, ts[0].ID); err != nil || !again.RevokedAt.Equal(*revoked.RevokedAt) {
			t.Fatalf("revoke again = %+v, %v; want the first revocation", again, err)
		}
		if _, err := users.FindUserByAPIToken(ctx, tok); msgcenter.ErrorCode(err) != msgcenter.EUNAUTHORIZED {
			t.Fatalf("revoked token = %v, want EUNAUTHORIZED", err)
		}

		session, err := users.CreateSession(ctx, u.ID, time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if err := users.SetPassword(ctx, u.ID, "short"); msgcenter.ErrorFields(err)["password"] == "" {
			t.Fatalf("short password = %v", err)
		}
		if err := users.SetPassword(ctx, u.ID, "a new stable horse"); err != nil {
			t.Fatal(err)
		}
		if _, err := users.Authenticate(ctx, "a@example.com", "correct horse battery"); msgcenter.ErrorCode(err) != msgcenter.EUNAUTHORIZED {
			t.Fatalf("old password = %v", err)
		}
		if _, err := users.Authenticate(ctx, "a@example.com", "a new stable horse"); err != nil {
			t.Fatalf("new password = %v", err)
		}
		if _, err := users.FindUserBySession(ctx, session); msgcenter.ErrorCode(err) != msgcenter.EUNAUTHORIZED {
			t.Fatalf("session after a password change = %v, want ended", err)
		}
		if err := users.SetPassword(ctx, 999999, "a new stable horse"); msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
			t.Fatalf("unknown user = %v", err)
		}
	})
}
