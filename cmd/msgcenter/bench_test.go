package main_test

import (
	"context"
	"io"
	"os"
	"testing"
	"time"

	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// TestBench runs the pipeline benchmark small on each engine: it finishes
// (every order's message sent in both runs), the paced run places the orders
// its rate and length ask for, and every figure is measured. Its timings are
// the command's output, never asserted.
func TestBench(t *testing.T) {
	for _, engine := range []string{sqlstore.EngineSQLite, sqlstore.EnginePostgres} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			server := ""
			if engine == sqlstore.EnginePostgres {
				sqltest.PostgresURL(t) // skips, or fails under CI, without a server
				server = os.Getenv(sqltest.PostgresURLEnv)
			}
			res, err := main.Bench(context.Background(), main.BenchConfig{DatabaseURL: server, Orders: 60, Concurrency: 3,
				Workers: 4, Rate: 40, PacedFor: 500 * time.Millisecond, Progress: io.Discard})
			if err != nil {
				t.Fatal(err)
			}
			if res.Engine != engine || res.Orders != 60 || res.Paced != 20 || res.Rate != 40 {
				t.Fatalf("result = %+v", res)
			}
			if res.EventsPerSec <= 0 || res.NoopPerSec <= 0 || res.NoopBatchPerSec <= 0 || res.P50 <= 0 || res.P99 < res.P50 || res.Ratio <= 0 {
				t.Fatalf("result = %+v", res)
			}
			// The latency's parts were found for the paced orders and
			// make it up.
			if res.FetchP50 <= 0 || res.WorkP50 <= 0 || res.FetchP50 > res.P99 || res.WorkP50 > res.P99 {
				t.Fatalf("commit→fetch p50 %v, fetch→answer p50 %v, total p99 %v", res.FetchP50, res.WorkP50, res.P99)
			}
		})
	}
}
