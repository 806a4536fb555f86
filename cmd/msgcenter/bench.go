package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

// BenchResult is what one run of the pipeline benchmark measured.
type BenchResult struct {
	Engine       string
	Orders       int
	EventsPerSec float64
	P50, P99     time.Duration
	// The paced latency's two parts: commit → River fetched the message's
	// job (its attempted_at), and that fetch → the provider's answer.
	FetchP50, FetchP99, WorkP50, WorkP99 time.Duration
	NoopPerSec                           float64 // no-op jobs inserted one per transaction
	// NoopBatchPerSec is no-op jobs inserted in batches of 1,000.
	NoopBatchPerSec float64
	Ratio           float64
	// Rate is the paced run's orders per second; Paced its orders.
	Rate          float64
	Paced         int
	PipelineTotal time.Duration
	// PlacedIn is how long the burst's orders took to be placed, all of
	// them committed; the rest of PipelineTotal is the workers catching up.
	PlacedIn time.Duration
	// OneStatementOrders is how many of the burst's orders PostgreSQL
	// placed in one statement (sqlstore's placeOrderFast).
	OneStatementOrders int64
	// ChangesPerCommit is, on SQLite, the burst's store changes per write
	// transaction under group commit; 0 on PostgreSQL.
	ChangesPerCommit float64
}

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "", "PostgreSQL server URL to create a fresh database on (default: a fresh SQLite file)")
	orders := fs.Int("orders", 10000, "orders to run through the pipeline")
	concurrency := fs.Int("concurrency", 8, "goroutines placing orders")
	workers := fs.Int("workers", 50, "workers sending messages (per process)")
	processes := fs.Int("processes", 0, "with PostgreSQL: run the orders through 1…N worker processes and compare (issue: scale-out)")
	preview := fs.Int("preview", 0, "instead: N admins typing in the Message Center, 5 preview requests/s each")
	duration := fs.Duration("duration", 10*time.Second, "how long the preview load runs")
	stores := fs.Int("stores", 0, "instead: configure N stores while serving and report the resident memory")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	rate := fs.Float64("rate", 0, "orders per second of the paced run that measures latency (default: half the burst's rate)")
	pacedFor := fs.Duration("paced-for", 10*time.Second, "how long the paced run places orders")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if *stores > 0 {
		rss, err := BenchMemory(ctx, *stores, stderr)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "stores: %d\nresident memory of serve: %.1f MB\n", *stores, float64(rss)/(1<<20))
		return nil
	}
	if *preview > 0 {
		res, err := BenchPreview(ctx, *preview, 200*time.Millisecond, *duration, stderr)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "preview: %d admins × 5 requests/s for %s\nrequests: %d (%.0f/s), errors: %d\np50: %s\np99: %s\nmax: %s\n",
			*preview, *duration, res.Requests, res.PerSecond, res.Errors, res.P50.Round(10*time.Microsecond),
			res.P99.Round(10*time.Microsecond), res.Max.Round(10*time.Microsecond))
		return nil
	}
	if *processes > 0 {
		if !strings.HasPrefix(*db, "postgres") {
			return fmt.Errorf("--processes needs --db postgres://…: SQLite is one process's database")
		}
		return benchProcesses(ctx, *db, *orders, *concurrency, *workers, *processes, stdout, stderr)
	}
	res, err := Bench(ctx, BenchConfig{DatabaseURL: *db, Orders: *orders, Concurrency: *concurrency, Workers: *workers, Progress: stderr,
		Rate: *rate, PacedFor: *pacedFor})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "engine: %s\nburst: %d orders, %.0f events/s\n", res.Engine, res.Orders, res.EventsPerSec)
	if res.PlacedIn > 0 {
		fmt.Fprintf(stdout, "  all placed after %s (%.0f orders/s), all sent after %s\n", res.PlacedIn.Round(10*time.Millisecond),
			float64(res.Orders)/res.PlacedIn.Seconds(), res.PipelineTotal.Round(10*time.Millisecond))
	}
	if res.OneStatementOrders > 0 {
		fmt.Fprintf(stdout, "  placed in one statement: %d\n", res.OneStatementOrders)
	}
	if res.ChangesPerCommit > 0 {
		fmt.Fprintf(stdout, "group commit: %.1f changes per write transaction in the burst\n", res.ChangesPerCommit)
	}
	fmt.Fprintf(stdout, "paced: %d orders at %.0f/s, commit→send p50 %s, p99 %s\n", res.Paced, res.Rate,
		res.P50.Round(10*time.Microsecond), res.P99.Round(10*time.Microsecond))
	fmt.Fprintf(stdout, "  of which commit→job fetched p50 %s, p99 %s; fetched→provider's answer p50 %s, p99 %s\n",
		res.FetchP50.Round(10*time.Microsecond), res.FetchP99.Round(10*time.Microsecond),
		res.WorkP50.Round(10*time.Microsecond), res.WorkP99.Round(10*time.Microsecond))
	fmt.Fprintf(stdout, "river no-op jobs/s: %.0f (one per transaction), %.0f (batches of 1,000)\nratio: %.2f\n",
		res.NoopPerSec, res.NoopBatchPerSec, res.Ratio)
	return nil
}

