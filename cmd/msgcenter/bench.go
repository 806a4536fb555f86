package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
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

	"github.com/riverqueue/river"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/delivery"
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
	b := &benchRun{cfg: cfg, m: NewMain()}
	if err := b.start(ctx, dbURL); err != nil {
		return nil, err
	}
	defer b.m.Close()
	for range cfg.WorkerProcesses {
		stop, err := startWorker(ctx, dbURL, cfg.Workers, cfg.Progress)
		if err != nil {
			return nil, err
		}
		defer stop()
	}
	if err := b.openShops(ctx); err != nil {
		return nil, err
	}
	res, err := b.burst(ctx)
	if err != nil {
		return nil, err
	}
	if err := b.paced(ctx, res); err != nil {
		return nil, err
	}
	if cfg.WorkerProcesses > 0 {
		return res, nil // no-op jobs are counted in-process only
	}
	// River alone: as many no-op jobs, each inserted in a transaction of
	// its own from as many goroutines as placed the orders; then as many
	// inserted in batches of 1,000.
	if res.NoopPerSec, err = b.noop(ctx, func(ctx context.Context, n int) error {
		return inParallel(n, cfg.Concurrency, func(int) error { return b.m.Delivery.Insert(ctx, noopArgs{}) })
	}); err != nil {
		return nil, err
	}
	if res.NoopBatchPerSec, err = b.noop(ctx, insertNoopBatches(b.m)); err != nil {
		return nil, err
	}
	res.Ratio = res.EventsPerSec / res.NoopPerSec
	return res, nil
}

// benchRun is one run of Bench: the program under test, its shops, and
// its worked no-op jobs.
type benchRun struct {
	cfg      BenchConfig
	m        *Main
	svc      services
	shops    []benchShop
	noopDone atomic.Int64
}

// benchShop is a store with a product and a room to order from.
type benchShop struct{ store, product, room int64 }

