package http

import (
	"container/list"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/qiscus/msgcenter"
)

// Rate is a token bucket: Events per Per on average, at most Burst at once.
// The zero Rate disables limiting.
type Rate struct {
	Events int
	Per    time.Duration
	Burst  int
}

// Enabled reports whether r limits anything.
func (r Rate) Enabled() bool { return r.Events > 0 && r.Per > 0 }

// String formats r as ParseRate reads it: "10/m:5", or "0" when disabled.
func (r Rate) String() string {
	if !r.Enabled() {
		return "0"
	}
	per := r.Per.String()
	switch r.Per {
	case time.Second:
		per = "s"
	case time.Minute:
		per = "m"
	case time.Hour:
		per = "h"
	}
	s := strconv.Itoa(r.Events) + "/" + per
	if r.Burst != r.Events {
		s += ":" + strconv.Itoa(r.Burst)
	}
	return s
}

// ParseRate reads "N/unit" or "N/unit:burst", where unit is s, m, h or a Go
// duration such as 30s; the burst defaults to N. "0" and "" disable.
func ParseRate(s string) (Rate, error) {
	s = strings.TrimSpace(s)
	if s == "" || s == "0" {
		return Rate{}, nil
	}
	bad := func() (Rate, error) {
		return Rate{}, fmt.Errorf("rate %q: want N/unit or N/unit:burst, such as 10/m or 20/s:40, or 0 to disable", s)
	}
	n, rest, ok := strings.Cut(s, "/")
	if !ok {
		return bad()
	}
	per, burst, hasBurst := strings.Cut(rest, ":")
	var r Rate
	var err error
	if r.Events, err = strconv.Atoi(n); err != nil || r.Events < 0 {
		return bad()
	}
	switch per {
	case "s":
		r.Per = time.Second
	case "m":
		r.Per = time.Minute
	case "h":
		r.Per = time.Hour
	default:
		if r.Per, err = time.ParseDuration(per); err != nil || r.Per <= 0 {
			return bad()
		}
	}
	r.Burst = r.Events
	if hasBurst {
		if r.Burst, err = strconv.Atoi(burst); err != nil || r.Burst < 1 {
			return bad()
		}
	}
	if r.Events == 0 {
		return Rate{}, nil
	}
	return r, nil
}

// Limits are the per-client-IP request rates of the routes open to the
// internet. API routes authenticate every request by token and are not
// limited here. Limits are per process: behind N processes a client gets up
// to N times each rate.
type Limits struct {
	// SignIn limits POST /admin/login.
	SignIn Rate
	// Webhooks limits /hooks/…, which the platform calls in bursts.
	Webhooks Rate
	// Public limits the customer pages: /s/…, /order/…, /receipt/….
	Public Rate
	// TrustProxy takes the client's address from X-Forwarded-For (the
	// right-most hop that is not a private or loopback address) when the
	// request comes from a private or loopback address, that is from a
	// proxy of ours. Off, X-Forwarded-For is ignored: anyone can send it.
	TrustProxy bool
	// MaxClients bounds the addresses remembered per class; the least
	// recently seen is forgotten first. Default DefaultMaxClients.
	MaxClients int
}

// The default limits; DefaultLimits returns them together.
var (
	DefaultSignInRate   = Rate{Events: 10, Per: time.Minute, Burst: 5}
	DefaultWebhooksRate = Rate{Events: 20, Per: time.Second, Burst: 40}
	DefaultPublicRate   = Rate{Events: 10, Per: time.Second, Burst: 30}
)

// DefaultMaxClients is how many client addresses each limit remembers.
const DefaultMaxClients = 10000

// DefaultLimits returns the limits serve applies unless told otherwise.
func DefaultLimits() Limits {
	return Limits{SignIn: DefaultSignInRate, Webhooks: DefaultWebhooksRate, Public: DefaultPublicRate}
}

