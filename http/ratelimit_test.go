package http_test

import (
	"context"
	"encoding/json"
	nethttp "net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/http"
)

// clock is a settable clock for the limiter tests: no sleeping.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock                   { return &clock{t: time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)} }
func mustAllow(t *testing.T, l *http.RateLimiter, key string) {
	t.Helper()
	if ok, wait := l.Allow(key); !ok {
		t.Fatalf("%s refused (wait %v), want allowed", key, wait)
	}
}

func TestParseRate(t *testing.T) {
	for in, want := range map[string]http.Rate{
		"10/m:5":  {Events: 10, Per: time.Minute, Burst: 5},
		"20/s":    {Events: 20, Per: time.Second, Burst: 20},
		"3/h:1":   {Events: 3, Per: time.Hour, Burst: 1},
		"5/30s":   {Events: 5, Per: 30 * time.Second, Burst: 5},
		"0":       {},
		"":        {},
		"0/s:9":   {},
		" 1/s:2 ": {Events: 1, Per: time.Second, Burst: 2},
	} {
		got, err := http.ParseRate(in)
		if err != nil || got != want {
			t.Errorf("ParseRate(%q) = %+v, %v, want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"10", "x/s", "-1/s", "10/week", "10/s:0", "10/s:x", "10/-1s"} {
		if _, err := http.ParseRate(in); err == nil {
			t.Errorf("ParseRate(%q): no error", in)
		}
	}
	for _, r := range []http.Rate{http.DefaultSignInRate, http.DefaultWebhooksRate, http.DefaultPublicRate, {Events: 5, Per: 30 * time.Second, Burst: 5}} {
		if got, err := http.ParseRate(r.String()); err != nil || got != r {
			t.Errorf("ParseRate(%q) = %+v, %v: does not round-trip", r.String(), got, err)
		}
	}
}

func TestRateLimiter(t *testing.T) {
	t.Run("BurstThenRefusedWithWait", func(t *testing.T) {
		c := newClock()
		l := http.NewRateLimiter(http.Rate{Events: 10, Per: time.Minute, Burst: 5}, 0, c.Now)
		for range 5 {
			mustAllow(t, l, "192.0.2.1")
		}
		ok, wait := l.Allow("192.0.2.1")
		if ok || wait != 6*time.Second {
			t.Fatalf("6th = %v, wait %v; want refused, wait 6s", ok, wait)
		}
		// Refused requests take no token: the wait does not grow.
		if _, wait = l.Allow("192.0.2.1"); wait != 6*time.Second {
			t.Fatalf("7th: wait %v, want still 6s", wait)
		}
		c.Advance(6 * time.Second)
		mustAllow(t, l, "192.0.2.1")
		if ok, _ := l.Allow("192.0.2.1"); ok {
			t.Fatal("allowed past the refilled token")
		}
	})

	t.Run("KeysIndependent", func(t *testing.T) {
		c := newClock()
		l := http.NewRateLimiter(http.Rate{Events: 1, Per: time.Second, Burst: 1}, 0, c.Now)
		mustAllow(t, l, "a")
		if ok, _ := l.Allow("a"); ok {
			t.Fatal("a allowed twice")
		}
		mustAllow(t, l, "b")
	})

	t.Run("Disabled", func(t *testing.T) {
		l := http.NewRateLimiter(http.Rate{}, 1, nil)
		for range 100 {
			mustAllow(t, l, "a")
		}
		if l.Len() != 0 {
			t.Fatalf("disabled limiter remembers %d keys", l.Len())
		}
	})

	t.Run("BoundedLeastRecentlySeenForgotten", func(t *testing.T) {
		c := newClock()
		l := http.NewRateLimiter(http.Rate{Events: 1, Per: time.Hour, Burst: 1}, 100, c.Now)
		mustAllow(t, l, "keep")
		for i := range 10000 {
			if i%50 == 0 {
				l.Allow("keep") // seen again: stays remembered, stays refused
			}
			mustAllow(t, l, "10.0."+strconv.Itoa(i/256)+"."+strconv.Itoa(i%256))
			if l.Len() > 100 {
				t.Fatalf("after %d keys the limiter remembers %d, want ≤ 100", i+2, l.Len())
			}
		}
		if ok, _ := l.Allow("keep"); ok {
			t.Fatal("a recently seen key was forgotten")
		}
		// The oldest key was forgotten: it starts with a full bucket.
		mustAllow(t, l, "10.0.0.0")
	})
}

func TestClientIP(t *testing.T) {
	for _, tc := range []struct {
		remote, xff string
		trust       bool
		want        string
	}{
		{"203.0.113.9:5555", "", false, "203.0.113.9"},
		{"203.0.113.9:5555", "198.51.100.1", false, "203.0.113.9"},
		{"127.0.0.1:5555", "198.51.100.1", false, "127.0.0.1"},
		// A public peer is no proxy of ours: its header is ignored.
		{"203.0.113.9:5555", "198.51.100.1", true, "203.0.113.9"},
		{"127.0.0.1:5555", "198.51.100.1", true, "198.51.100.1"},
		// The right-most hop that is not ours; what the client wrote on the left is ignored.
		{"10.0.0.2:80", "1.2.3.4, 198.51.100.1, 10.0.0.7", true, "198.51.100.1"},
		{"10.0.0.2:80", "garbage, 198.51.100.1", true, "198.51.100.1"},
		{"10.0.0.2:80", "198.51.100.1, garbage", true, "10.0.0.2"},
		{"10.0.0.2:80", "10.0.0.3, 192.168.1.5", true, "10.0.0.3"},
		{"[::1]:80", "2001:db8::1", true, "2001:db8::1"},
		{"[::ffff:127.0.0.1]:80", "", false, "127.0.0.1"},
	} {
		r := httptest.NewRequest("GET", "/s/shop", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := http.ClientIP(r, tc.trust); got != tc.want {
			t.Errorf("ClientIP(%s, XFF %q, trust %v) = %s, want %s", tc.remote, tc.xff, tc.trust, got, tc.want)
		}
	}
}

// refuseUsers knows no admin: every sign-in fails.
type refuseUsers struct{ msgcenter.UserService }

func (refuseUsers) Authenticate(context.Context, string, string) (*msgcenter.User, error) {
	return nil, msgcenter.Errorf(msgcenter.EUNAUTHORIZED, "Wrong email or password.")
}

// TestServerRateLimits drives the limits through the server's handler: 429
// with Retry-After, JSON for webhooks, the error page for pages, and routes
// of other classes untouched.
func TestServerRateLimits(t *testing.T) {
	c := newClock()
	srv, err := http.NewServer(http.Config{Now: c.Now, Users: refuseUsers{}, Limits: http.Limits{
		SignIn:   http.Rate{Events: 10, Per: time.Minute, Burst: 2},
		Webhooks: http.Rate{Events: 1, Per: time.Second, Burst: 1},
		Public:   http.Rate{Events: 2, Per: time.Second, Burst: 2},
	}})
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	do := func(method, path, remote string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, path, nil)
		r.RemoteAddr = remote
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}

	// The service-less server answers 404 for these routes; the limiter
	// stands before the router all the same.
	for range 2 {
		if w := do("GET", "/s/kopi", "198.51.100.1:1"); w.Code != nethttp.StatusNotFound {
			t.Fatalf("public page = %d, want 404 before the limit", w.Code)
		}
	}
	w := do("GET", "/receipt/abc", "198.51.100.1:2")
	if w.Code != nethttp.StatusTooManyRequests || w.Header().Get("Retry-After") != "1" ||
		!strings.Contains(w.Body.String(), "<html") || w.Header().Get("X-Frame-Options") != "DENY" {
		t.Fatalf("over the public limit = %d Retry-After %q: %.200s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	if w := do("GET", "/order/abc", "198.51.100.2:1"); w.Code == nethttp.StatusTooManyRequests {
		t.Fatal("another client refused")
	}
	c.Advance(500 * time.Millisecond)
	if w := do("GET", "/s/kopi", "198.51.100.1:1"); w.Code == nethttp.StatusTooManyRequests {
		t.Fatal("refused after the bucket refilled")
	}

	do("POST", "/hooks/omnichannel/1/custom-button/x", "198.51.100.1:1")
	w = do("POST", "/hooks/qiscus/1/inbound/x", "198.51.100.1:1")
	var body struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || w.Code != nethttp.StatusTooManyRequests ||
		body.Error.Code != "ERATELIMITED" || w.Header().Get("Retry-After") != "1" {
		t.Fatalf("over the webhook limit = %d %q: %s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}

	for range 2 {
		if w := do("POST", "/admin/login", "198.51.100.1:1"); w.Code == nethttp.StatusTooManyRequests {
			t.Fatal("sign-in refused within the burst")
		}
	}
	w = do("POST", "/admin/login", "198.51.100.1:1")
	if w.Code != nethttp.StatusTooManyRequests || w.Header().Get("Retry-After") != "6" {
		t.Fatalf("over the sign-in limit = %d Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	// Neither the sign-in page nor the API is limited.
	for range 20 {
		if w := do("GET", "/healthz", "198.51.100.1:1"); w.Code != nethttp.StatusOK {
			t.Fatalf("healthz = %d", w.Code)
		}
		if w := do("GET", "/api/v1/nothing", "198.51.100.1:1"); w.Code == nethttp.StatusTooManyRequests {
			t.Fatal("API limited")
		}
	}
}
