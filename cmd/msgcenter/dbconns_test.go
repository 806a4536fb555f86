package main_test

import (
	"os/exec"
	"strings"
	"sync"
	"testing"

	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// TestDBMaxConns checks the PostgreSQL pool bound: serve's setting is the
// pool's size, its default the documented one, and a bound below 1 is
// refused by name before anything starts.
func TestDBMaxConns(t *testing.T) {
	t.Run("Pool", func(t *testing.T) {
		url := sqltest.URL(t, sqlstore.EnginePostgres)
		if got := MustRunMain(t, url).Main.DB.SQL().Stats().MaxOpenConnections; got != sqlstore.DefaultMaxConns() {
			t.Fatalf("default pool: %d connections, want %d", got, sqlstore.DefaultMaxConns())
		}
		// Every connection of a busy pool is kept when it falls idle: none
		// is closed only to be opened again by the next burst.
		db := MustRunMain(t, url).Main.DB.SQL()
		for range 3 {
			var wg sync.WaitGroup
			for range 2 * sqlstore.DefaultMaxConns() {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := db.Exec(`SELECT pg_sleep(0.01)`); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
		}
		if st := db.Stats(); st.MaxIdleClosed != 0 || st.OpenConnections != sqlstore.DefaultMaxConns() {
			t.Fatalf("after three bursts: %d open, %d closed as idle; want %d open, none closed", st.OpenConnections, st.MaxIdleClosed, sqlstore.DefaultMaxConns())
		}
		a := MustRunMainWith(t, url, func(c *main.Config) { c.DBMaxConns = 3 })
		if got := a.Main.DB.SQL().Stats().MaxOpenConnections; got != 3 {
			t.Fatalf("pool of --db-max-conns 3: %d connections", got)
		}
	})
	t.Run("ErrBelowOne", func(t *testing.T) {
		bin, err := buildBinary()
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "serve", "--db", t.TempDir()+"/m.db", "--db-max-conns", "0").CombinedOutput()
		if err == nil || !strings.Contains(string(out), "--db-max-conns 0: must be at least 1") {
			t.Fatalf("serve --db-max-conns 0: %v\n%s", err, out)
		}
	})
}
