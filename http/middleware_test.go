package http_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/qiscus/msgcenter/http"
)

// syncBuffer is a log destination safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lines returns the JSON log lines with msg.
func (s *syncBuffer) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// observedServer is a server whose sandbox route panics on /sandbox/boom/…
// and answers 204 elsewhere, with a JSON log and metrics.
func observedServer(t *testing.T, configure func(*http.Config)) (*http.Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	reg := prometheus.NewRegistry()
	c := http.Config{
		Logger:   slog.New(slog.NewJSONHandler(logs, nil)),
		Users:    refuseUsers{},
		Registry: reg,
		Metrics:  promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
		Sandbox: nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
			if strings.HasPrefix(r.URL.Path, "/sandbox/boom/") {
				panic("boom") // a panic value that names the path would be logged as is
			}
			w.WriteHeader(nethttp.StatusNoContent)
		}),
	}
	if configure != nil {
		configure(&c)
	}
	srv, err := http.NewServer(c)
	if err != nil {
		t.Fatal(err)
	}
	return srv, logs
}

func TestObserve(t *testing.T) {
	const secret = "s3cr3t-in-the-path"
	srv, logs := observedServer(t, func(c *http.Config) { c.MetricsToken = "metrics-token" })
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	get := func(path string, header map[string]string) (*nethttp.Response, []byte) {
		t.Helper()
		req, _ := nethttp.NewRequest("GET", ts.URL+path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}

	t.Run("PanicIs500WithRouteAndRequestID", func(t *testing.T) {
		resp, body := get("/sandbox/boom/"+secret, map[string]string{"Accept": "application/json"})
		if resp.StatusCode != 500 {
			t.Fatalf("status %d, want 500: %s", resp.StatusCode, body)
		}
		id := resp.Header.Get("X-Request-Id")
		var e struct {
			Error struct {
				Code      string
				RequestID string `json:"request_id"`
			} `json:"error"`
		}
		if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != "EINTERNAL" || e.Error.RequestID != id || id == "" {
			t.Fatalf("body %s (%v), header id %q: want EINTERNAL with the request id", body, err, id)
		}
		panics := logs.lines(t, "panic")
		if len(panics) != 1 || panics[0]["route"] != "/sandbox/" || panics[0]["request_id"] != id {
			t.Fatalf("panic log %v, want one line with route /sandbox/ and request id %s", panics, id)
		}
	})

	t.Run("RequestIDFromProxyKeptWhenSafe", func(t *testing.T) {
		resp, _ := get("/sandbox/x", map[string]string{"X-Request-Id": "lb-1234.abc"})
		if got := resp.Header.Get("X-Request-Id"); got != "lb-1234.abc" {
			t.Errorf("X-Request-Id %q, want the proxy's", got)
		}
		resp, _ = get("/sandbox/x", map[string]string{"X-Request-Id": "bad id\" injected=1"})
		if got := resp.Header.Get("X-Request-Id"); got == "" || strings.ContainsAny(got, " \"=") {
			t.Errorf("X-Request-Id %q, want a fresh safe id", got)
		}
	})

	t.Run("ErrorPageShowsRequestID", func(t *testing.T) {
		resp, body := get("/nowhere/"+secret, map[string]string{"Accept": "text/html"})
		if resp.StatusCode != 404 || !strings.Contains(string(body), resp.Header.Get("X-Request-Id")) {
			t.Errorf("status %d, page without the request id %s", resp.StatusCode, resp.Header.Get("X-Request-Id"))
		}
	})

	t.Run("MetricsNeedTheToken", func(t *testing.T) {
		if resp, _ := get("/metrics", nil); resp.StatusCode != 401 {
			t.Errorf("/metrics without token: %d, want 401", resp.StatusCode)
		}
		if resp, _ := get("/metrics", map[string]string{"Authorization": "Bearer wrong"}); resp.StatusCode != 401 {
			t.Errorf("/metrics with a wrong token: %d, want 401", resp.StatusCode)
		}
		resp, body := get("/metrics", map[string]string{"Authorization": "Bearer metrics-token"})
		if resp.StatusCode != 200 {
			t.Fatalf("/metrics with token: %d", resp.StatusCode)
		}
		for _, series := range []string{
			`msgcenter_http_requests_total{method="GET",route="/sandbox/",status="500"} 1`,
			`msgcenter_http_requests_total{method="GET",route="/sandbox/",status="204"} 2`,
			`msgcenter_http_request_duration_seconds_count{method="GET",route="/sandbox/"} 3`,
		} {
			if !strings.Contains(string(body), series) {
				t.Errorf("/metrics lacks %s", series)
			}
		}
	})

	t.Run("AccessLogNamesRoutesNeverPaths", func(t *testing.T) {
		reqs := logs.lines(t, "request")
		if len(reqs) < 5 {
			t.Fatalf("%d access log lines, want one per request", len(reqs))
		}
		for _, l := range reqs {
			for _, k := range []string{"method", "route", "status", "duration", "request_id"} {
				if _, ok := l[k]; !ok {
					t.Errorf("access log line %v lacks %s", l, k)
				}
			}
		}
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the log holds the path's secret:\n%s", logs.String())
		}
	})
}

func TestMetricsPlacement(t *testing.T) {
	t.Run("OffWithoutTokenOrAddress", func(t *testing.T) {
		srv, _ := observedServer(t, nil)
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		resp, err := ts.Client().Get(ts.URL + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 404 {
			t.Errorf("/metrics with neither token nor address: %d, want 404", resp.StatusCode)
		}
	})
	t.Run("OwnAddress", func(t *testing.T) {
		srv, _ := observedServer(t, func(c *http.Config) { c.Addr, c.MetricsAddr = "127.0.0.1:0", "127.0.0.1:0" })
		if err := srv.Open(); err != nil {
			t.Fatal(err)
		}
		defer srv.Close(t.Context())
		for _, tc := range []struct {
			url  string
			want int
		}{{srv.URL() + "/metrics", 404}, {srv.MetricsURL() + "/metrics", 200}} {
			resp, err := nethttp.Get(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("GET %s: %d, want %d", tc.url, resp.StatusCode, tc.want)
			}
		}
	})
}

func TestCrossOriginScheme(t *testing.T) {
	for _, tc := range []struct {
		name, public, origin, fetchSite string
		want                            int
	}{
		{"HTTPSOriginOnHTTPSite", "", "https://HOST", "", 403},
		{"HTTPOriginOnHTTPSite", "", "http://HOST", "", 204},
		{"BrowserSaysSameOrigin", "", "http://HOST", "same-origin", 204},
		{"HTTPSPublicURLBehindProxy", "https://HOST/", "https://HOST", "", 204},
		{"HTTPOriginOnHTTPSPublicURL", "https://HOST/", "http://HOST", "", 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var srv *http.Server
			ts := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) { srv.Handler().ServeHTTP(w, r) }))
			defer ts.Close()
			host := strings.TrimPrefix(ts.URL, "http://")
			srv, _ = observedServer(t, func(c *http.Config) {
				if tc.public != "" {
					c.PublicURL, _ = url.Parse(strings.ReplaceAll(tc.public, "HOST", host))
				}
			})
			req, _ := nethttp.NewRequest("POST", ts.URL+"/sandbox/x", strings.NewReader("a=1"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", strings.ReplaceAll(tc.origin, "HOST", host))
			if tc.fetchSite != "" {
				req.Header.Set("Sec-Fetch-Site", tc.fetchSite)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("POST with Origin %s: %d, want %d", tc.origin, resp.StatusCode, tc.want)
			}
		})
	}
}
