package qiscus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/internal/netguard"
)

var (
	_ msgcenter.FullProvider      = (*Client)(nil)
	_ msgcenter.RoomFactsProvider = (*Client)(nil)
)

// The defaults of Config.
const (
	DefaultBaseURL         = msgcenter.DefaultQiscusBaseURL
	DefaultTimeout         = 10 * time.Second
	DefaultRatePerSecond   = 20
	DefaultBurst           = 1
	DefaultBreakerFailures = 5
	DefaultBreakerCooldown = 30 * time.Second
	DefaultTemplateTTL     = 60 * time.Second
	DefaultRoomTTL         = 30 * time.Second
	DefaultRejectedFor     = 5 * time.Minute
)

// CreditsUnknown is what Credits returns: the platform has no API that
// reports the WhatsApp balance, so callers treat a negative balance as "not
// reported" and let the send itself answer insufficient_credits.
const CreditsUnknown int64 = -1

// maxAnswerBytes bounds how much of an answer is read.
const maxAnswerBytes = 4 << 20

// Secret is a credential that never prints: fmt, slog and encoding/json all
// show it as [redacted].
type Secret string

const redacted = "[redacted]"

// String implements fmt.Stringer.
func (Secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (Secret) GoString() string { return `"` + redacted + `"` }

// LogValue implements slog.LogValuer.
func (Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON implements json.Marshaler.
func (Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// ChannelFinder finds a store's channel, to learn the platform's id of it.
// msgcenter.CommerceService satisfies it.
type ChannelFinder interface {
	FindChannel(ctx context.Context, storeID, id int64) (*msgcenter.Channel, error)
}

// Config is one Qiscus app's connection and the client's limits. Zero
// fields take the defaults above.
type Config struct {
	// BaseURL is the API root, DefaultBaseURL when empty.
	BaseURL   string
	AppID     string
	SecretKey Secret

	// HTTPClient sends the requests; nil means a client of its own.
	HTTPClient *http.Client
	// Timeout bounds each request, DefaultTimeout when zero.
	Timeout time.Duration

	// RatePerSecond and Burst shape the requests of this app (a token
	// bucket from golang.org/x/time/rate).
	RatePerSecond float64
	Burst         int

	// BreakerFailures consecutive transient failures open the circuit
	// breaker for BreakerCooldown; then one probe is let through.
	BreakerFailures int
	BreakerCooldown time.Duration

	// TemplateTTL bounds how long a channel's template catalogue is cached.
	TemplateTTL time.Duration
	// RoomTTL bounds how long a room's facts are cached (DefaultRoomTTL).
	RoomTTL time.Duration
	// RejectedFor is how long, after the platform rejected the app's key
	// (401, 403), every call is refused without a request
	// (DefaultRejectedFor); a reconnected app gets a new client at once.
	RejectedFor time.Duration

	// Channels gives Templates the platform's id of a channel
	// (Channel.ExternalID); Templates fails without it.
	Channels ChannelFinder

	// Now is the clock of the limiter, the breaker and the cache; nil means
	// time.Now. Sleep waits d or until ctx is done; nil means a timer. Tests
	// replace both with a fake clock that Sleep advances.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// String shows the connection without its secret.
func (c Config) String() string {
	return fmt.Sprintf("qiscus.Config{BaseURL: %q, AppID: %q, SecretKey: %s}", c.BaseURL, c.AppID, redacted)
}

// Client sends through one Qiscus Omnichannel app. It is safe for concurrent
// use; share one per app so that its rate limit and breaker hold.
type Client struct {
	cfg     Config
	base    string
	secret  string
	http    *http.Client
	limiter *rate.Limiter
	breaker *breaker

	mu       sync.Mutex
	cache    map[int64]cachedTemplates // by msgcenter channel id
	rooms    map[string]cachedRoom     // by the platform's room id
	rejected time.Time                 // until when the key counts as rejected
}

type cachedTemplates struct {
	at        time.Time
	templates []*msgcenter.WhatsAppTemplate
}

// New returns a client for the app of cfg.
func New(cfg Config) *Client {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.RatePerSecond <= 0 {
		cfg.RatePerSecond = DefaultRatePerSecond
	}
	if cfg.Burst <= 0 {
		cfg.Burst = DefaultBurst
	}
	if cfg.BreakerFailures <= 0 {
		cfg.BreakerFailures = DefaultBreakerFailures
	}
	if cfg.BreakerCooldown <= 0 {
		cfg.BreakerCooldown = DefaultBreakerCooldown
	}
	if cfg.TemplateTTL <= 0 {
		cfg.TemplateTTL = DefaultTemplateTTL
	}
	if cfg.RoomTTL <= 0 {
		cfg.RoomTTL = DefaultRoomTTL
	}
	if cfg.RejectedFor <= 0 {
		cfg.RejectedFor = DefaultRejectedFor
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{
		cfg:     cfg,
		base:    strings.TrimRight(cfg.BaseURL, "/"),
		secret:  string(cfg.SecretKey),
		http:    hc,
		limiter: rate.NewLimiter(rate.Limit(cfg.RatePerSecond), cfg.Burst),
		breaker: &breaker{threshold: cfg.BreakerFailures, cooldown: cfg.BreakerCooldown},
		cache:   map[int64]cachedTemplates{},
		rooms:   map[string]cachedRoom{},
	}
}

// String names the app without its secret.
func (c *Client) String() string {
	return fmt.Sprintf("qiscus.Client{app %s at %s}", c.cfg.AppID, c.base)
}

// AppID returns the app the client sends through.
func (c *Client) AppID() string { return c.cfg.AppID }

// BaseURL returns the API root the client calls, without a trailing slash.
func (c *Client) BaseURL() string { return c.base }

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// senderEmail is the app's admin, whom bot messages are sent as.
func (c *Client) senderEmail() string { return c.cfg.AppID + "_admin@qismo.com" }

// showsButtons reports whether the platform renders a "buttons" message on a
// channel type as a tappable link button. WhatsApp session messages cannot
// carry URL buttons and Instagram shows none; unknown types are treated the
// same way, so the link always reaches the customer as text.
func showsButtons(t msgcenter.ChannelType) bool {
	switch t {
	case msgcenter.ChannelWeb, msgcenter.ChannelTelegram, msgcenter.ChannelLINE, msgcenter.ChannelMessenger:
		return true
	}
	return false
}

type botMessage struct {
	SenderEmail string          `json:"sender_email"`
	Message     string          `json:"message"`
	Type        string          `json:"type"`
	RoomID      string          `json:"room_id"`
	Payload     *buttonsPayload `json:"payload,omitempty"`
}

type buttonsPayload struct {
	Text    string       `json:"text"`
	Buttons []linkButton `json:"buttons"`
}

type linkButton struct {
	Label   string `json:"label"`
	Type    string `json:"type"`
	Payload struct {
		URL string `json:"url"`
	} `json:"payload"`
}

// botAnswer is the part of the bot API's answer we read: the posted
// comment's id, under "data" or under "results" (the SDK's envelope).
type botAnswer struct {
	Data struct {
		Comment struct {
			ID json.RawMessage `json:"id"`
		} `json:"comment"`
	} `json:"data"`
	Results struct {
		Comment struct {
			ID json.RawMessage `json:"id"`
		} `json:"comment"`
	} `json:"results"`
}

// Send posts a session message to m.Room as the app's admin bot:
// POST {base}/{app_id}/bot. A button becomes a "buttons" message where the
// channel shows buttons, and a link on its own line after the text elsewhere.
// Errors are *msgcenter.ProviderError (see the package doc for the mapping).
func (c *Client) Send(ctx context.Context, m *msgcenter.OutboundMessage) (*msgcenter.SendResult, error) {
	if m == nil || m.Room == nil {
		return nil, permanent(msgcenter.ReasonUndeliverable, "qiscus: no room to send to")
	}
	roomID := m.Room.ExternalID
	if roomID == "" {
		// msgcenter's own id means nothing to the platform.
		return nil, permanent(msgcenter.ReasonUndeliverable, "qiscus: room "+strconv.FormatInt(m.Room.ID, 10)+
			" has no Qiscus room id: it was not created by the platform's webhooks")
	}
	body := botMessage{SenderEmail: c.senderEmail(), Message: m.Text, Type: "text", RoomID: roomID}
	if m.Button != nil && m.Button.URL != "" {
		if showsButtons(m.Room.ChannelType) {
			b := linkButton{Label: m.Button.Label, Type: "link"}
			b.Payload.URL = m.Button.URL
			body.Type = "buttons"
			body.Payload = &buttonsPayload{Text: m.Text, Buttons: []linkButton{b}}
		} else {
			body.Message = strings.TrimRight(m.Text, "\n") + "\n" + m.Button.URL
		}
	}
	var out botAnswer
	if _, err := c.do(ctx, http.MethodPost, "/"+url.PathEscape(c.cfg.AppID)+"/bot", nil, body, &out); err != nil {
		return nil, err
	}
	id := rawID(out.Data.Comment.ID)
	if id == "" {
		id = rawID(out.Results.Comment.ID)
	}
	return &msgcenter.SendResult{ProviderMessageID: id}, nil
}

// rawID reads an id that may be a JSON number or string.
func rawID(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// EnsureCustomButton returns false, nil: the Qiscus Omnichannel API offers
// no way to create a custom button, so the store's admin adds it by hand
// (see the package doc).
func (c *Client) EnsureCustomButton(ctx context.Context, storeID int64, label, webhookURL string) (bool, error) {
	return false, nil
}

// Credits returns CreditsUnknown without asking the platform, which has no
// API for the WhatsApp balance.
func (c *Client) Credits(ctx context.Context, storeID int64) (int64, error) {
	return CreditsUnknown, nil
}

// do sends one request through the breaker and the limiter. body, when not
// nil, is sent as JSON; a 2xx answer is decoded into out when out is not nil
// (an answer that does not decode is not an error: the platform accepted
// the request). It returns the answer's status; any failure is a
// *msgcenter.ProviderError whose message never holds the secret key.
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) (int, error) {
	now := c.cfg.Now()
	if until := c.rejectedUntil(); now.Before(until) {
		return 0, &msgcenter.ProviderError{Kind: msgcenter.ProviderUnauthorized, Reason: msgcenter.ReasonProviderUnauthorized,
			Message: fmt.Sprintf("qiscus: app %s: the platform rejected the app's key; not asking again before %s",
				c.cfg.AppID, until.UTC().Format(time.RFC3339))}
	}
	done, err := c.breaker.allow(now)
	if err != nil {
		var open *errBreakerOpen
		wait := time.Duration(0)
		if errors.As(err, &open) {
			wait = open.until.Sub(now)
		}
		return 0, c.unavailable(max(wait, 0), "%s %s: %v", method, path, err)
	}
	status, err := c.roundTrip(ctx, method, path, query, body, out)
	var kind msgcenter.ProviderErrorKind
	if err != nil {
		kind = msgcenter.ProviderErrorOf(err).Kind
	}
	switch {
	case err == nil:
		done(c.cfg.Now(), false)
	case ctx.Err() != nil:
		// The caller gave up: that says nothing about the platform.
		done(time.Time{}, false)
	case kind == msgcenter.ProviderUnauthorized:
		// Every request would be refused alike: stop asking for a while,
		// so parked messages cost the platform nothing.
		c.reject(c.cfg.Now().Add(c.cfg.RejectedFor))
		done(c.cfg.Now(), false)
	default:
		done(c.cfg.Now(), kind == msgcenter.ProviderTransient || kind == msgcenter.ProviderUnavailable)
	}
	return status, err
}

func (c *Client) rejectedUntil() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.rejected
}

func (c *Client) reject(until time.Time) {
	c.mu.Lock()
	c.rejected = until
	c.mu.Unlock()
}

// netReason says why a connection failed in fixed words, never the dial
// error's: a tenant reads it in the attempt's record, and the dial error
// would tell about the network behind this server.
func netReason(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "did not answer in time (timeout)"
	}
	return "could not be reached"
}

func (c *Client) roundTrip(ctx context.Context, method, path string, query url.Values, body, out any) (int, error) {
	now := c.cfg.Now()
	r := c.limiter.ReserveN(now, 1)
	if !r.OK() {
		return 0, c.transient("%s %s: rate limiter refused the request", method, path)
	}
	if d := r.DelayFrom(now); d > 0 {
		if err := c.cfg.Sleep(ctx, d); err != nil {
			r.CancelAt(c.cfg.Now())
			return 0, c.transient("%s %s: waiting for the rate limit: %v", method, path, err)
		}
	}

	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, permanent(msgcenter.ReasonUndeliverable, "qiscus: encode request: "+err.Error())
		}
		rd = bytes.NewReader(b)
	}
	rctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, method, u, rd)
	if err != nil {
		return 0, permanent(msgcenter.ReasonUndeliverable, "qiscus: build request: "+c.scrub(err.Error()))
	}
	req.Header.Set("Qiscus-App-Id", c.cfg.AppID)
	req.Header.Set("Qiscus-Secret-Key", c.secret)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			// The job's own time ran out, not the platform's.
			return 0, c.transient("%s %s: %v", method, path, ctx.Err())
		}
		if errors.Is(err, netguard.ErrForbidden) {
			return 0, permanent(msgcenter.ReasonProviderError, fmt.Sprintf("qiscus: app %s: %s %s: the address is not allowed", c.cfg.AppID, method, path))
		}
		// Timeouts, refused and reset connections: the platform is out of
		// reach, and the message waits for it. The text is fixed: a dial
		// error would tell a tenant about the network behind this server.
		return 0, c.unavailable(0, "%s %s: the platform %s", method, path, netReason(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	if err != nil {
		return resp.StatusCode, c.transient("%s %s: the answer could not be read", method, path)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, c.mapError(method, path, resp.StatusCode, resp.Header, raw)
	}
	if out != nil && len(raw) > 0 {
		_ = json.Unmarshal(raw, out)
	}
	return resp.StatusCode, nil
}

// scrub removes the secret key from text bound for an error.
func (c *Client) scrub(s string) string {
	if c.secret == "" {
		return s
	}
	return strings.ReplaceAll(s, c.secret, redacted)
}

func (c *Client) unavailable(wait time.Duration, format string, args ...any) error {
	return &msgcenter.ProviderError{Kind: msgcenter.ProviderUnavailable, Reason: msgcenter.ReasonProviderUnavailable, RetryAfter: wait,
		Message: c.scrub(fmt.Sprintf("qiscus: app %s: ", c.cfg.AppID) + fmt.Sprintf(format, args...))}
}

func (c *Client) transient(format string, args ...any) error {
	return &msgcenter.ProviderError{Kind: msgcenter.ProviderTransient, Reason: msgcenter.ReasonProviderError,
		Message: c.scrub(fmt.Sprintf("qiscus: app %s: ", c.cfg.AppID) + fmt.Sprintf(format, args...))}
}

func permanent(reason msgcenter.Reason, message string) error {
	return &msgcenter.ProviderError{Kind: msgcenter.ProviderPermanent, Reason: reason, Message: message}
}
