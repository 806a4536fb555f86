package sqlstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// forEachEngine runs fn as parallel subtests "sqlite" and "postgres". Each
// call of open returns a new handle on the same fresh database.
func forEachEngine(t *testing.T, fn func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB)) {
	t.Helper()
	sqltest.Engines(t, func(t *testing.T, url string) {
		t.Parallel()
		fn(t, func(tb testing.TB, opts ...sqlstore.Options) *sqlstore.DB {
			tb.Helper()
			return sqltest.Open(tb, url, opts...)
		})
	})
}

// clock is a settable time for DB.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(db *sqlstore.DB) *clock {
	c := &clock{now: time.Date(2025, 3, 14, 9, 26, 53, 589793000, time.UTC)}
	db.Now = c.Now
	return c
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newUserService(db *sqlstore.DB) *sqlstore.UserService {
	s := sqlstore.NewUserService(db)
	s.BcryptCost = bcrypt.MinCost
	return s
}

func mustCreateUser(tb testing.TB, db *sqlstore.DB, email string) *msgcenter.User {
	tb.Helper()
	u, err := newUserService(db).CreateUser(context.Background(), email, "correct horse battery")
	if err != nil {
		tb.Fatalf("CreateUser(%q): %v", email, err)
	}
	return u
}

func mustCreateStore(tb testing.TB, db *sqlstore.DB, ownerID int64, name string) *msgcenter.Store {
	tb.Helper()
	s := &msgcenter.Store{Name: name, OwnerID: ownerID}
	if err := sqlstore.NewStoreService(db).CreateStore(context.Background(), s); err != nil {
		tb.Fatalf("CreateStore(%q): %v", name, err)
	}
	return s
}

// tenants is one owner's two stores on a fresh database with a settable
// clock: store is the one a test works on, other the tenant whose rows it
// must never see.
type tenants struct {
	db    *sqlstore.DB
	clk   *clock
	owner *msgcenter.User
	store *msgcenter.Store
	other *msgcenter.Store
}

// newTenants sets the clock of db and creates the owner and the stores
// "Kopi" and "Other".
func newTenants(tb testing.TB, db *sqlstore.DB) *tenants {
	tb.Helper()
	tn := &tenants{db: db, clk: newClock(db)}
	tn.owner = mustCreateUser(tb, db, "owner@example.com")
	tn.store = mustCreateStore(tb, db, tn.owner.ID, "Kopi")
	tn.other = mustCreateStore(tb, db, tn.owner.ID, "Other")
	return tn
}

// assertError checks err's code and, when message is not empty, its message.
func assertError(tb testing.TB, err error, code, message string) {
	tb.Helper()
	if got := msgcenter.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
	if message != "" {
		if got := msgcenter.ErrorMessage(err); got != message {
			tb.Fatalf("error message = %q, want %q", got, message)
		}
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	t.Run("MigrationsIdempotent", func(t *testing.T) {
		forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
			ctx := context.Background()
			db := open(t)
			u := mustCreateUser(t, db, "owner@example.com")
			var applied int
			if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&applied); err != nil {
				t.Fatal(err)
			}
			db.Close()

			db = open(t)
			if err := db.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := db.SQL().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != applied || n < 1 {
				t.Fatalf("schema_migrations has %d rows after reopening, want the %d of the first open", n, applied)
			}
			if _, err := newUserService(db).FindUserByEmail(ctx, u.Email); err != nil {
				t.Fatalf("data lost on reopen: %v", err)
			}
		})
	})

	t.Run("Engine", func(t *testing.T) {
		forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
			db := open(t)
			want := strings.Split(t.Name(), "/")[2]
			if got := db.Engine(); got != want {
				t.Fatalf("Engine() = %q, want %q", got, want)
			}
		})
	})

	t.Run("ErrNewerSchema", func(t *testing.T) {
		sqltest.Engines(t, func(t *testing.T, url string) {
			t.Parallel()
			ctx := context.Background()
			db := sqltest.Open(t, url)
			_, err := db.SQL().ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 'now')`)
			if err != nil {
				t.Fatal(err)
			}
			db2, err := sqlstore.Open(ctx, url, sqlstore.Options{})
			if err == nil {
				db2.Close()
				t.Fatal("Open on a newer schema succeeded, want an error")
			}
			if !strings.Contains(err.Error(), "schema is at version 9999, newer than version") {
				t.Fatalf("Open error = %v, want one about the newer schema", err)
			}
		})
	})

	t.Run("SQLitePragmas", func(t *testing.T) {
		db := sqltest.Open(t, sqltest.SQLiteURL(t))
		ctx := context.Background()
		for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "10000"} {
			var got string
			if err := db.SQL().QueryRowContext(ctx, `PRAGMA `+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
			}
		}
	})
}
