package main_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	mchttp "github.com/qiscus/msgcenter/http"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// hostileShop is a shop whose store has its own Qiscus app connected, so
// both webhooks are live, with the URLs of its webhooks.
type hostileShop struct {
	*Shop
	Slug, ButtonURL, InboundURL string
}

func newHostileShop(t *testing.T, configure func(*main.Config)) *hostileShop {
	t.Helper()
	a := MustRunMainWith(t, sqltest.SQLiteURL(t), func(c *main.Config) {
		c.SecretKey = bytes.Repeat([]byte{7}, 32)
		if configure != nil {
			configure(c)
		}
	})
	return connectShop(t, a.NewShop("Toko Kopi Senja"))
}

// connectShop connects the shop's store to a Qiscus app and reads its
// webhook URLs.
func connectShop(t *testing.T, sh *Shop) *hostileShop {
	t.Helper()
	h := &hostileShop{Shop: sh, ButtonURL: sh.CustomButton().URL}
	var st struct {
		Slug string `json:"slug"`
	}
	sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store, nil, &st)
	var in struct {
		InboundWebhookURL string `json:"inbound_webhook_url"`
	}
	sh.MustJSON(200, "PUT", "/api/v1/stores/"+sh.Store+"/integration/qiscus",
		map[string]any{"app_id": "kopi-senja", "secret_key": "s3cret-key"}, &in)
	h.Slug, h.InboundURL = st.Slug, in.InboundWebhookURL
	if h.ButtonURL == "" || h.InboundURL == "" || h.Slug == "" {
		t.Fatalf("shop %+v", h)
	}
	return h
}

// count returns how many items the API lists at path (an array, or an
// object with one array field).
func (h *hostileShop) count(path string) int {
	h.tb.Helper()
	var raw json.RawMessage
	h.MustJSON(200, "GET", path, nil, &raw)
	var list []any
	if json.Unmarshal(raw, &list) == nil {
		return len(list)
	}
	var obj map[string][]any
	if err := json.Unmarshal(raw, &obj); err != nil || len(obj) != 1 {
		h.tb.Fatalf("GET %s: not a list: %.200s", path, raw)
	}
	for _, v := range obj {
		return len(v)
	}
	return 0
}

// state is what a refused request must leave as it was.
func (h *hostileShop) state() [3]int {
	return [3]int{
		h.count("/api/v1/stores/" + h.Store + "/orders"),
		h.count("/api/v1/stores/" + h.Store + "/rooms"),
		h.count("/api/v1/stores/" + h.Store + "/deliveries"),
	}
}

// hiddenLength hides a body's length from net/http, which then sends it
// chunked: the server learns the size only by reading.
type hiddenLength struct{ io.Reader }

