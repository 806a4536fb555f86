package qiscus_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
)

// fakeClock is a settable clock whose Sleep advances it instead of waiting.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	slept  []time.Duration
	sleeps int
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.slept = append(c.slept, d)
	c.mu.Unlock()
	return ctx.Err()
}

// request is one request the fake platform received.
type request struct {
	Method, Path, Query string
	Header              http.Header
	Body                map[string]any
	RawBody             string
	At                  time.Time // on the fake clock
}

// answer is what the fake platform replies.
type answer struct {
	Status int
	Body   string
}

// platform is an httptest fake of the Qiscus Omnichannel API. Answer, when
// set, decides each reply; otherwise it answers as the platform does on
// success.
type platform struct {
	t      testing.TB
	srv    *httptest.Server
	clock  *fakeClock
	mu     sync.Mutex
	reqs   []request
	Answer func(r request) answer
	// RetryAfter, when set, is sent as every answer's Retry-After header.
	RetryAfter string
}

func newPlatform(t testing.TB, clock *fakeClock) *platform {
	p := &platform{t: t, clock: clock}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *platform) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	req := request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), RawBody: string(raw)}
	if p.clock != nil {
		req.At = p.clock.Now()
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &req.Body); err != nil {
			p.t.Errorf("request body is not JSON: %q", raw)
		}
	}
	p.mu.Lock()
	p.reqs = append(p.reqs, req)
	p.mu.Unlock()

	a := answer{Status: 200, Body: `{"status":200,"data":{"comment":{"id":9876,"type":"text"}}}`}
	if p.Answer != nil {
		a = p.Answer(req)
	} else if r.URL.Path != "" && len(r.URL.Path) > 12 && r.URL.Path[:12] == "/whatsapp/v1" {
		a = answer{200, `{"messaging_product":"whatsapp","contacts":[{"input":"6281234567890","wa_id":"6281234567890"}],"messages":[{"id":"wamid.HBgM"}]}`}
	}
	w.Header().Set("Content-Type", "application/json")
	if p.RetryAfter != "" {
		w.Header().Set("Retry-After", p.RetryAfter)
	}
	w.WriteHeader(a.Status)
	io.WriteString(w, a.Body)
}

func (p *platform) Requests() []request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]request(nil), p.reqs...)
}

func (p *platform) Count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.reqs)
}

const (
	testApp    = "kopi-abc123"
	testSecret = "s3cr3t-Key-0f-the-app"
)

// newClient is a client of app testApp on p with the fake clock.
func newClient(p *platform, clock *fakeClock, mod ...func(*qiscus.Config)) *qiscus.Client {
	cfg := qiscus.Config{BaseURL: p.srv.URL, AppID: testApp, SecretKey: testSecret, Now: clock.Now, Sleep: clock.Sleep}
	for _, m := range mod {
		m(&cfg)
	}
	return qiscus.New(cfg)
}

// checkHeaders asserts the authentication and content headers.
func checkHeaders(t *testing.T, r request, appID, secret string, withBody bool) {
	t.Helper()
	if got := r.Header.Get("Qiscus-App-Id"); got != appID {
		t.Errorf("Qiscus-App-Id = %q, want %q", got, appID)
	}
	if got := r.Header.Get("Qiscus-Secret-Key"); got != secret {
		t.Errorf("Qiscus-Secret-Key = %q, want %q", got, secret)
	}
	if withBody {
		if got := r.Header.Get("Content-Type"); got != "application/json" {
			t.Errorf("Content-Type = %q, want application/json", got)
		}
	}
}

func waRoom() *msgcenter.Room {
	return &msgcenter.Room{ID: 42, StoreID: 1, ChannelID: 7, ChannelType: msgcenter.ChannelWhatsApp, ExternalID: "r-77"}
}
