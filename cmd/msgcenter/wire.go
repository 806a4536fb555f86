package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/delivery"
	mchttp "github.com/qiscus/msgcenter/http"
	"github.com/qiscus/msgcenter/internal/netguard"
	"github.com/qiscus/msgcenter/provider/qiscus"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore"
)

// The roles of a serve process: answer HTTP, work jobs, or both.
const (
	RoleAll    = "all"
	RoleHTTP   = "http"
	RoleWorker = "worker"
)

// Defaults of the embedded set-up.
const (
	DefaultDatabaseURL = "./msgcenter.db"
	DefaultAddr        = "127.0.0.1:8080"
)

// Config is everything Main needs; main fills it from flags and the environment.
type Config struct {
	DatabaseURL string
	Addr        string
	PublicURL   string
	Demo        bool
	Logger      *slog.Logger
	Stdout      io.Writer
	Now         func() time.Time

	// DBMaxConns bounds the PostgreSQL connections of the process; 0 keeps
	// sqlstore.DefaultMaxConns.
	DBMaxConns int

	// Role says what this process does: RoleAll (default), RoleHTTP or RoleWorker.
	Role string

	// Delivery tunes the workers; zero values take the delivery package's defaults.
	Delivery DeliveryConfig
	// SandboxLatency is added to every sandbox send (a demo of slow providers).
	SandboxLatency time.Duration

	// Provider is the default provider of stores without their own
	// connection: "sandbox" (default) or "qiscus" with the Qiscus fields.
	Provider                                 string
	QiscusAppID, QiscusSecret, QiscusBaseURL string
	// QiscusHosts are hosts (or host:port) a store's Qiscus connection may
	// name besides the public Qiscus API hosts; they may be private (the
	// local sandbox).
	QiscusHosts []string
	// CTABaseURLs are the base URLs a WhatsApp fallback template's CTA
	// button may have (--cta-base-urls); empty accepts the public URL and
	// https://shop.qiscus.com/.
	CTABaseURLs []string
	// QiscusRate is each Qiscus app's request rate from this process.
	QiscusRate float64
	// QiscusBreakerCooldown is how long a Qiscus app's circuit breaker stays
	// open (qiscus.DefaultBreakerCooldown when zero).
	QiscusBreakerCooldown time.Duration
	// SecretKey encrypts stores' provider credentials (32 bytes); without
	// it stores cannot connect their own apps.
	SecretKey []byte

	// Limits are the HTTP rate limits per client address; the zero value
	// limits nothing, serve's flags default to mchttp.DefaultLimits.
	Limits mchttp.Limits

	// MetricsAddr serves /metrics on an address of its own; else
	// MetricsToken serves it on Addr to requests bearing the token; with
	// neither it is not served.
	MetricsAddr, MetricsToken string

	// AdminEmail and AdminPassword create the first admin on a database
	// without users, and print an API token for it once.
	AdminEmail, AdminPassword string
}

// DeliveryConfig holds the worker settings of serve.
type DeliveryConfig struct {
	Work                             bool
	MaxWorkers, MaxAttempts          int
	RetryBase, RetryMax              time.Duration
	MaxWait, ParkRecheck             time.Duration
	JobTimeout, RescueAfter          time.Duration
	FetchCooldown, FetchPollInterval time.Duration
	SweepInterval                    time.Duration
	RequeueInterval, RequeueAfter    time.Duration
	// Workers adds job kinds of the program's own (delivery.Config.Workers).
	Workers func(*river.Workers)
}

// Main is the whole program, so end-to-end tests can start it on ":0".
type Main struct {
	Config   Config
	DB       *sqlstore.DB
	HTTP     *mchttp.Server
	Sandbox  *sandbox.Provider
	Delivery *delivery.Service
	Registry *prometheus.Registry

	jobMetrics     *jobMetrics
	stopJobMetrics func()
	// local gives stores without an app of their own their sandbox app;
	// nil when the default provider is a real Qiscus app.
	local *localQiscus
}