// RateLimiter holds one token bucket per key (a client address), forgetting
// the least recently seen key beyond its capacity, so memory stays bounded
// whatever the number of clients. A forgotten key starts again with a full
// bucket, as does one idle long enough to have refilled it.
type RateLimiter struct {
	rate  Rate
	max   int
	now   func() time.Time
	mu    sync.Mutex
	keys  map[string]*list.Element
	order *list.List // of *bucket, most recently seen first
}

type bucket struct {
	key string
	lim *rate.Limiter
}

// NewRateLimiter returns a limiter of r remembering at most max keys
// (DefaultMaxClients when max ≤ 0); now is its clock (time.Now when nil).
func NewRateLimiter(r Rate, max int, now func() time.Time) *RateLimiter {
	if max <= 0 {
		max = DefaultMaxClients
	}
	if now == nil {
		now = time.Now
	}
	return &RateLimiter{rate: r, max: max, now: now, keys: map[string]*list.Element{}, order: list.New()}
}

// Allow takes a token of key's bucket. When there is none it reports false
// and how long until there is one.
func (l *RateLimiter) Allow(key string) (bool, time.Duration) {
	if !l.rate.Enabled() {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	var b *bucket
	if e, ok := l.keys[key]; ok {
		l.order.MoveToFront(e)
		b = e.Value.(*bucket)
	} else {
		if l.order.Len() >= l.max {
			last := l.order.Back()
			delete(l.keys, last.Value.(*bucket).key)
			l.order.Remove(last)
		}
		every := rate.Limit(float64(l.rate.Events) / l.rate.Per.Seconds())
		b = &bucket{key: key, lim: rate.NewLimiter(every, max(l.rate.Burst, 1))}
		l.keys[key] = l.order.PushFront(b)
	}
	res := b.lim.ReserveN(now, 1)
	if !res.OK() {
		return false, l.rate.Per
	}
	if d := res.DelayFrom(now); d > 0 {
		// Not taken: a refused request must not push the next one back.
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Len returns how many keys the limiter remembers.
func (l *RateLimiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.order.Len()
}

// limiters are the server's rate limits by class of route.
type limiters struct {
	signIn, webhooks, public *RateLimiter
	trustProxy               bool
}

func newLimiters(c Limits, now func() time.Time) *limiters {
	return &limiters{
		signIn:     NewRateLimiter(c.SignIn, c.MaxClients, now),
		webhooks:   NewRateLimiter(c.Webhooks, c.MaxClients, now),
		public:     NewRateLimiter(c.Public, c.MaxClients, now),
		trustProxy: c.TrustProxy,
	}
}

// of returns the limiter of r's route class, nil for routes not limited.
func (l *limiters) of(r *http.Request) *RateLimiter {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && p == "/admin/login":
		return l.signIn
	case msgcenter.IsWebhookPath(p):
		return l.webhooks
	case msgcenter.IsCustomerPagePath(p):
		return l.public
	}
	return nil
}

// rateLimit answers 429 with Retry-After to a client over the limit of the
// route's class, before next sees the request.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lim := s.limiters.of(r)
		if lim == nil {
			next.ServeHTTP(w, r)
			return
		}
		ok, wait := lim.Allow(ClientIP(r, s.limiters.trustProxy))
		if ok {
			next.ServeHTTP(w, r)
			return
		}
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
		s.Error(w, r, msgcenter.Errorf(eratelimited, "Too many requests: try again in %d seconds.", max(secs, 1)))
	})
}

// ClientIP returns the address of the client of r: the host of RemoteAddr
// or, with trustProxy and a request from a private or loopback address, the
// right-most X-Forwarded-For hop that is not one.
func ClientIP(r *http.Request, trustProxy bool) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !trustProxy || !internal(peer) {
		return peer.String()
	}
	client := peer
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			// Beyond a hop we cannot read, nothing can be trusted.
			break
		}
		client = a.Unmap()
		if !internal(client) {
			break
		}
	}
	return client.String()
}

// internal reports whether a is one of our own network's addresses, where
// proxies live.
func internal(a netip.Addr) bool {
	return a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast()
}