// start runs the program on dbURL, with the bench's no-op job.
func (b *benchRun) start(ctx context.Context, dbURL string) error {
	c := &b.m.Config
	c.DatabaseURL = dbURL
	c.Addr = "127.0.0.1:0"
	c.Logger = slog.New(slog.NewTextHandler(b.cfg.Progress, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c.Delivery.MaxWorkers = b.cfg.Workers
	c.Delivery.Workers = func(w *river.Workers) { river.AddWorker(w, &noopWorker{done: &b.noopDone}) }
	if b.cfg.WorkerProcesses > 0 {
		c.Role = RoleHTTP
	}
	if err := b.m.Run(ctx); err != nil {
		b.m.Close()
		return err
	}
	b.svc = newServices(b.m.DB)
	return nil
}

// openShops makes one store per placing goroutine, as real traffic spreads
// over stores: orders of one store serialise on its order number and its
// products' stock.
func (b *benchRun) openShops(ctx context.Context) error {
	svc := b.svc
	u, err := svc.users.CreateUser(ctx, "bench@msgcenter.local", "bench-password")
	if err != nil {
		return err
	}
	b.shops = make([]benchShop, b.cfg.Concurrency)
	for i := range b.shops {
		st := &msgcenter.Store{Name: fmt.Sprintf("Bench Store %d", i+1), OwnerID: u.ID}
		if err := svc.stores.CreateStore(ctx, st); err != nil {
			return err
		}
		p := &msgcenter.Product{StoreID: st.ID, Name: "Kopi Susu", Price: 25000, Stock: b.cfg.Orders * 2, Active: true}
		ch := &msgcenter.Channel{StoreID: st.ID, Type: msgcenter.ChannelInstagram, Name: "IG"}
		if err := svc.commerce.CreateProduct(ctx, p); err != nil {
			return err
		}
		if err := svc.commerce.CreateChannel(ctx, ch); err != nil {
			return err
		}
		room := &msgcenter.Room{StoreID: st.ID, ChannelID: ch.ID, CustomerName: "Budi", LastInboundAt: time.Now().UTC()}
		if err := svc.commerce.CreateRoom(ctx, room); err != nil {
			return err
		}
		b.shops[i] = benchShop{st.ID, p.ID, room.ID}
	}
	return nil
}

// place places one order of a Kopi Susu in sh's room.
func (b *benchRun) place(ctx context.Context, sh benchShop) (int64, error) {
	req := &msgcenter.OrderRequest{RoomID: &sh.room, CustomerName: "Budi", Items: []msgcenter.CartItem{{ProductID: sh.product, Quantity: 1}},
		DeliveryMethod: "pickup", PaymentMethod: "qris"}
	o, failed, err := b.svc.orders.PlaceOrder(ctx, sh.store, req)
	if err != nil || failed != nil {
		return 0, fmt.Errorf("place order: %v %+v", err, failed)
	}
	return o.ID, nil
}

// burst measures throughput: cfg.Orders orders from cfg.Concurrency
// goroutines, as fast as they commit, until every message is sent.
func (b *benchRun) burst(ctx context.Context) (*BenchResult, error) {
	start := time.Now()
	placed := make(chan error, 1)
	var placedIn atomic.Int64
	go func() {
		err := inParallel(b.cfg.Orders, len(b.shops), func(w int) error {
			_, err := b.place(ctx, b.shops[w])
			return err
		})
		placedIn.Store(int64(time.Since(start)))
		placed <- err
	}()
	if err := b.waitSent(ctx, "burst", b.cfg.Orders, placed); err != nil {
		return nil, err
	}
	elapsed := time.Since(start)
	return &BenchResult{Engine: b.m.DB.Engine(), Orders: b.cfg.Orders, EventsPerSec: float64(b.cfg.Orders) / elapsed.Seconds(),
		PipelineTotal: elapsed, PlacedIn: time.Duration(placedIn.Load())}, nil
}

// paced measures latency: orders at a steady rate the pipeline sustains
// (half the burst's unless set), one at a time on schedule, so each
// message's time from commit to send is its own and not a backlog's.
func (b *benchRun) paced(ctx context.Context, res *BenchResult) error {
	committed := map[int64]time.Time{}
	rate := b.cfg.Rate
	if rate <= 0 {
		rate = res.EventsPerSec / 2
	}
	paced := max(1, int(rate*b.cfg.PacedFor.Seconds()))
	res.Rate, res.Paced = rate, paced
	fetched, stop := b.followFetches()
	defer stop()
	tick := time.Duration(float64(time.Second) / rate)
	due := time.Now()
	for i := range paced {
		time.Sleep(time.Until(due))
		id, err := b.place(ctx, b.shops[i%len(b.shops)])
		if err != nil {
			return err
		}
		committed[id] = time.Now()
		due = due.Add(tick)
		if i%50 == 0 {
			progress(b.cfg.Progress, "paced", i, paced)
		}
	}
	if err := b.waitSent(ctx, "paced", b.cfg.Orders+paced, nil); err != nil {
		return err
	}
	lat, fetch, work, err := latencies(ctx, b.m.DB.SQLRead(), committed, fetched())
	if err != nil {
		return err
	}
	res.P50, res.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	res.FetchP50, res.FetchP99 = percentile(fetch, 0.50), percentile(fetch, 0.99)
	res.WorkP50, res.WorkP99 = percentile(work, 0.50), percentile(work, 0.99)
	return nil
}

// waitSent waits until want messages are sent, or a placer fails, or the
// messages stop moving for a minute (a failure the bench cannot see).
func (b *benchRun) waitSent(ctx context.Context, what string, want int, failed <-chan error) error {
	last, moved := -1, time.Now()
	for {
		var n int
		if err := b.m.DB.SQLRead().QueryRowContext(ctx, `SELECT COUNT(*) FROM deliveries WHERE status = $1`,
			string(msgcenter.StatusSent)).Scan(&n); err != nil {
			return fmt.Errorf("bench: count sent messages: %w", err)
		}
		progress(b.cfg.Progress, what, min(n, want), want)
		if n >= want {
			fmt.Fprintln(b.cfg.Progress)
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

// noop times cfg.Orders no-op jobs from the start of their insertion to
// the last one worked.
func (b *benchRun) noop(ctx context.Context, insert func(context.Context, int) error) (float64, error) {
	base := b.noopDone.Load()
	start := time.Now()
	inserted := make(chan error, 1)
	go func() { inserted <- insert(ctx, b.cfg.Orders) }()
	shown := start
	for n := b.noopDone.Load() - base; n < int64(b.cfg.Orders); n = b.noopDone.Load() - base {
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
			progress(b.cfg.Progress, "no-op jobs", int(n), b.cfg.Orders)
			shown = time.Now()
		}
	}
	perSec := float64(b.cfg.Orders) / time.Since(start).Seconds()
	progress(b.cfg.Progress, "no-op jobs", b.cfg.Orders, b.cfg.Orders)
	fmt.Fprintln(b.cfg.Progress)
	return perSec, nil
}

// latencies returns, sorted, each paced order's time from its commit to the
// provider's answer (its sent attempt), and the two parts of it: from the
// commit to River's fetch of the message's job (fetched) and from there to
// the answer.
func latencies(ctx context.Context, db *sql.DB, committed, fetched map[int64]time.Time) (total, fetch, work []time.Duration, err error) {
	rows, err := db.QueryContext(ctx, `
		SELECT d.id, d.order_id, a.at FROM deliveries d
		JOIN delivery_attempts a ON a.delivery_id = d.id AND a.outcome = $1
		WHERE d.order_id IS NOT NULL`, string(msgcenter.OutcomeSent))
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

// followFetches follows the message jobs this process completes, and
// returns when River fetched each one's job (its attempted_at), by
// message, read from River's events on either engine. A job worked in
// another process (--processes) is not seen.
func (b *benchRun) followFetches() (fetched func() map[int64]time.Time, stop func()) {
	events, cancel := b.m.Delivery.Subscribe(river.EventKindJobCompleted)
	times := map[int64]time.Time{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev := range events {
			var args delivery.DeliverArgs
			if ev.Job.Kind != args.Kind() || ev.Job.AttemptedAt == nil || json.Unmarshal(ev.Job.EncodedArgs, &args) != nil {
				continue
			}
			times[args.DeliveryID] = *ev.Job.AttemptedAt
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	return func() map[int64]time.Time { stop(); return times }, stop
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
