package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
	mchttp "github.com/qiscus/msgcenter/http"
	"github.com/qiscus/msgcenter/render"
	"github.com/qiscus/msgcenter/sqlstore"
)

// envBinding ties a flag to the environment variable that sets it when the
// command line does not; secret ones may also be read from VAR_FILE.
type envBinding struct {
	flag, env string
	secret    bool
}

// envSources records where each setting came from, so an error names what
// the operator wrote: "--workers" or "MSGCENTER_WORKERS".
type envSources map[string]string

// name returns how the operator set flag: its variable or the flag itself.
func (s envSources) name(flag string) string {
	if v, ok := s[flag]; ok {
		return v
	}
	return "--" + flag
}

// applyEnv sets every bound flag that the command line left alone from its
// environment variable (or, for secrets, VAR_FILE). A value the flag does
// not accept refuses to start, naming the variable; a secret's value is
// never repeated in the error.
func applyEnv(fs *flag.FlagSet, bindings []envBinding, getenv func(string) string) (envSources, error) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	src := envSources{}
	for _, b := range bindings {
		if fs.Lookup(b.flag) == nil {
			return nil, fmt.Errorf("internal: no flag --%s for %s", b.flag, b.env)
		}
		v, name, ok, err := lookupEnv(getenv, b.env, b.secret)
		if err != nil {
			return nil, err
		}
		if !ok || given[b.flag] {
			continue
		}
		if err := fs.Set(b.flag, v); err != nil {
			if b.secret {
				return nil, fmt.Errorf("%s: invalid value: %v", name, err)
			}
			return nil, fmt.Errorf("%s=%q: invalid value: %v", name, v, err)
		}
		src[b.flag] = name
	}
	return src, nil
}

// lookupEnv reads name, or for a secret name_FILE (its contents without the
// trailing new line). It reports which variable held the value.
func lookupEnv(getenv func(string) string, name string, secret bool) (value, from string, ok bool, err error) {
	v := getenv(name)
	if secret {
		if path := getenv(name + "_FILE"); path != "" {
			if v != "" {
				return "", "", false, fmt.Errorf("%s and %s_FILE are both set: use one", name, name)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return "", "", false, fmt.Errorf("%s_FILE: %w", name, err)
			}
			v = strings.TrimRight(string(b), "\r\n")
			if v == "" {
				return "", "", false, fmt.Errorf("%s_FILE: %s is empty", name, path)
			}
			return v, name + "_FILE", true, nil
		}
	}
	return v, name, v != "", nil
}

// serveBindings are the environment variables of serve's flags.
var serveBindings = []envBinding{
	{"db", "MSGCENTER_DATABASE_URL", true},
	{"addr", "MSGCENTER_ADDR", false},
	{"public-url", "MSGCENTER_PUBLIC_URL", false},
	{"demo", "MSGCENTER_DEMO", false},
	{"workers", "MSGCENTER_WORKERS", false},
	{"db-max-conns", "MSGCENTER_DB_MAX_CONNS", false},
	{"max-attempts", "MSGCENTER_MAX_ATTEMPTS", false},
	{"retry-base", "MSGCENTER_RETRY_BASE", false},
	{"retry-max", "MSGCENTER_RETRY_MAX", false},
	{"max-wait", "MSGCENTER_MAX_WAIT", false},
	{"job-timeout", "MSGCENTER_JOB_TIMEOUT", false},
	{"rescue-after", "MSGCENTER_RESCUE_AFTER", false},
	{"requeue-after", "MSGCENTER_REQUEUE_AFTER", false},
	{"sandbox-latency", "MSGCENTER_SANDBOX_LATENCY", false},
	{"provider", "MSGCENTER_PROVIDER", false},
	{"qiscus-app-id", "QISCUS_APP_ID", false},
	{"qiscus-base-url", "QISCUS_BASE_URL", false},
	{"qiscus-rate", "QISCUS_RATE_PER_SECOND", false},
	{"qiscus-hosts", "MSGCENTER_QISCUS_HOSTS", false},
	{"cta-base-urls", "MSGCENTER_CTA_BASE_URLS", false},
	{"role", "MSGCENTER_ROLE", false},
	{"rate-signin", "MSGCENTER_RATE_SIGNIN", false},
	{"rate-webhooks", "MSGCENTER_RATE_WEBHOOKS", false},
	{"rate-public", "MSGCENTER_RATE_PUBLIC", false},
	{"trust-proxy", "MSGCENTER_TRUST_PROXY", false},
	{"log-level", "MSGCENTER_LOG_LEVEL", false},
	{"log-format", "MSGCENTER_LOG_FORMAT", false},
	{"metrics-addr", "MSGCENTER_METRICS_ADDR", false},
	{"admin-email", "MSGCENTER_ADMIN_EMAIL", false},
}

