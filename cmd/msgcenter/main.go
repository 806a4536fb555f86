// Command msgcenter runs the message center: its HTTP service and workers,
// its migrations, and its admin tools.
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	mchttp "github.com/qiscus/msgcenter/http"
	"github.com/qiscus/msgcenter/sqlstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Command(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "msgcenter:", err)
		}
		os.Exit(1)
	}
}

const usage = `msgcenter — every customer-facing message of a store's order flow.

Usage:
  msgcenter serve [--demo] [--addr 127.0.0.1:8080] [--public-url URL] [--db URL]
  msgcenter migrate [--db URL]
  msgcenter bench [--orders 10000] [--db postgres://server/db] [--workers 50]
  msgcenter admin create --email E [--password-file F] [--db URL]
  msgcenter admin password --email E [--password-file F] [--db URL]
  msgcenter token create --email E [--name N] [--db URL]
  msgcenter token list --email E [--db URL]
  msgcenter token revoke --email E --id N [--db URL]

Passwords are read from --password-file or, without it, from the first line
of standard input (never from the command line, where the process list
shows them).

--db defaults to $MSGCENTER_DATABASE_URL, else the SQLite file ./msgcenter.db;
a postgres:// URL selects PostgreSQL.
`

// Command runs the msgcenter command line args (without the program's
// name) with its standard streams; getenv is the only way in to the
// environment. main calls it, and tests run the admin tools through it.
func Command(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr, getenv)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr, getenv)
	case "migrate":
		return runMigrate(ctx, args[1:], stdout, stderr, getenv)
	case "admin":
		if len(args) > 1 && args[1] == "create" {
			return runAdminCreate(ctx, args[2:], stdin, stdout, stderr, getenv)
		}
		if len(args) > 1 && args[1] == "password" {
			return runAdminPassword(ctx, args[2:], stdin, stdout, stderr, getenv)
		}
	case "token":
		if len(args) > 1 {
			switch args[1] {
			case "create":
				return runTokenCreate(ctx, args[2:], stdout, stderr, getenv)
			case "list":
				return runTokenList(ctx, args[2:], stdout, stderr, getenv)
			case "revoke":
				return runTokenRevoke(ctx, args[2:], stdout, stderr, getenv)
			}
		}
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// dbFlag registers --db with its environment default.
func dbFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	def := getenv("MSGCENTER_DATABASE_URL")
	if def == "" {
		def = DefaultDatabaseURL
	}
	return fs.String("db", def, "database URL: SQLite file path, or postgres://… (env MSGCENTER_DATABASE_URL)")
}

// envFloat reads a number setting from the environment, or def.
func envFloat(getenv func(string) string, name string, def float64) float64 {
	if v, err := strconv.ParseFloat(getenv(name), 64); err == nil {
		return v
	}
	return def
}

// envInt reads an integer setting from the environment, or def.
func envInt(getenv func(string) string, name string, def int) int {
	if v, err := strconv.Atoi(getenv(name)); err == nil {
		return v
	}
	return def
}

func envDuration(getenv func(string) string, name string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(getenv(name)); err == nil {
		return v
	}
	return def
}