// NewMain returns a Main with the embedded defaults.
func NewMain() *Main {
	return &Main{Config: Config{
		DatabaseURL: DefaultDatabaseURL,
		Addr:        DefaultAddr,
		Logger:      slog.Default(),
		Stdout:      io.Discard,
		Delivery:    DeliveryConfig{Work: true},
	}}
}

type services struct {
	users      msgcenter.UserService
	stores     msgcenter.StoreService
	messages   msgcenter.MessageConfigService
	commerce   msgcenter.CommerceService
	orders     msgcenter.OrderFlowService
	deliveries *sqlstore.DeliveryService
}

func newServices(db *sqlstore.DB) services {
	return services{
		users:      sqlstore.NewUserService(db),
		stores:     sqlstore.NewStoreService(db),
		messages:   sqlstore.NewMessageConfigService(db),
		commerce:   sqlstore.NewCommerceService(db),
		orders:     sqlstore.NewOrderFlowService(db),
		deliveries: sqlstore.NewDeliveryService(db),
	}
}

func openDB(ctx context.Context, dsn string, opts sqlstore.Options) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, dsn, opts)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

// Run opens the database, applies migrations and starts serving. It returns
// once the service is up; Close stops it.
func (m *Main) Run(ctx context.Context) error {
	c := &m.Config
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Stdout == nil {
		c.Stdout = io.Discard
	}
	m.Registry = prometheus.NewRegistry()
	m.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := delivery.NewMetrics(m.Registry)
	db, err := m.openStore(ctx, metrics)
	if err != nil {
		return err
	}
	if c.DBMaxConns > 0 {
		db.SetMaxConns(c.DBMaxConns)
	}
	if c.Now != nil {
		db.Now = c.Now
	}
	m.DB = db
	svc := newServices(db)
	now := c.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	m.jobMetrics = newJobMetrics(m.Registry)
	m.Registry.MustRegister(newJobQueue(db.SQLRead(), m.jobMetrics))
	registerDBStats(m.Registry, db.SQL(), db.SQLRead())
	m.Sandbox = sandbox.New(db.SQL(), now)
	m.Sandbox.SetLatency(c.SandboxLatency)
	integrations, err := sqlstore.NewIntegrationService(db, c.SecretKey)
	if err != nil {
		return err
	}
	// A store without an app of its own sends through its app on the
	// sandbox's local Qiscus (this process, over HTTP), or through the
	// deployment's own Qiscus app.
	var (
		fallback  msgcenter.FullProvider
		storeApps msgcenter.IntegrationService = integrations
		local     *localQiscus
	)
	if c.Provider == "qiscus" {
		fallback = qiscus.New(qiscus.Config{AppID: c.QiscusAppID, SecretKey: qiscus.Secret(c.QiscusSecret), BaseURL: c.QiscusBaseURL,
			Channels: svc.commerce, Now: now, RatePerSecond: c.QiscusRate, BreakerCooldown: c.QiscusBreakerCooldown})
	} else {
		local = &localQiscus{IntegrationService: integrations, sb: m.Sandbox, self: func() string { return m.HTTP.URL() }}
		storeApps = local
		m.Sandbox.SetConnect(func(ctx context.Context, storeID int64) error {
			_, err := local.app(ctx, storeID)
			return err
		})
	}
	// Stores' own apps are called through the outbound policy, checked again
	// at every dial; the deployment's own app is the operator's choice.
	qiscusPolicy := &netguard.Policy{Hosts: append(msgcenter.PublicQiscusHosts(), c.QiscusHosts...), Trusted: c.QiscusHosts}
	resolver := qiscus.NewResolver(storeApps, fallback, qiscus.Config{Channels: svc.commerce, Now: now, RatePerSecond: c.QiscusRate,
		HTTPClient: qiscusPolicy.Client(0), BreakerCooldown: c.QiscusBreakerCooldown})
	if local != nil {
		resolver.Configure = local.configure
	}
	providers := &measuredProviders{local: local, m: newProviderMetrics(m.Registry), Providers: resolver}
	m.local = local
	if err := m.newHTTP(svc, providers, storeApps, qiscusPolicy); err != nil {
		return err
	}
	// Bind first: the default public URL is the address we get, which the
	// workers' links need. Serve only once the workers are set up.
	if err := m.HTTP.Listen(); err != nil {
		return fmt.Errorf("listen on %s: %w", c.Addr, err)
	}
	// The local Qiscus posts its webhooks to this process's own listener
	// only, never to a host a store names.
	m.Sandbox.SetSelf(m.HTTP.URL, nil)

	if err := m.startDelivery(ctx, svc, providers, metrics); err != nil {
		return err
	}
	m.HTTP.Serve()
	c.Logger.Info("msgcenter serving", slog.String("addr", m.HTTP.URL()), slog.String("public_url", m.HTTP.PublicURL.String()),
		slog.String("database", db.Engine()), slog.String("version", versionString()))
	if m.HTTP.MetricsURL() == "" && c.MetricsToken == "" {
		c.Logger.Info("/metrics is off: set --metrics-addr or MSGCENTER_METRICS_TOKEN")
	}
	if c.AdminEmail != "" {
		if err := m.seedAdmin(ctx, svc); err != nil {
			return fmt.Errorf("first admin: %w", err)
		}
	}
	if c.Demo {
		if err := m.seedDemo(ctx, svc); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	return nil
}

// mainReceipts applies status webhooks through the delivery service, which
// is built after the HTTP server but before it serves.
type mainReceipts struct{ m *Main }

// ApplyReceipts implements mchttp.ReceiptApplier.
func (r mainReceipts) ApplyReceipts(ctx context.Context, storeID int64, receipts []msgcenter.DeliveryReceipt) (int, error) {
	return r.m.Delivery.ApplyReceipts(ctx, storeID, receipts)
}

// newHTTP builds the HTTP server.
func (m *Main) newHTTP(svc services, providers msgcenter.Providers, integrations msgcenter.IntegrationService, qiscusPolicy *netguard.Policy) error {
	c, db := &m.Config, m.DB
	var public *url.URL
	if c.PublicURL != "" {
		var err error
		if public, err = parsePublicURL(c.PublicURL); err != nil {
			return err
		}
	}
	// The custom button's URL is on the public base URL, known once the
	// server listens; the service asks for it only when it needs it.
	buttons := sqlstore.NewCustomButtonService(db,
		func(ctx context.Context, storeID int64) (msgcenter.ButtonProvider, error) {
			// A real platform has no API for custom buttons (its admin adds
			// them by hand); the local Qiscus's own settings take them.
			if m.local != nil {
				if local, err := m.local.local(ctx, storeID); err != nil {
					return nil, err
				} else if local {
					return m.Sandbox, nil
				}
			}
			return providers.ProviderFor(ctx, storeID)
		},
		func() string { return m.HTTP.PublicURL.String() })
	buttons.Logger = c.Logger
	var err error
	m.HTTP, err = mchttp.NewServer(mchttp.Config{
		Addr:          c.Addr,
		PublicURL:     public,
		CTABaseURLs:   c.CTABaseURLs,
		Logger:        c.Logger,
		Now:           c.Now,
		Limits:        c.Limits,
		Users:         svc.users,
		Stores:        svc.stores,
		Messages:      svc.messages,
		Commerce:      svc.commerce,
		Orders:        svc.orders,
		Deliveries:    svc.deliveries,
		Providers:     providers,
		Integrations:  integrations,
		QiscusPolicy:  qiscusPolicy,
		Idempotency:   sqlstore.NewIdempotencyService(db),
		CustomButtons: buttons,
		Microsite:     buttons,
		Receipts:      mainReceipts{m},
		ParseStatuses: qiscus.ParseStatusWebhook,
		Metrics:       promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}),
		Registry:      m.Registry,
		MetricsAddr:   c.MetricsAddr,
		MetricsToken:  c.MetricsToken,
		// The sandbox shows each signed-in admin the rooms of their stores only.
		SandboxAPI: m.Sandbox.API(),
		Sandbox: m.Sandbox.Handler(sandbox.HandlerConfig{
			StoreIDs: func(r *http.Request) ([]int64, error) { return m.HTTP.VisibleStoreIDs(r) },
		}),
		Checks: map[string]func(context.Context) error{
			"database": db.Ping,
			"jobs":     func(ctx context.Context) error { return m.Delivery.Check(ctx) },
		},
		HealthOnly: c.Role == RoleWorker,
	})
	return err
}

