package http

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/qiscus/msgcenter"
)

// requestIDKey is the context key of a request's id.
type requestIDKey struct{}

// RequestID returns the id of the request ctx belongs to, "" outside one.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// newRequestID returns 16 random hex digits.
func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// validRequestID accepts an id from a proxy in front: up to 64 letters,
// digits, '-', '_' and '.', so it is safe in a log line and a header.
func validRequestID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// httpMetrics are the HTTP series: requests by route pattern, method and
// status, with their latency.
type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg prometheus.Registerer) *httpMetrics {
	if reg == nil {
		return nil
	}
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "msgcenter_http_requests_total", Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "msgcenter_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route pattern and method.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"route", "method"}),
	}
	reg.MustRegister(m.requests, m.latency)
	return m
}

// statusWriter remembers the status of the answer.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// route returns the pattern the router picks for r ("GET /order/{token}"):
// the access log, the metrics and the panic log name it, never the path,
// which may hold a customer token or a webhook secret.
func (s *Server) route(r *http.Request) string {
	if _, pattern := s.mux.Handler(r); pattern != "" {
		return pattern
	}
	return "unmatched"
}

// observe is the outermost layer: it gives the request its id (echoed in
// X-Request-Id and in error bodies), recovers a panic into a logged 500,
// writes one access log line and counts the request by route pattern.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !validRequestID(id) {
			id = newRequestID()
		}
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(withPageScope(context.WithValue(r.Context(), requestIDKey{}, id)))
		sw := &statusWriter{ResponseWriter: w}
		route := s.route(r)
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.Logger.Error("panic", slog.String("route", route), slog.String("request_id", id),
					slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
				if sw.status == 0 {
					s.Error(sw, r, msgcenter.Errorf(msgcenter.EINTERNAL, "Internal error."))
				} else {
					// Part of the answer is out: all we can do is cut it.
					sw.status = http.StatusInternalServerError
				}
			}
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			d := time.Since(start)
			s.Logger.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method),
				slog.String("route", route), slog.Int("status", sw.status), slog.Duration("duration", d),
				slog.Int64("bytes", sw.bytes), slog.String("request_id", id))
			if s.metrics != nil {
				s.metrics.requests.WithLabelValues(route, r.Method, strconv.Itoa(sw.status)).Inc()
				s.metrics.latency.WithLabelValues(route, r.Method).Observe(d.Seconds())
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

// sameScheme refuses a state-changing request whose Origin names this host
// on another scheme (an https page posting to the http site, or the
// reverse), which the standard cross-origin check lets through when the
// browser sends no Sec-Fetch-Site. The site's scheme is the public URL's
// when the request is for its host, else the connection's.
func (s *Server) sameScheme(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		origin := r.Header.Get("Origin")
		if origin == "" || r.Header.Get("Sec-Fetch-Site") != "" {
			next.ServeHTTP(w, r)
			return
		}
		o, err := url.Parse(origin)
		if err != nil || o.Host != r.Host {
			next.ServeHTTP(w, r) // another host: the cross-origin check decides
			return
		}
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		if s.PublicURL != nil && s.PublicURL.Host == r.Host {
			scheme = s.PublicURL.Scheme
		}
		if o.Scheme != scheme {
			s.Error(w, r, msgcenter.Errorf(msgcenter.EFORBIDDEN, "Cross-origin request refused: %s is not this site's scheme.", o.Scheme))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// metricsHandler guards the Prometheus handler with the bearer token, when
// there is one.
func (s *Server) metricsHandler() http.Handler {
	if s.MetricsToken == "" {
		return s.Metrics
	}
	want := []byte("Bearer " + s.MetricsToken)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			s.Error(w, r, msgcenter.Errorf(msgcenter.EUNAUTHORIZED, "/metrics needs the metrics token."))
			return
		}
		s.Metrics.ServeHTTP(w, r)
	})
}

// Pattern returns the route pattern the router picks for r, as the access
// log and the metrics name it.
func (s *Server) Pattern(r *http.Request) string { return s.route(r) }