func newLogger(w io.Writer, getenv func(string) string) *slog.Logger {
	level := slog.LevelInfo
	if getenv("MSGCENTER_LOG_LEVEL") == "debug" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs, getenv)
	addr := fs.String("addr", DefaultAddr, "address to listen on")
	publicURL := fs.String("public-url", getenv("MSGCENTER_PUBLIC_URL"), "base URL of every customer link (default http://<addr>/; env MSGCENTER_PUBLIC_URL)")
	demo := fs.Bool("demo", false, "on an empty database, create a demo admin, store and API token and print them")
	workers := fs.Int("workers", envInt(getenv, "MSGCENTER_WORKERS", 50), "messages sent at once by this process (env MSGCENTER_WORKERS)")
	maxConns := fs.Int("db-max-conns", envInt(getenv, "MSGCENTER_DB_MAX_CONNS", sqlstore.DefaultMaxConns()),
		"PostgreSQL connections this process opens at most (env MSGCENTER_DB_MAX_CONNS)")
	attempts := fs.Int("max-attempts", envInt(getenv, "MSGCENTER_MAX_ATTEMPTS", 8), "tries of one message before it fails (env MSGCENTER_MAX_ATTEMPTS)")
	retryBase := fs.Duration("retry-base", time.Second, "first retry delay, doubled per attempt with jitter")
	retryMax := fs.Duration("retry-max", 10*time.Minute, "longest retry delay")
	maxWait := fs.Duration("max-wait", envDuration(getenv, "MSGCENTER_MAX_WAIT", 24*time.Hour),
		"longest a message waits for an unavailable platform or a reconnected app before it fails (env MSGCENTER_MAX_WAIT)")
	jobTimeout := fs.Duration("job-timeout", 30*time.Second, "longest one send may take")
	rescueAfter := fs.Duration("rescue-after", time.Minute, "when a send whose process died is tried again (must exceed --job-timeout)")
	requeueAfter := fs.Duration("requeue-after", 10*time.Minute, "when a message still queued whose job is gone gets a new one")
	latency := fs.Duration("sandbox-latency", 0, "delay added to every sandbox send")
	provider := fs.String("provider", cmp.Or(getenv("MSGCENTER_PROVIDER"), "sandbox"),
		"default provider: sandbox, or qiscus with QISCUS_APP_ID, QISCUS_SECRET_KEY and QISCUS_BASE_URL (env MSGCENTER_PROVIDER)")
	qiscusRate := fs.Float64("qiscus-rate", envFloat(getenv, "QISCUS_RATE_PER_SECOND", 20),
		"requests per second to each Qiscus app, per process: with N processes set it to the app's limit ÷ N (env QISCUS_RATE_PER_SECOND)")
	qiscusHosts := fs.String("qiscus-hosts", getenv("MSGCENTER_QISCUS_HOSTS"),
		"comma-separated hosts (host or host:port) a store's Qiscus connection may name besides the public Qiscus hosts; they may be private, such as a local sandbox (env MSGCENTER_QISCUS_HOSTS)")
	role := fs.String("role", cmp.Or(getenv("MSGCENTER_ROLE"), RoleAll),
		"what this process does: all, http (answers HTTP, works no jobs) or worker (works jobs, serves only /healthz and /metrics) (env MSGCENTER_ROLE)")
	def := mchttp.DefaultLimits()
	rateSignIn := fs.String("rate-signin", cmp.Or(getenv("MSGCENTER_RATE_SIGNIN"), def.SignIn.String()),
		"sign-in attempts per client IP: N/unit[:burst], unit s, m or h; 0 disables (env MSGCENTER_RATE_SIGNIN)")
	rateWebhooks := fs.String("rate-webhooks", cmp.Or(getenv("MSGCENTER_RATE_WEBHOOKS"), def.Webhooks.String()),
		"webhook calls per client IP, N/unit[:burst]; 0 disables (env MSGCENTER_RATE_WEBHOOKS)")
	ratePublic := fs.String("rate-public", cmp.Or(getenv("MSGCENTER_RATE_PUBLIC"), def.Public.String()),
		"customer page requests per client IP, N/unit[:burst]; 0 disables (env MSGCENTER_RATE_PUBLIC)")
	trustProxy := fs.Bool("trust-proxy", getenv("MSGCENTER_TRUST_PROXY") == "true",
		"take the client IP from X-Forwarded-For when the request comes from a private or loopback address (env MSGCENTER_TRUST_PROXY=true)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	limits := mchttp.Limits{TrustProxy: *trustProxy}
	for _, l := range []struct {
		flag string
		in   *string
		out  *mchttp.Rate
	}{{"rate-signin", rateSignIn, &limits.SignIn}, {"rate-webhooks", rateWebhooks, &limits.Webhooks}, {"rate-public", ratePublic, &limits.Public}} {
		var err error
		if *l.out, err = mchttp.ParseRate(*l.in); err != nil {
			return fmt.Errorf("--%s: %w", l.flag, err)
		}
	}
	if *maxConns < 1 {
		return fmt.Errorf("--db-max-conns %d: must be at least 1", *maxConns)
	}
	if *role != RoleAll && *role != RoleHTTP && *role != RoleWorker {
		return fmt.Errorf("--role %q: must be all, http or worker", *role)
	}
	var key []byte
	if v := getenv("MSGCENTER_SECRET_KEY"); v != "" {
		var err error
		if key, err = sqlstore.ParseSecretKey(v); err != nil {
			return fmt.Errorf("MSGCENTER_SECRET_KEY: %w", err)
		}
	}
	switch *provider {
	case "sandbox":
	case "qiscus":
		for _, name := range []string{"QISCUS_APP_ID", "QISCUS_SECRET_KEY"} {
			if getenv(name) == "" {
				return fmt.Errorf("--provider qiscus needs %s in the environment", name)
			}
		}
	default:
		return fmt.Errorf("--provider %q: must be sandbox or qiscus", *provider)
	}
	m := NewMain()
	m.Config.DatabaseURL = *db
	m.Config.Addr = *addr
	m.Config.PublicURL = *publicURL
	m.Config.Demo = *demo
	m.Config.Logger = newLogger(stderr, getenv)
	m.Config.Stdout = stdout
	m.Config.SandboxLatency = *latency
	m.Config.Role = *role
	m.Config.DBMaxConns = *maxConns
	m.Config.QiscusRate = *qiscusRate
	for _, h := range strings.Split(*qiscusHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			m.Config.QiscusHosts = append(m.Config.QiscusHosts, h)
		}
	}
	m.Config.Limits = limits
	m.Config.Provider, m.Config.SecretKey = *provider, key
	m.Config.QiscusAppID, m.Config.QiscusSecret = getenv("QISCUS_APP_ID"), getenv("QISCUS_SECRET_KEY")
	m.Config.QiscusBaseURL = cmp.Or(getenv("QISCUS_BASE_URL"), "https://multichannel.qiscus.com")
	m.Config.Delivery = DeliveryConfig{Work: true, MaxWorkers: *workers, MaxAttempts: *attempts, RetryBase: *retryBase,
		RetryMax: *retryMax, MaxWait: *maxWait, JobTimeout: *jobTimeout, RescueAfter: *rescueAfter, RequeueAfter: *requeueAfter}
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	m.Config.Logger.Info("shutting down")
	return m.Close()
}

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := openDB(ctx, *db, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}

func runAdminCreate(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs, getenv)
	email := fs.String("email", "", "the admin's email")
	pw := passwordFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	password, err := pw.read(stdin)
	if err != nil {
		return err
	}
	d, err := openDB(ctx, *db, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	u, err := newServices(d).users.CreateUser(ctx, *email, password)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "admin %s created (id %d)\n", u.Email, u.ID)
	return nil
}

func runTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := dbFlag(fs, getenv)
	email := fs.String("email", "", "the admin the token acts for")
	name := fs.String("name", "cli", "a name to recognise the token by")
	if err := fs.Parse(args); err != nil {
		return err
	}
	d, err := openDB(ctx, *db, sqlstore.Options{})
	if err != nil {
		return err
	}
	defer d.Close()
	svc := newServices(d)
	u, err := svc.users.FindUserByEmail(ctx, *email)
	if err != nil {
		return describe(err)
	}
	token, err := svc.users.CreateAPIToken(ctx, u.ID, *name)
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(stdout, token)
	return nil
}
