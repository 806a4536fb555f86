// Package http serves msgcenter over HTTP: the JSON API, the admin pages,
// the customer pages and the omnichannel webhooks.
package http

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/internal/netguard"
)

// DefaultMaxBodyBytes bounds every request body unless Config says otherwise.
const DefaultMaxBodyBytes = 1 << 20

// Config holds what the server needs; cmd fills it.
type Config struct {
	Addr         string
	PublicURL    *url.URL
	Logger       *slog.Logger
	Now          func() time.Time
	MaxBodyBytes int64
	// Limits are the per-client rate limits of sign-in, webhooks and
	// customer pages; the zero value limits nothing (serve sets defaults).
	Limits Limits
	// CTABaseURLs are the base URLs a WhatsApp fallback template's CTA
	// button may have; empty accepts the public URL and
	// render.SpecCTABase (render.CTABases).
	CTABaseURLs []string

	Users    msgcenter.UserService
	Stores   msgcenter.StoreService
	Messages msgcenter.MessageConfigService
	// Commerce, Orders and Deliveries serve the order flow; nil until wired.
	Commerce   msgcenter.CommerceService
	Orders     msgcenter.OrderFlowService
	Deliveries msgcenter.DeliveryService
	// Providers resolves each store's omnichannel provider.
	Providers msgcenter.Providers
	// Integrations stores each store's connection to its own omnichannel
	// app; nil leaves the integration API and the inbound webhook out.
	Integrations msgcenter.IntegrationService
	// QiscusPolicy is where a store's Qiscus connection may point: its
	// Hosts are the Qiscus API hosts the deployment allows. Nil checks
	// nothing (tests that connect to a local server).
	QiscusPolicy *netguard.Policy
	// Idempotency keeps the answers of creating requests by their
	// Idempotency-Key; nil answers every request anew.
	Idempotency msgcenter.IdempotencyService
	// CustomButtons and Microsite serve Share Microsite URL: the custom
	// button, its webhook, and the microsite with its checkout.
	CustomButtons msgcenter.CustomButtonService
	Microsite     msgcenter.MicrositeService
	// Receipts applies the platform's WhatsApp status webhook, whose body
	// ParseStatuses reads; either nil leaves the webhook out.
	Receipts      ReceiptApplier
	ParseStatuses func(body []byte) ([]msgcenter.DeliveryReceipt, error)

	// Metrics serves /metrics (Prometheus); Sandbox serves /sandbox, the
	// simulated omnichannel's pages. Nil leaves the route out.
	Metrics http.Handler
	Sandbox http.Handler
	// MetricsAddr, when set, serves /metrics on a listener of its own and
	// not on Addr; else MetricsToken, when set, serves it on Addr to
	// requests bearing it. With neither, /metrics is not served.
	MetricsAddr, MetricsToken string
	// Registry receives the HTTP series (requests by route pattern and
	// status, latency); nil records none.
	Registry prometheus.Registerer

	// Checks are the dependencies /healthz reports, by name; a nil error
	// means up.
	Checks map[string]func(ctx context.Context) error
	// HealthOnly serves /healthz and /metrics and nothing else: a process
	// that only works jobs.
	HealthOnly bool
}

// Server is the HTTP server of msgcenter.
type Server struct {
	Config
	mux      *http.ServeMux
	patterns []string
	server   *http.Server
	ln       net.Listener
	pages    *pages
	csrf     *http.CrossOriginProtection
	limiters *limiters
	metrics  *httpMetrics
	// metricsServer serves /metrics on MetricsAddr.
	metricsServer *http.Server
	metricsLn     net.Listener
}

// NewServer builds the server, parses its pages and registers every route.
func NewServer(c Config) (*Server, error) {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = func() time.Time { return time.Now().UTC() }
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	s := &Server{Config: c, mux: http.NewServeMux(), csrf: http.NewCrossOriginProtection(),
		limiters: newLimiters(c.Limits, c.Now), metrics: newHTTPMetrics(c.Registry)}
	s.server = &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(c.Logger.Handler(), slog.LevelWarn),
	}
	p, err := parsePages(s.templateFuncs())
	if err != nil {
		return nil, err
	}
	s.pages = p
	s.routes()
	if c.Metrics != nil && c.MetricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", s.metricsHandler())
		s.metricsServer = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, WriteTimeout: 30 * time.Second,
			ErrorLog: s.server.ErrorLog}
	}
	return s, nil
}

// handle registers h for pattern and remembers the pattern, so tests can
// walk every route the router knows.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.patterns = append(s.patterns, pattern)
	s.mux.HandleFunc(pattern, h)
}