// openStore opens the database of the configuration. The store inserts the
// jobs of the messages it raises in its own transactions, through a River
// client on its handle.
func (m *Main) openStore(ctx context.Context, metrics *delivery.Metrics) (*sqlstore.DB, error) {
	c := &m.Config
	return openDB(ctx, c.DatabaseURL, sqlstore.Options{
		Jobs: func(ctx context.Context, h *sql.DB, engine string) (sqlstore.Enqueuer, error) {
			return delivery.NewJobs(ctx, delivery.Config{SQL: h, Engine: engine, Logger: c.Logger, Metrics: metrics,
				FetchCooldown: c.Delivery.FetchCooldown})
		},
	})
}

// startDelivery builds the delivery service on the store and starts its
// workers when this process works jobs.
func (m *Main) startDelivery(ctx context.Context, svc services, providers msgcenter.Providers, metrics *delivery.Metrics) error {
	c, dc, db := &m.Config, m.Config.Delivery, m.DB
	dcfg := delivery.Config{
		SQL: db.SQL(), Engine: db.Engine(), DatabaseURL: c.DatabaseURL, Workers: dc.Workers,
		Store: svc.deliveries, Commerce: svc.commerce, Flow: svc.orders, Providers: providers,
		PublicURL: m.HTTP.PublicURL.String(), CTABaseURLs: c.CTABaseURLs, Now: c.Now, Logger: c.Logger, Metrics: metrics,
		Work: dc.Work && c.Role != RoleHTTP, MaxWorkers: dc.MaxWorkers, MaxAttempts: dc.MaxAttempts, RetryBase: dc.RetryBase, RetryMax: dc.RetryMax,
		MaxWait: dc.MaxWait, ParkRecheck: dc.ParkRecheck,
		JobTimeout: dc.JobTimeout, RescueAfter: dc.RescueAfter, FetchCooldown: dc.FetchCooldown,
		FetchPollInterval: dc.FetchPollInterval, SweepInterval: dc.SweepInterval,
		RequeueInterval: dc.RequeueInterval, RequeueAfter: dc.RequeueAfter,
	}
	var err error
	if m.Delivery, err = delivery.New(ctx, dcfg); err != nil {
		return err
	}
	m.Delivery.RegisterQueueDepth(m.Registry)
	if dcfg.Work {
		m.stopJobMetrics = m.jobMetrics.follow(m.Delivery)
	}
	if err := m.Delivery.Start(ctx); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	return nil
}