// serveSecrets are settings only the environment gives (VAR or VAR_FILE),
// so they never show in the process list.
var serveSecrets = []string{"MSGCENTER_SECRET_KEY", "QISCUS_SECRET_KEY", "MSGCENTER_METRICS_TOKEN", "MSGCENTER_ADMIN_PASSWORD"}

// serveFlags are serve's settings as parsed.
type serveFlags struct {
	db, addr, publicURL, provider, role         string
	qiscusAppID, qiscusBaseURL, qiscusHosts     string
	ctaBaseURLs                                 string
	rateSignIn, rateWebhooks, ratePublic        string
	logLevel, logFormat, metricsAddr, adminMail string
	demo, trustProxy                            bool
	workers, maxConns, attempts                 int
	qiscusRate                                  float64
	retryBase, retryMax, jobTimeout, maxWait    time.Duration
	rescueAfter, requeueAfter, latency          time.Duration
}

// newServeFlags registers serve's flags with their defaults.
func newServeFlags(stderr io.Writer) (*flag.FlagSet, *serveFlags) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &serveFlags{}
	def := mchttp.DefaultLimits()
	fs.StringVar(&f.db, "db", DefaultDatabaseURL, "database URL: SQLite file path, or postgres://…")
	fs.StringVar(&f.addr, "addr", DefaultAddr, "address to listen on")
	fs.StringVar(&f.publicURL, "public-url", "", "base URL of every customer link (default http://<addr>/)")
	fs.BoolVar(&f.demo, "demo", false, "on an empty database, create a demo admin, store and API token and print them")
	fs.IntVar(&f.workers, "workers", 50, "messages sent at once by this process")
	fs.IntVar(&f.maxConns, "db-max-conns", sqlstore.DefaultMaxConns(), "PostgreSQL connections this process opens at most")
	fs.IntVar(&f.attempts, "max-attempts", 8, "tries of one message before it fails")
	fs.DurationVar(&f.retryBase, "retry-base", time.Second, "first retry delay, doubled per attempt with jitter")
	fs.DurationVar(&f.retryMax, "retry-max", 10*time.Minute, "longest retry delay")
	fs.DurationVar(&f.maxWait, "max-wait", 24*time.Hour, "longest a message waits for an unavailable platform or a reconnected app before it fails")
	fs.DurationVar(&f.jobTimeout, "job-timeout", 30*time.Second, "longest one send may take")
	fs.DurationVar(&f.rescueAfter, "rescue-after", time.Minute, "when a send whose process died is tried again (must exceed --job-timeout)")
	fs.DurationVar(&f.requeueAfter, "requeue-after", 10*time.Minute, "when a message still queued whose job is gone gets a new one")
	fs.DurationVar(&f.latency, "sandbox-latency", 0, "delay added to every sandbox send")
	fs.StringVar(&f.provider, "provider", "sandbox", "default provider: sandbox, or qiscus with --qiscus-app-id and QISCUS_SECRET_KEY")
	fs.StringVar(&f.qiscusAppID, "qiscus-app-id", "", "the deployment's Qiscus app (with --provider qiscus)")
	fs.StringVar(&f.qiscusBaseURL, "qiscus-base-url", "https://multichannel.qiscus.com", "the Qiscus API")
	fs.Float64Var(&f.qiscusRate, "qiscus-rate", 20, "requests per second to each Qiscus app, per process: with N processes set it to the app's limit ÷ N")
	fs.StringVar(&f.qiscusHosts, "qiscus-hosts", "", "comma-separated hosts (host or host:port) a store's Qiscus connection may name besides the public Qiscus hosts; they may be private, such as a local sandbox")
	fs.StringVar(&f.ctaBaseURLs, "cta-base-urls", "", "comma-separated base URLs a WhatsApp fallback template's CTA button may have (default: the public URL and "+render.SpecCTABase+")")
	fs.StringVar(&f.role, "role", RoleAll, "what this process does: all, http (answers HTTP, works no jobs) or worker (works jobs, serves only /healthz and /metrics)")
	fs.StringVar(&f.rateSignIn, "rate-signin", def.SignIn.String(), "sign-in attempts per client IP: N/unit[:burst], unit s, m or h; 0 disables")
	fs.StringVar(&f.rateWebhooks, "rate-webhooks", def.Webhooks.String(), "webhook calls per client IP, N/unit[:burst]; 0 disables")
	fs.StringVar(&f.ratePublic, "rate-public", def.Public.String(), "customer page requests per client IP, N/unit[:burst]; 0 disables")
	fs.BoolVar(&f.trustProxy, "trust-proxy", false, "take the client IP from X-Forwarded-For when the request comes from a private or loopback address")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&f.logFormat, "log-format", "text", "text or json")
	fs.StringVar(&f.metricsAddr, "metrics-addr", "", "serve /metrics on this address of its own instead of --addr (then without a token)")
	fs.StringVar(&f.adminMail, "admin-email", "", "on a database without users, create this admin with MSGCENTER_ADMIN_PASSWORD and print an API token")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: msgcenter serve [flags]\n\nEvery flag can be set by its environment variable; the command line wins.")
		fs.PrintDefaults()
		fmt.Fprintln(stderr, "\nEnvironment:")
		for _, b := range serveBindings {
			fmt.Fprintf(stderr, "  %-26s --%s\n", b.env, b.flag)
		}
		fmt.Fprintf(stderr, "  secrets, each also as VAR_FILE: %s (and MSGCENTER_DATABASE_URL)\n", strings.Join(serveSecrets, ", "))
	}
	return fs, f
}

