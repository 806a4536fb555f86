package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

func TestUserService_CreateUser(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		clk := newClock(db)
		s := newUserService(db)

		t.Run("OK", func(t *testing.T) {
			u, err := s.CreateUser(ctx, "Admin@Example.com", "correct horse battery")
			if err != nil {
				t.Fatal(err)
			}
			if u.ID == 0 || u.Email != "admin@example.com" || !u.CreatedAt.Equal(clk.Now()) {
				t.Fatalf("user = %+v", u)
			}
			got, err := s.FindUserByEmail(ctx, "ADMIN@example.COM")
			if err != nil {
				t.Fatal(err)
			}
			if *got != *u {
				t.Fatalf("FindUserByEmail = %+v, want %+v", got, u)
			}
		})
		t.Run("ErrDuplicateEmail", func(t *testing.T) {
			_, err := s.CreateUser(ctx, "admin@EXAMPLE.com", "another password")
			assertError(t, err, msgcenter.ECONFLICT, "An account with this email already exists.")
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			_, err := s.CreateUser(ctx, "not-an-email", "short")
			assertError(t, err, msgcenter.EINVALID, "")
			if f := msgcenter.ErrorFields(err); f["email"] == "" || f["password"] == "" {
				t.Fatalf("fields = %v, want email and password", f)
			}
		})
		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := s.FindUserByEmail(ctx, "nobody@example.com")
			assertError(t, err, msgcenter.ENOTFOUND, "")
		})
	})
}

func TestUserService_Authenticate(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		s := newUserService(db)
		u := mustCreateUser(t, db, "admin@example.com")

		t.Run("OK", func(t *testing.T) {
			got, err := s.Authenticate(ctx, "Admin@example.com", "correct horse battery")
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != u.ID {
				t.Fatalf("Authenticate = user %d, want %d", got.ID, u.ID)
			}
		})
		t.Run("ErrBadPassword", func(t *testing.T) {
			_, err := s.Authenticate(ctx, "admin@example.com", "wrong horse battery")
			assertError(t, err, msgcenter.EUNAUTHORIZED, "Invalid email or password.")
		})
		t.Run("ErrUnknownEmail", func(t *testing.T) {
			_, err := s.Authenticate(ctx, "nobody@example.com", "correct horse battery")
			assertError(t, err, msgcenter.EUNAUTHORIZED, "Invalid email or password.")
		})
	})
}

func TestUserService_APIToken(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		s := newUserService(db)
		u := mustCreateUser(t, db, "admin@example.com")

		token, err := s.CreateAPIToken(ctx, u.ID, "ci")
		if err != nil {
			t.Fatal(err)
		}
		t.Run("Format", func(t *testing.T) {
			if !strings.HasPrefix(token, "mc_") || len(token) != 3+43 {
				t.Fatalf("token = %q, want mc_ and 43 base64url characters", token)
			}
			var n int
			if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1`, token).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Fatal("the plain token is stored")
			}
		})
		t.Run("Lookup", func(t *testing.T) {
			got, err := s.FindUserByAPIToken(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			if *got != *u {
				t.Fatalf("FindUserByAPIToken = %+v, want %+v", got, u)
			}
		})
		t.Run("ErrUnknownToken", func(t *testing.T) {
			_, err := s.FindUserByAPIToken(ctx, token+"x")
			assertError(t, err, msgcenter.EUNAUTHORIZED, "")
		})
		t.Run("ErrUnknownUser", func(t *testing.T) {
			_, err := s.CreateAPIToken(ctx, u.ID+1000, "ci")
			assertError(t, err, msgcenter.ENOTFOUND, "")
		})
		t.Run("Unique", func(t *testing.T) {
			other, err := s.CreateAPIToken(ctx, u.ID, "ci")
			if err != nil {
				t.Fatal(err)
			}
			if other == token {
				t.Fatal("two tokens are equal")
			}
		})
	})
}

func TestUserService_Session(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		clk := newClock(db)
		s := newUserService(db)
		u := mustCreateUser(t, db, "admin@example.com")

		token, err := s.CreateSession(ctx, u.ID, clk.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(token, "mc_") {
			t.Fatalf("token = %q", token)
		}
		if got, err := s.FindUserBySession(ctx, token); err != nil {
			t.Fatal(err)
		} else if got.ID != u.ID {
			t.Fatalf("FindUserBySession = user %d, want %d", got.ID, u.ID)
		}

		t.Run("ErrUnknown", func(t *testing.T) {
			_, err := s.FindUserBySession(ctx, "mc_nope")
			assertError(t, err, msgcenter.EUNAUTHORIZED, "")
		})
		t.Run("ErrUnknownUser", func(t *testing.T) {
			_, err := s.CreateSession(ctx, u.ID+1000, clk.Now().Add(time.Hour))
			assertError(t, err, msgcenter.ENOTFOUND, "")
		})
		t.Run("Expiry", func(t *testing.T) {
			clk.Add(time.Hour - time.Microsecond)
			if _, err := s.FindUserBySession(ctx, token); err != nil {
				t.Fatalf("a microsecond before expiry: %v", err)
			}
			clk.Add(time.Microsecond)
			_, err := s.FindUserBySession(ctx, token)
			assertError(t, err, msgcenter.EUNAUTHORIZED, "")
		})
		t.Run("Delete", func(t *testing.T) {
			token, err := s.CreateSession(ctx, u.ID, clk.Now().Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.DeleteSession(ctx, token); err != nil {
				t.Fatal(err)
			}
			_, err = s.FindUserBySession(ctx, token)
			assertError(t, err, msgcenter.EUNAUTHORIZED, "")
			if err := s.DeleteSession(ctx, token); err != nil {
				t.Fatalf("deleting an unknown session: %v", err)
			}
		})
	})
}

func TestUserService_SetUserLanguage(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		s := newUserService(db)
		u, err := s.CreateUser(ctx, "bahasa@example.com", "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		if u.Language != "" {
			t.Fatalf("a new user's language = %q, want none chosen", u.Language)
		}
		if err := s.SetUserLanguage(ctx, u.ID, msgcenter.LanguageIndonesian); err != nil {
			t.Fatal(err)
		}
		token, err := s.CreateSession(ctx, u.ID, time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.FindUserBySession(ctx, token)
		if err != nil {
			t.Fatal(err)
		}
		if got.Language != msgcenter.LanguageIndonesian {
			t.Fatalf("language after SetUserLanguage = %q, want id", got.Language)
		}
		if got, _ := s.FindUserByEmail(ctx, u.Email); got.Language != msgcenter.LanguageIndonesian {
			t.Fatalf("FindUserByEmail language = %q, want id", got.Language)
		}
		assertError(t, s.SetUserLanguage(ctx, u.ID, "fr"), msgcenter.EINVALID, "")
		assertError(t, s.SetUserLanguage(ctx, u.ID+1000, msgcenter.LanguageEnglish), msgcenter.ENOTFOUND, "")
	})
}