// Close stops the HTTP server, letting requests in flight finish, then the
// workers, letting sends in flight finish, then the database.
func (m *Main) Close() error {
	var errs []error
	if m.HTTP != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		errs = append(errs, m.HTTP.Close(ctx))
		cancel()
	}
	if m.Delivery != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		errs = append(errs, m.Delivery.Stop(ctx))
		cancel()
	}
	if m.stopJobMetrics != nil {
		m.stopJobMetrics()
		m.stopJobMetrics = nil
	}
	if m.DB != nil {
		errs = append(errs, m.DB.Close())
	}
	return errors.Join(errs...)
}

// parsePublicURL checks the base of customer links and gives it a trailing slash.
func parsePublicURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--public-url %q: must be an absolute http(s) URL such as https://shop.example.com/", s)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	return u, nil
}

// describe turns a domain error into a readable CLI error.
func describe(err error) error {
	if f := msgcenter.ErrorFields(err); len(f) > 0 {
		parts := make([]string, 0, len(f))
		for k, v := range f {
			parts = append(parts, k+" "+v)
		}
		sort.Strings(parts)
		return fmt.Errorf("%s (%s)", msgcenter.ErrorMessage(err), strings.Join(parts, "; "))
	}
	return errors.New(msgcenter.ErrorMessage(err))
}