// parseServe reads serve's command line and environment into a Config,
// refusing a bad value with the name of the flag or variable that held it.
func parseServe(args []string, stdout, stderr io.Writer, getenv func(string) string) (Config, error) {
	fs, f := newServeFlags(stderr)
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("serve: unexpected argument %q", fs.Arg(0))
	}
	src, err := applyEnv(fs, serveBindings, getenv)
	if err != nil {
		return Config{}, err
	}
	secrets := map[string]string{}
	for _, name := range serveSecrets {
		v, _, _, err := lookupEnv(getenv, name, true)
		if err != nil {
			return Config{}, err
		}
		secrets[name] = v
	}
	c := Config{DatabaseURL: f.db, Addr: f.addr, PublicURL: f.publicURL, Demo: f.demo, Stdout: stdout,
		SandboxLatency: f.latency, Role: f.role, DBMaxConns: f.maxConns, QiscusRate: f.qiscusRate,
		Provider: f.provider, QiscusAppID: f.qiscusAppID, QiscusSecret: secrets["QISCUS_SECRET_KEY"],
		QiscusBaseURL: f.qiscusBaseURL, MetricsAddr: f.metricsAddr, MetricsToken: secrets["MSGCENTER_METRICS_TOKEN"],
		AdminEmail: f.adminMail, AdminPassword: secrets["MSGCENTER_ADMIN_PASSWORD"],
		Delivery: DeliveryConfig{Work: true, MaxWorkers: f.workers, MaxAttempts: f.attempts, RetryBase: f.retryBase,
			RetryMax: f.retryMax, MaxWait: f.maxWait, JobTimeout: f.jobTimeout, RescueAfter: f.rescueAfter, RequeueAfter: f.requeueAfter}}
	if err := f.check(src, &c); err != nil {
		return Config{}, err
	}
	c.Logger = newLogger(stderr, f.logLevel, f.logFormat)
	if v := secrets["MSGCENTER_SECRET_KEY"]; v != "" {
		if c.SecretKey, err = sqlstore.ParseSecretKey(v); err != nil {
			return Config{}, fmt.Errorf("MSGCENTER_SECRET_KEY: %w", err)
		}
	}
	for _, h := range strings.Split(f.qiscusHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			c.QiscusHosts = append(c.QiscusHosts, h)
		}
	}
	if c.CTABaseURLs, err = parseCTABaseURLs(f.ctaBaseURLs); err != nil {
		return Config{}, fmt.Errorf("%s %w", src.name("cta-base-urls"), err)
	}
	c.Limits = mchttp.Limits{TrustProxy: f.trustProxy}
	for _, l := range []struct {
		flag string
		in   string
		out  *mchttp.Rate
	}{{"rate-signin", f.rateSignIn, &c.Limits.SignIn}, {"rate-webhooks", f.rateWebhooks, &c.Limits.Webhooks}, {"rate-public", f.ratePublic, &c.Limits.Public}} {
		if *l.out, err = mchttp.ParseRate(l.in); err != nil {
			return Config{}, fmt.Errorf("%s: %w", src.name(l.flag), err)
		}
	}
	return c, nil
}