// Routes returns every registered pattern ("METHOD /path/{param}"), sorted.
func (s *Server) Routes() []string {
	out := append([]string(nil), s.patterns...)
	sort.Strings(out)
	return out
}

func (s *Server) routes() {
	s.handle("GET /healthz", s.handleHealthz)
	if s.Metrics != nil && s.MetricsAddr == "" && s.MetricsToken != "" {
		s.mux.Handle("GET /metrics", s.metricsHandler())
	}
	if s.HealthOnly {
		return
	}
	s.handle("GET /order/{token}", s.handleOrderPage)
	s.handle("GET /receipt/{file}", s.handleReceipt) // {token} or {token}.pdf
	s.mux.Handle("GET /static/", staticHandler())
	if s.Sandbox != nil {
		s.mux.Handle("/sandbox", s.Sandbox)
		s.mux.Handle("/sandbox/", s.Sandbox)
	}

	s.handle("GET /api/v1/openapi.json", s.handleOpenAPI)
	s.handle("GET /api/v1/placeholders", s.apiUser(s.handlePlaceholders))
	s.handle("GET /api/v1/stores", s.apiUser(s.handleStoreList))
	s.handle("POST /api/v1/stores", s.apiUser(s.idempotent(s.handleStoreCreate)))
	s.handle("GET /api/v1/stores/{store}", s.apiStore(s.handleStoreGet))
	s.handle("PATCH /api/v1/stores/{store}", s.apiStore(s.handleStoreUpdate))
	s.handle("GET /api/v1/stores/{store}/message-center", s.apiStore(s.handleMessageCenter))
	s.handle("PUT /api/v1/stores/{store}/message-center/{event}", s.apiStore(s.handleMessageConfigPut))
	s.handle("GET /api/v1/stores/{store}/message-center/{event}/versions", s.apiStore(s.handleMessageConfigVersions))
	s.handle("POST /api/v1/stores/{store}/message-center/{event}/revert", s.apiStore(s.handleMessageConfigRevert))
	s.handle("POST /api/v1/stores/{store}/message-center/{event}/preview", s.apiStore(s.handleMessageConfigPreview))

	s.handle("GET /api/v1/stores/{store}/products", s.apiStore(listHandler(s, "products", func(ctx context.Context, st int64) ([]*msgcenter.Product, error) {
		return s.Commerce.FindProducts(ctx, st)
	})))
	s.handle("POST /api/v1/stores/{store}/products", s.apiStore(s.idempotent(s.handleProductCreate)))
	s.handle("PATCH /api/v1/stores/{store}/products/{id}", s.apiStore(updateHandler(s, func(ctx context.Context, st, id int64, in msgcenter.ProductUpdate) (*msgcenter.Product, error) {
		return s.Commerce.UpdateProduct(ctx, st, id, in)
	})))
	s.handle("GET /api/v1/stores/{store}/channels", s.apiStore(listHandler(s, "channels", func(ctx context.Context, st int64) ([]*msgcenter.Channel, error) {
		return s.Commerce.FindChannels(ctx, st)
	})))
	s.handle("POST /api/v1/stores/{store}/channels", s.apiStore(s.idempotent(s.handleChannelCreate)))
	s.handle("PATCH /api/v1/stores/{store}/channels/{id}", s.apiStore(updateHandler(s, func(ctx context.Context, st, id int64, in channelUpdate) (*msgcenter.Channel, error) {
		return s.Commerce.UpdateChannel(ctx, st, id, in.Name)
	})))
	s.handle("GET /api/v1/stores/{store}/rooms", s.apiStore(listHandler(s, "rooms", func(ctx context.Context, st int64) ([]*msgcenter.Room, error) {
		return s.Commerce.FindRooms(ctx, st)
	})))
	s.handle("POST /api/v1/stores/{store}/rooms", s.apiStore(s.idempotent(s.handleRoomCreate)))
	s.handle("PATCH /api/v1/stores/{store}/rooms/{id}", s.apiStore(updateHandler(s, func(ctx context.Context, st, id int64, in msgcenter.RoomUpdate) (*msgcenter.Room, error) {
		return s.Commerce.UpdateRoom(ctx, st, id, in)
	})))
	s.handle("POST /api/v1/stores/{store}/checkouts", s.apiStore(s.idempotent(s.handleCheckoutCreate)))
	s.handle("GET /api/v1/stores/{store}/orders", s.apiStore(s.handleOrderList))
	s.handle("POST /api/v1/stores/{store}/orders", s.apiStore(s.idempotent(s.handleOrderCreate)))
	s.handle("GET /api/v1/stores/{store}/orders/{id}", s.apiStore(s.handleOrderGet))
	s.handle("POST /api/v1/stores/{store}/orders/{id}/pay", s.apiStore(s.handleOrderAction("pay")))
	s.handle("POST /api/v1/stores/{store}/orders/{id}/cancel", s.apiStore(s.handleOrderAction("cancel")))
	s.handle("POST /api/v1/stores/{store}/orders/{id}/refund", s.apiStore(s.handleOrderAction("refund")))
	s.handle("GET /api/v1/stores/{store}/orders/{id}/deliveries", s.apiStore(s.handleOrderDeliveries))
	s.handle("GET /api/v1/stores/{store}/deliveries", s.apiStore(s.handleDeliveryList))
	s.handle("GET /api/v1/stores/{store}/whatsapp/templates", s.apiStore(s.handleTemplates))
	s.handle("GET /api/v1/stores/{store}/whatsapp/credits", s.apiStore(s.handleCredits))

	s.accountRoutes()
	s.adminRoutes()
	s.micrositeRoutes()
	s.integrationRoutes()

	s.mux.HandleFunc("/", s.handleNotFound)
}