// BenchConfig sets up a benchmark run.
type BenchConfig struct {
	DatabaseURL string
	Orders      int
	Concurrency int
	Workers     int
	Progress    io.Writer
	// Rate is the paced run's orders per second; 0 is half the burst's rate.
	Rate float64
	// PacedFor is how long the paced run places orders.
	PacedFor time.Duration
	// WorkerProcesses, when set, leaves the sending to that many child
	// `serve --role worker` processes on the same database; this process
	// only places the orders.
	WorkerProcesses int
}

// Bench runs cfg.Orders orders through the whole pipeline — order committed
// with its job, worker, render, sandbox send, record — on a fresh database,
// then as many no-op River jobs with the same client settings.
func Bench(ctx context.Context, cfg BenchConfig) (*BenchResult, error) {
	if cfg.PacedFor <= 0 {
		cfg.PacedFor = 10 * time.Second
	}
	dbURL, cleanup, err := freshDatabase(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	m := NewMain()
	m.Config.DatabaseURL = dbURL
	m.Config.Addr = "127.0.0.1:0"
	m.Config.Logger = slog.New(slog.NewTextHandler(cfg.Progress, &slog.HandlerOptions{Level: slog.LevelWarn}))
	m.Config.Delivery.MaxWorkers = cfg.Workers
	if cfg.WorkerProcesses > 0 {
		m.Config.Role = RoleHTTP
	}
	if err := m.Run(ctx); err != nil {
		m.Close()
		return nil, err
	}
	defer m.Close()
	for range cfg.WorkerProcesses {
		stop, err := startWorker(ctx, dbURL, cfg.Workers, cfg.Progress)
		if err != nil {
			return nil, err
		}
		defer stop()
	}

	svc := newServices(m.DB)
	u, err := svc.users.CreateUser(ctx, "bench@msgcenter.local", "bench-password")
	if err != nil {
		return nil, err
	}
	// One store per goroutine, as real traffic spreads over stores: orders of
	// one store serialise on its order number and its products' stock.
	type shop struct {
		store, product, room int64
	}
	shops := make([]shop, cfg.Concurrency)
	for i := range shops {
		st := &msgcenter.Store{Name: fmt.Sprintf("Bench Store %d", i+1), OwnerID: u.ID}
		if err := svc.stores.CreateStore(ctx, st); err != nil {
			return nil, err
		}
		p := &msgcenter.Product{StoreID: st.ID, Name: "Kopi Susu", Price: 25000, Stock: cfg.Orders * 2, Active: true}
		ch := &msgcenter.Channel{StoreID: st.ID, Type: msgcenter.ChannelInstagram, Name: "IG"}
		if err := svc.commerce.CreateProduct(ctx, p); err != nil {
			return nil, err
		}
		if err := svc.commerce.CreateChannel(ctx, ch); err != nil {
			return nil, err
		}
		room := &msgcenter.Room{StoreID: st.ID, ChannelID: ch.ID, CustomerName: "Budi", LastInboundAt: time.Now().UTC()}
		if err := svc.commerce.CreateRoom(ctx, room); err != nil {
			return nil, err
		}
		shops[i] = shop{st.ID, p.ID, room.ID}
	}

	place := func(sh shop) (int64, error) {
		req := &msgcenter.OrderRequest{RoomID: &sh.room, CustomerName: "Budi", Items: []msgcenter.CartItem{{ProductID: sh.product, Quantity: 1}},
			DeliveryMethod: "pickup", PaymentMethod: "qris"}
		o, failed, err := svc.orders.PlaceOrder(ctx, sh.store, req)
		if err != nil || failed != nil {
			return 0, fmt.Errorf("place order: %v %+v", err, failed)
		}
		return o.ID, nil
	}
	// waitSent waits until want messages are sent, or a placer fails, or
	// the messages stop moving for a minute (a failure the bench cannot see).
	waitSent := func(what string, want int, failed <-chan error) error {
		last, moved := -1, time.Now()
		for {
			var n int
			if err := m.DB.SQLRead().QueryRowContext(ctx, `SELECT COUNT(*) FROM deliveries WHERE status = 'sent'`).Scan(&n); err != nil {
				return fmt.Errorf("bench: count sent messages: %w", err)
			}
			progress(cfg.Progress, what, min(n, want), want)
			if n >= want {
				fmt.Fprintln(cfg.Progress)
				return nil
			}
			if n != last {
				last, moved = n, time.Now()
			} else if time.Since(moved) > time.Minute {
				return fmt.Errorf("bench: %s: %d of %d messages sent, none more for a minute", what, n, want)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case err, ok := <-failed:
				if ok && err != nil {
					return err
				}
				failed = nil // every placer is done
			// Counting is a scan of the messages (6 ms on PostgreSQL at
			// 20,000), so the bench looks rarely enough not to load the
			// pipeline it measures: the end of a burst is known to 0.1 s.
			case <-time.After(100 * time.Millisecond):
			}
		}
	}

	// 1. Throughput: a burst of orders from cfg.Concurrency goroutines, as
	// fast as they commit, until every message is sent.
	groups0, changes0 := m.DB.GroupCommits()
	start := time.Now()
	placed := make(chan error, 1)
	var placedIn atomic.Int64
	go func() {
		err := inParallel(cfg.Orders, len(shops), func(w int) error {
			_, err := place(shops[w])
			return err
		})
		placedIn.Store(int64(time.Since(start)))
		placed <- err
	}()
	if err := waitSent("burst", cfg.Orders, placed); err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	res := &BenchResult{Engine: m.DB.Engine(), Orders: cfg.Orders, EventsPerSec: float64(cfg.Orders) / elapsed.Seconds(),
		PipelineTotal: elapsed, PlacedIn: time.Duration(placedIn.Load())}
	if flow, ok := svc.orders.(*sqlstore.OrderFlowService); ok {
		res.OneStatementOrders = flow.OneStatementOrders()
	}
	if groups, changes := m.DB.GroupCommits(); groups > groups0 {
		res.ChangesPerCommit = float64(changes-changes0) / float64(groups-groups0)
	}

	// 2. Latency: orders at a steady rate the pipeline sustains (half the
	// burst's unless set), one at a time on schedule, so each message's
	// time from commit to send is its own and not a backlog's.
	committed := map[int64]time.Time{}
	rate := cfg.Rate
	if rate <= 0 {
		rate = res.EventsPerSec / 2
	}
	paced := max(1, int(rate*cfg.PacedFor.Seconds()))
	res.Rate, res.Paced = rate, paced
	tick := time.Duration(float64(time.Second) / rate)
	due := time.Now()
	for i := range paced {
		time.Sleep(time.Until(due))
		id, err := place(shops[i%len(shops)])
		if err != nil {
			return nil, err
		}
		committed[id] = time.Now()
		due = due.Add(tick)
		if i%50 == 0 {
			progress(cfg.Progress, "paced", i, paced)
		}
	}
	if err := waitSent("paced", cfg.Orders+paced, nil); err != nil {
		return nil, err
	}
	lat, fetch, work, err := latencies(ctx, m.DB.SQLRead(), m.DB.Engine(), committed)
	if err != nil {
		return nil, err
	}
	res.P50, res.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	res.FetchP50, res.FetchP99 = percentile(fetch, 0.50), percentile(fetch, 0.99)
	res.WorkP50, res.WorkP99 = percentile(work, 0.50), percentile(work, 0.99)

	if cfg.WorkerProcesses > 0 {
		return res, nil // no-op jobs are counted in-process only
	}
	// 3. River alone: as many no-op jobs, each inserted in a transaction of
	// its own from as many goroutines as placed the orders; then as many
	// inserted in batches of 1,000.
	if res.NoopPerSec, err = benchNoop(ctx, m, cfg, func(ctx context.Context, n int) error {
		return inParallel(n, cfg.Concurrency, func(int) error { return m.Delivery.InsertOneNoop(ctx) })
	}); err != nil {
		return nil, err
	}
	if res.NoopBatchPerSec, err = benchNoop(ctx, m, cfg, m.Delivery.InsertNoop); err != nil {
		return nil, err
	}
	res.Ratio = res.EventsPerSec / res.NoopPerSec
	return res, nil
}

// inParallel calls do n times in all from workers goroutines, goroutine w
// calling do(w), and returns the first error; a goroutine stops at its
// error, the others go on.
func inParallel(n, workers int, do func(w int) error) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				if err := do(w); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// benchNoop times cfg.Orders no-op jobs from the start of their insertion
// to the last one worked.
func benchNoop(ctx context.Context, m *Main, cfg BenchConfig, insert func(context.Context, int) error) (float64, error) {
	base := m.Delivery.NoopDone()
	start := time.Now()
	inserted := make(chan error, 1)
	go func() { inserted <- insert(ctx, cfg.Orders) }()
	shown := start
	for n := m.Delivery.NoopDone() - base; n < int64(cfg.Orders); n = m.Delivery.NoopDone() - base {
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case err := <-inserted:
			if err != nil {
				return 0, err
			}
		case <-time.After(5 * time.Millisecond):
		}
		if time.Since(shown) > 200*time.Millisecond {
			progress(cfg.Progress, "no-op jobs", int(n), cfg.Orders)
			shown = time.Now()
		}
	}
	perSec := float64(cfg.Orders) / time.Since(start).Seconds()
	progress(cfg.Progress, "no-op jobs", cfg.Orders, cfg.Orders)
	fmt.Fprintln(cfg.Progress)
	return perSec, nil
}