// parseCTABaseURLs reads --cta-base-urls: comma-separated absolute http(s)
// URLs, each given a trailing slash; "" keeps the default (nil).
func parseCTABaseURLs(list string) ([]string, error) {
	var out []string
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("%q: each base must be an absolute http(s) URL without query, such as %s", s, render.SpecCTABase)
		}
		out = append(out, msgcenter.PublicBase(u.String()))
	}
	return out, nil
}

// check refuses settings that parse but make no sense, naming their source.
func (f *serveFlags) check(src envSources, c *Config) error {
	bad := func(flag string, format string, a ...any) error {
		return fmt.Errorf("%s %s", src.name(flag), fmt.Sprintf(format, a...))
	}
	for _, n := range []struct {
		flag string
		v    int
	}{{"workers", f.workers}, {"db-max-conns", f.maxConns}, {"max-attempts", f.attempts}} {
		if n.v < 1 {
			return bad(n.flag, "%d: must be at least 1", n.v)
		}
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
	}{{"retry-base", f.retryBase}, {"retry-max", f.retryMax}, {"max-wait", f.maxWait}, {"job-timeout", f.jobTimeout}, {"rescue-after", f.rescueAfter}, {"requeue-after", f.requeueAfter}} {
		if d.v <= 0 {
			return bad(d.flag, "%v: must be positive", d.v)
		}
	}
	switch {
	case f.latency < 0:
		return bad("sandbox-latency", "%v: must not be negative", f.latency)
	case f.retryMax < f.retryBase:
		return bad("retry-max", "%v: must be at least --retry-base (%v)", f.retryMax, f.retryBase)
	case f.rescueAfter <= f.jobTimeout:
		return bad("rescue-after", "%v: must exceed --job-timeout (%v)", f.rescueAfter, f.jobTimeout)
	case f.qiscusRate <= 0:
		return bad("qiscus-rate", "%v: must be positive", f.qiscusRate)
	case f.role != RoleAll && f.role != RoleHTTP && f.role != RoleWorker:
		return bad("role", "%q: must be all, http or worker", f.role)
	case f.provider != "sandbox" && f.provider != "qiscus":
		return bad("provider", "%q: must be sandbox or qiscus", f.provider)
	case f.provider == "qiscus" && (c.QiscusAppID == "" || c.QiscusSecret == ""):
		return bad("provider", "qiscus needs --qiscus-app-id (QISCUS_APP_ID) and QISCUS_SECRET_KEY")
	case f.adminMail != "" && c.AdminPassword == "":
		return bad("admin-email", "needs MSGCENTER_ADMIN_PASSWORD or MSGCENTER_ADMIN_PASSWORD_FILE")
	}
	if f.publicURL != "" {
		if _, err := parsePublicURL(f.publicURL); err != nil {
			return bad("public-url", "%q: must be an absolute http(s) URL such as https://shop.example.com/", f.publicURL)
		}
	}
	if _, err := parseLevel(f.logLevel); err != nil {
		return bad("log-level", "%q: must be debug, info, warn or error", f.logLevel)
	}
	if f.logFormat != "text" && f.logFormat != "json" {
		return bad("log-format", "%q: must be text or json", f.logFormat)
	}
	return nil
}

// parseLevel reads a log level: debug, info, warn or error.
func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil || strings.ContainsAny(s, "+-") {
		return 0, fmt.Errorf("unknown log level %q", s)
	}
	return l, nil
}

// newLogger builds the process's logger; level and format are checked.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	l, _ := parseLevel(level)
	opts := &slog.HandlerOptions{Level: l}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