// post sends body to a URL (or a path on the app) and returns the answer;
// chunked sends it without Content-Length.
func post(t *testing.T, base, u, contentType string, body []byte, chunked bool) (*http.Response, string) {
	t.Helper()
	if strings.HasPrefix(u, "/") {
		u = base + u
	}
	var rd io.Reader = bytes.NewReader(body)
	if chunked {
		rd = hiddenLength{rd}
	}
	req, err := http.NewRequest("POST", u, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, string(out)
}

// TestHostileBodyLimit sends 2 MiB bodies, declared and chunked, to the
// API, both webhooks and the microsite's checkout form: each gets 413 with
// the usual error and changes nothing.
func TestHostileBodyLimit(t *testing.T) {
	h := newHostileShop(t, nil)
	big := strings.Repeat("a", 2<<20)
	jsonBody := []byte(`{"room_id":"` + big + `","payload":{"room":{"id":"1"}},"customer_name":"` + big +
		`","items":[{"product_id":1,"quantity":1}]}`)
	form := []byte(url.Values{"qty_1": {"1"}, "note": {big}}.Encode())
	before := h.state()
	for _, tc := range []struct {
		name, url, contentType string
		body                   []byte
		json                   bool
	}{
		{"API", "/api/v1/stores/" + h.Store + "/orders", "application/json", jsonBody, true},
		{"CustomButtonWebhook", h.ButtonURL, "application/json", jsonBody, true},
		{"QiscusInboundWebhook", h.InboundURL, "application/json", jsonBody, true},
		{"CheckoutForm", "/s/" + h.Slug + "/checkout", "application/x-www-form-urlencoded", form, false},
	} {
		for _, chunked := range []bool{false, true} {
			if chunked && !tc.json {
				// A form's chunked body over the limit is read by ParseForm,
				// whose error the microsite's handler answers 400; only a
				// declared length is refused with 413 before any handler.
				continue
			}
			t.Run(tc.name+map[bool]string{false: "Declared", true: "Chunked"}[chunked], func(t *testing.T) {
				var resp *http.Response
				var body string
				if tc.name == "API" {
					resp, body = h.doRaw(t, tc.url, tc.body, chunked)
				} else {
					resp, body = post(t, h.Base, tc.url, tc.contentType, tc.body, chunked)
				}
				if resp.StatusCode != http.StatusRequestEntityTooLarge {
					t.Fatalf("%d, want 413: %.300s", resp.StatusCode, body)
				}
				if tc.json {
					var e struct {
						Error struct{ Code, Message string }
					}
					if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error.Code != "ETOOLARGE" ||
						!strings.Contains(e.Error.Message, "larger than 1048576 bytes") {
						t.Fatalf("answer %.300s", body)
					}
				} else if !strings.Contains(body, "<html") || !strings.Contains(body, "larger than 1048576 bytes") {
					t.Fatalf("answer is not the error page: %.300s", body)
				}
				checkSecurityHeaders(t, tc.name, resp)
			})
		}
	}
	if after := h.state(); after != before {
		t.Fatalf("orders, rooms, deliveries = %v, were %v", after, before)
	}
}

// doRaw posts body to an API path with the app's token.
func (h *hostileShop) doRaw(t *testing.T, path string, body []byte, chunked bool) (*http.Response, string) {
	t.Helper()
	var rd io.Reader = bytes.NewReader(body)
	if chunked {
		rd = hiddenLength{rd}
	}
	req, err := http.NewRequest("POST", h.Base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+h.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp, string(out)
}

// TestHostileWebhookCrossStore walks every webhook route the router
// registered: a valid secret of one store, sent with another store's id,
// finds nothing and changes nothing.
func TestHostileWebhookCrossStore(t *testing.T) {
	victim := newHostileShop(t, nil)
	attacker := connectShop(t, victim.App.NewShop("Toko Lain"))
	// Each webhook family's URL of the attacker's own store: /hooks/{family}/{store}/…/{secret}.
	own := map[string]string{}
	for _, u := range []string{attacker.ButtonURL, attacker.InboundURL} {
		p, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		own[strings.Split(p.Path, "/")[2]] = p.Path
	}
	before := victim.state()
	hooks, covered := 0, 0
	for _, pattern := range victim.Main.HTTP.Routes() {
		_, path, _ := strings.Cut(pattern, " ")
		if !strings.HasPrefix(path, "/hooks/") {
			continue
		}
		hooks++
		mine, ok := own[strings.Split(path, "/")[2]]
		if !ok {
			t.Errorf("%s: no secret of the attacker's store for this webhook", pattern)
			continue
		}
		covered++
		// The secret works on its own store: the 404 below is the store id's.
		if resp, body := post(t, victim.Base, mine, "application/json", []byte(`{}`), false); resp.StatusCode == http.StatusNotFound {
			t.Fatalf("%s: the attacker's own URL is not found: %s", pattern, body)
		}
		// The attacker's own URL with the victim's store id.
		parts := strings.Split(mine, "/")
		parts[3] = victim.Store
		resp, body := post(t, victim.Base, strings.Join(parts, "/"), "application/json",
			[]byte(`{"room_id":"r-1","channel":{"type":"wa"},"payload":{"room":{"id":"r-1","options":{"source":"wa"}},"from":{"email":"6281234567890"}}}`), false)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s with another store's secret: %d, want 404: %s", pattern, resp.StatusCode, body)
		}
	}
	if hooks < 2 || covered != hooks {
		t.Fatalf("%d of %d webhook routes covered", covered, hooks)
	}
	if after := victim.state(); after != before {
		t.Fatalf("orders, rooms, deliveries = %v, were %v", after, before)
	}
}

// TestHostileSignInRateLimit signs in wrongly past the limit through the
// real server: 429 with Retry-After and the error page, even for the right
// password, while the API stays open.
func TestHostileSignInRateLimit(t *testing.T) {
	a := MustRunMainWith(t, sqltest.SQLiteURL(t), func(c *main.Config) {
		c.Limits = mchttp.Limits{SignIn: mchttp.Rate{Events: 1, Per: time.Hour, Burst: 3}}
	})
	b := a.NewBrowser()
	for i := range 3 {
		resp, body := b.Post("/admin/login", url.Values{"email": {"admin@example.com"}, "password": {"wrong"}})
		if resp.StatusCode == http.StatusTooManyRequests {
			t.Fatalf("attempt %d refused within the burst: %.200s", i+1, body)
		}
	}
	resp, body := b.Post("/admin/login", url.Values{"email": {"admin@example.com"}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(body, "<html") || !strings.Contains(body, "Too many requests") {
		t.Fatalf("4th attempt = %d Retry-After %q: %.300s", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	checkSecurityHeaders(t, "429", resp)
	if resp, _ := b.Get("/admin/login"); resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in page = %d, want it unlimited", resp.StatusCode)
	}
	for range 10 {
		if resp, out := a.Do("GET", "/api/v1/stores", a.Token, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("API = %d: %s", resp.StatusCode, out)
		}
	}
}