// latencies returns, sorted, each paced order's time from its commit to the
// provider's answer (its sent attempt), and the two parts of it: from the
// commit to River's fetch of the message's job (the job's attempted_at) and
// from there to the answer.
func latencies(ctx context.Context, db *sql.DB, engine string, committed map[int64]time.Time) (total, fetch, work []time.Duration, err error) {
	deliveryID := `(args->>'delivery_id')::bigint`
	if engine == sqlstore.EngineSQLite {
		deliveryID = `json_extract(args, '$.delivery_id')`
	}
	fetched := map[int64]time.Time{}
	rows, err := db.QueryContext(ctx, `SELECT `+deliveryID+`, attempted_at FROM river_job WHERE kind = 'deliver' AND attempted_at IS NOT NULL`)
	if err != nil {
		return nil, nil, nil, err
	}
	for rows.Next() {
		var id int64
		var at time.Time
		if err := rows.Scan(&id, &at); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		fetched[id] = at
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, nil, err
	}

	rows, err = db.QueryContext(ctx, `
		SELECT d.id, d.order_id, a.at FROM deliveries d
		JOIN delivery_attempts a ON a.delivery_id = d.id AND a.outcome = 'sent'
		WHERE d.order_id IS NOT NULL`)
	if err != nil {
		return nil, nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, order int64
		var sent time.Time
		if err := rows.Scan(&id, &order, &sent); err != nil {
			return nil, nil, nil, err
		}
		at, ok := committed[order]
		if !ok {
			continue
		}
		total = append(total, sent.Sub(at))
		if f, ok := fetched[id]; ok {
			fetch, work = append(fetch, f.Sub(at)), append(work, sent.Sub(f))
		}
	}
	for _, d := range [][]time.Duration{total, fetch, work} {
		slices.Sort(d)
	}
	return total, fetch, work, rows.Err()
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

// freshDatabase returns the URL of a new, empty database and how to remove
// it: a SQLite file in a temporary folder, or a database created on the
// PostgreSQL server that url names.
func freshDatabase(ctx context.Context, dbURL string) (string, func(), error) {
	if dbURL == "" || !strings.HasPrefix(dbURL, "postgres") {
		dir, err := os.MkdirTemp("", "msgcenter-bench")
		if err != nil {
			return "", nil, err
		}
		return filepath.Join(dir, "bench.db"), func() { os.RemoveAll(dir) }, nil
	}
	admin, err := sql.Open("pgx", dbURL)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "msgcenter_bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("bench: create database: %w", err)
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	u.Path = "/" + name
	return u.String(), func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}, nil
}

