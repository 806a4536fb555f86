// Package sqltest gives tests a fresh, empty database on each engine the
// store supports, so one test body runs on SQLite and on PostgreSQL.
//
//	func TestSomething(t *testing.T) {
//		sqltest.Engines(t, func(t *testing.T, url string) {
//			db := sqltest.Open(t, url)
//			...
//		})
//	}
//
// Each call of Engines, EachDB, URL, SQLiteURL or PostgresURL makes a new
// database; subtests that share one URL share one database.
//
// SQLite databases are files in t.TempDir(). PostgreSQL databases are created
// on the server named by MSGCENTER_TEST_POSTGRES_URL (scripts/test starts one
// and sets it) and dropped when the test ends. Without that variable the
// PostgreSQL subtests skip, or fail when CI is set.
package sqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/qiscus/msgcenter/sqlstore"
)

// PostgresURLEnv names the environment variable holding the PostgreSQL
// server tests create their databases on.
const PostgresURLEnv = "MSGCENTER_TEST_POSTGRES_URL"

// Engines runs fn as the subtests "sqlite" and "postgres", each with the URL
// of a fresh, empty database of that engine.
func Engines(t *testing.T, fn func(t *testing.T, url string)) {
	t.Helper()
	t.Run(sqlstore.EngineSQLite, func(t *testing.T) {
		fn(t, SQLiteURL(t))
	})
	t.Run(sqlstore.EnginePostgres, func(t *testing.T) {
		fn(t, PostgresURL(t))
	})
}

// URL returns the URL of a fresh, empty database of engine ("sqlite" or
// "postgres"), for a test that needs more than one database per engine.
func URL(tb testing.TB, engine string) string {
	tb.Helper()
	switch engine {
	case sqlstore.EngineSQLite:
		return SQLiteURL(tb)
	case sqlstore.EnginePostgres:
		return PostgresURL(tb)
	}
	tb.Fatalf("sqltest: unknown engine %q", engine)
	return ""
}

// EachDB runs fn as the subtests "sqlite" and "postgres", each with a fresh
// database opened and migrated, closed when the subtest ends.
func EachDB(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	Engines(t, func(t *testing.T, url string) {
		fn(t, Open(t, url))
	})
}

// Open opens and migrates the database at url with opts (none, or one),
// failing the test on error, and closes it when the test ends.
func Open(tb testing.TB, url string, opts ...sqlstore.Options) *sqlstore.DB {
	tb.Helper()
	var o sqlstore.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	db, err := sqlstore.Open(context.Background(), url, o)
	if err != nil {
		tb.Fatalf("sqltest: open %s: %v", url, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("sqltest: close: %v", err)
		}
	})
	return db
}

// SQLiteURL returns the URL of a new SQLite file in the test's temp dir.
func SQLiteURL(tb testing.TB) string {
	tb.Helper()
	return "file:" + filepath.Join(tb.TempDir(), "msgcenter.db")
}

// PostgresURL creates an empty database on the test server and returns its
// URL; the database is dropped, with its connections, when the test ends.
// Without a server it skips the test, or fails it when CI is set.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	server := os.Getenv(PostgresURLEnv)
	if server == "" {
		if os.Getenv("CI") != "" {
			tb.Fatal("PostgreSQL tests cannot run under CI: " + PostgresURLEnv + " is not set (scripts/test sets it)")
		}
		tb.Skip("PostgreSQL tests skipped: " + PostgresURLEnv + " is not set (scripts/test sets it)")
	}
	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("sqltest: parse %s: %v", PostgresURLEnv, err)
	}

	admin, err := sql.Open("pgx", server)
	if err != nil {
		tb.Fatalf("sqltest: connect to PostgreSQL: %v", err)
	}
	defer admin.Close()

	b := make([]byte, 8)
	rand.Read(b)
	name := "t_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The name is ours and made of hex digits, so it is safe to splice in.
	// FILE_COPY (PostgreSQL 15+) copies the tiny template several times
	// faster than the default WAL_LOG; older servers take the plain form.
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name+` STRATEGY = FILE_COPY`); err != nil {
		if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
			tb.Fatalf("sqltest: create database: %v", err)
		}
	}
	tb.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			tb.Errorf("sqltest: connect to PostgreSQL: %v", err)
			return
		}
		defer admin.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			tb.Errorf("sqltest: drop database %s: %v", name, err)
		}
	})

	u.Path = "/" + name
	return u.String()
}
