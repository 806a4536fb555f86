package sqlstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// A pipeline's statements run in order, each seeing the ones before it, and
// their rows are read; a statement that fails names itself in the error and
// fails the transaction, leaving nothing of it.
func TestPipeline(t *testing.T) {
	t.Parallel()
	sqltest.EachDB(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		if _, err := db.SQL().ExecContext(ctx, `CREATE TABLE pipe (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		var updated, count []int64
		err := db.WithTestTx(ctx, func(tx *sqlstore.TestTx) error {
			return tx.Pipeline(ctx,
				sqlstore.TestStmt{What: "insert a", Query: `INSERT INTO pipe (k, v) VALUES ($1, $2)`, Args: []any{1, "a"}},
				sqlstore.TestStmt{What: "insert b", Query: `INSERT INTO pipe (k, v) VALUES ($1, $2)`, Args: []any{2, "b"}},
				sqlstore.TestStmt{What: "update a", Query: `UPDATE pipe SET v = $1 WHERE k = $2 RETURNING k`, Args: []any{"c", 1}, Read: &updated},
				sqlstore.TestStmt{What: "count", Query: `SELECT COUNT(*) FROM pipe WHERE v <> $1`, Args: []any{"a"}, Read: &count},
			)
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(updated, []int64{1}) || !slices.Equal(count, []int64{2}) {
			t.Fatalf("updated %v, counted %v; want [1] and [2]: each statement sees the ones before it", updated, count)
		}

		err = db.WithTestTx(ctx, func(tx *sqlstore.TestTx) error {
			return tx.Pipeline(ctx,
				sqlstore.TestStmt{What: "insert c", Query: `INSERT INTO pipe (k, v) VALUES ($1, $2)`, Args: []any{3, "c"}},
				sqlstore.TestStmt{What: "insert a again", Query: `INSERT INTO pipe (k, v) VALUES ($1, $2)`, Args: []any{1, "again"}},
				sqlstore.TestStmt{What: "insert d", Query: `INSERT INTO pipe (k, v) VALUES ($1, $2)`, Args: []any{4, "d"}},
			)
		})
		if err == nil || !strings.Contains(err.Error(), "sqlstore: insert a again: ") {
			t.Fatalf("err = %v, want the failing statement named", err)
		}
		var keys []int64
		rows, err := db.SQL().QueryContext(ctx, `SELECT k FROM pipe ORDER BY k`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var k int64
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			keys = append(keys, k)
		}
		if !slices.Equal(keys, []int64{1, 2}) {
			t.Fatalf("keys %v after the failed pipeline, want [1 2]: nothing of its transaction", keys)
		}
	})
}