// startWorker starts `msgcenter serve --role worker` on dbURL and returns how
// to stop it.
func startWorker(ctx context.Context, dbURL string, workers int, stderr io.Writer) (func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, "serve", "--role", "worker", "--db", dbURL, "--addr", "127.0.0.1:0",
		"--workers", strconv.Itoa(workers))
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}, nil
}

// benchProcesses runs the pipeline with 1…n worker processes, each on a
// fresh database, and prints their rates side by side.
func benchProcesses(ctx context.Context, dbURL string, orders, concurrency, workers, n int, stdout, stderr io.Writer) error {
	var base float64
	fmt.Fprintf(stdout, "%-10s %-10s %-12s %-12s %s\n", "processes", "events/s", "p50", "p99", "ratio to 1")
	for p := 1; p <= n; p++ {
		res, err := Bench(ctx, BenchConfig{DatabaseURL: dbURL, Orders: orders, Concurrency: concurrency, Workers: workers,
			Progress: stderr, WorkerProcesses: p})
		if err != nil {
			return err
		}
		if p == 1 {
			base = res.EventsPerSec
		}
		fmt.Fprintf(stdout, "%-10d %-10.0f %-12s %-12s %.2f\n", p, res.EventsPerSec, res.P50.Round(10*time.Microsecond),
			res.P99.Round(10*time.Microsecond), res.EventsPerSec/base)
	}
	return nil
}