// Handler returns the root handler: request id, access log, metrics and
// panic recovery (middleware.go), security headers, rate limits and body
// limit around the router.
func (s *Server) Handler() http.Handler {
	// Forms are protected against cross-site posts by the browser's
	// Sec-Fetch-Site and Origin headers; API clients and webhooks send
	// neither and pass, as they authenticate by token or secret. Rate limits
	// (ratelimit.go) come first, so a flood costs no more than a map lookup.
	inner := s.rateLimit(s.sameScheme(s.csrf.Handler(s.mux)))
	return s.observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// Customer links carry secret tokens: never leak them in Referer.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.PublicURL != nil && s.PublicURL.Scheme == "https" {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		// A declared oversize body is refused before it is read; an
		// undeclared one (chunked) stops at the limit while it is read.
		if r.ContentLength > s.MaxBodyBytes {
			w.Header().Set("Connection", "close")
			s.Error(w, r, &http.MaxBytesError{Limit: s.MaxBodyBytes})
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, s.MaxBodyBytes)
		}
		inner.ServeHTTP(w, r)
	}))
}

// Open listens on Addr and serves in the background.
func (s *Server) Open() error {
	if err := s.Listen(); err != nil {
		return err
	}
	s.Serve()
	return nil
}

// Listen binds Addr without serving yet, so the caller learns the address
// (and the default public URL) before the first request can arrive.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	if s.metricsServer != nil {
		if s.metricsLn, err = net.Listen("tcp", s.MetricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("metrics address: %w", err)
		}
	}
	if s.PublicURL == nil {
		// The default public URL is where we listen, known only now for ":0".
		s.PublicURL = &url.URL{Scheme: "http", Host: ln.Addr().String(), Path: "/"}
	}
	return nil
}

// Serve answers requests on the listener in the background.
func (s *Server) Serve() {
	go func() {
		if err := s.server.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.Logger.Error("http serve", slog.Any("err", err))
		}
	}()
	if s.metricsServer != nil {
		go func() {
			if err := s.metricsServer.Serve(s.metricsLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.Logger.Error("metrics serve", slog.Any("err", err))
			}
		}()
	}
}

// MetricsURL returns the address /metrics has a listener of its own on, as
// http://host:port, or "" when it has none.
func (s *Server) MetricsURL() string {
	if s.metricsLn == nil {
		return ""
	}
	return "http://" + s.metricsLn.Addr().String()
}

// URL returns the address the server listens on, as http://host:port.
func (s *Server) URL() string {
	if s.ln == nil {
		return ""
	}
	return "http://" + s.ln.Addr().String()
}

// Close stops accepting requests and waits for those in flight until ctx ends.
func (s *Server) Close(ctx context.Context) error {
	err := s.server.Shutdown(ctx)
	if s.metricsServer != nil {
		err = errors.Join(err, s.metricsServer.Shutdown(ctx))
	}
	return err
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	status := map[string]string{"status": "ok"}
	code := http.StatusOK
	for name, check := range s.Checks {
		status[name] = "ok"
		if err := check(r.Context()); err != nil {
			status["status"], status[name] = "unavailable", err.Error()
			code = http.StatusServiceUnavailable
		}
	}
	writeJSON(w, code, status)
}

// sitePath returns path, one of msgcenter's link shapes, from the site's
// root, as the customer pages link to each other.
func sitePath(path string) string { return "/" + path }

// publicLink joins path to the public base URL with exactly one slash.
func (s *Server) publicLink(path string) string {
	base := "/"
	if s.PublicURL != nil {
		base = s.PublicURL.String()
	}
	return msgcenter.JoinURL(msgcenter.PublicBase(base), path)
}
