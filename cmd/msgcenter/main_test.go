package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/qiscus/msgcenter"
	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// App is the whole program started by Run on ":0", with an admin and token.
type App struct {
	tb    testing.TB
	Main  *main.Main
	Base  string
	Token string
	// Check, when set, sees every request Do sends and its answer, bodies
	// included (the OpenAPI test validates them).
	Check func(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte)

	platform *sandbox.Provider // a child process's local Qiscus (Platform)
}

// MustRunMain starts the program on a fresh database at dbURL.
func MustRunMain(tb testing.TB, dbURL string) *App {
	tb.Helper()
	return MustRunMainWith(tb, dbURL, nil)
}

// MustRunMainWith starts the program after configure has adjusted its
// configuration: fast retries and sweeps, for tests.
func MustRunMainWith(tb testing.TB, dbURL string, configure func(*main.Config)) *App {
	tb.Helper()
	m := main.NewMain()
	m.Config.DatabaseURL = dbURL
	m.Config.Addr = "127.0.0.1:0"
	m.Config.Logger = slog.New(slog.NewTextHandler(testLogOutput(), nil))
	m.Config.Delivery.RetryBase = 5 * time.Millisecond
	m.Config.Delivery.RetryMax = 50 * time.Millisecond
	m.Config.Delivery.SweepInterval = 50 * time.Millisecond
	if configure != nil {
		configure(&m.Config)
	}
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		tb.Fatalf("run: %v", err)
	}
	tb.Cleanup(func() { m.Close() })
	a := &App{tb: tb, Main: m, Base: m.HTTP.URL()}
	users := sqlstore.NewUserService(m.DB)
	if u, err := users.FindUserByEmail(context.Background(), "admin@example.com"); err == nil {
		// A restart on the same database keeps its admin.
		if a.Token, err = users.CreateAPIToken(context.Background(), u.ID, "test"); err != nil {
			tb.Fatal(err)
		}
		return a
	}
	a.Token = a.NewAdmin("admin@example.com")
	return a
}

// NewAdmin creates an admin user and returns an API token for it.
func (a *App) NewAdmin(email string) string {
	a.tb.Helper()
	users := sqlstore.NewUserService(a.Main.DB)
	users.BcryptCost = bcrypt.MinCost // tests need no slow hashes
	u, err := users.CreateUser(context.Background(), email, "correct horse battery")
	if err != nil {
		a.tb.Fatal(err)
	}
	token, err := users.CreateAPIToken(context.Background(), u.ID, "test")
	if err != nil {
		a.tb.Fatal(err)
	}
	return token
}

// Do sends a request with a JSON body (a string is sent as is) and returns
// the response with its body read.
func (a *App) Do(method, path, token string, body any) (*http.Response, []byte) {
	a.tb.Helper()
	var rd io.Reader
	var reqBody []byte
	switch b := body.(type) {
	case nil:
	case string:
		rd, reqBody = strings.NewReader(b), []byte(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			a.tb.Fatal(err)
		}
		rd, reqBody = bytes.NewReader(buf), buf
	}
	req, err := http.NewRequest(method, a.Base+path, rd)
	if err != nil {
		a.tb.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.tb.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		a.tb.Fatal(err)
	}
	if a.Check != nil {
		a.Check(req, reqBody, resp, out)
	}
	return resp, out
}

// MustJSON sends a request, requires the status and decodes the answer into v.
func (a *App) MustJSON(status int, method, path string, body, v any) {
	a.tb.Helper()
	resp, out := a.Do(method, path, a.Token, body)
	if resp.StatusCode != status {
		a.tb.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, status, out)
	}
	if v != nil {
		if err := json.Unmarshal(out, v); err != nil {
			a.tb.Fatalf("%s %s: decode %s: %v", method, path, out, err)
		}
	}
}

// CreateStore creates a store through the API and returns its id as a path segment.
func (a *App) CreateStore(name string) string {
	a.tb.Helper()
	var st struct {
		ID   int64  `json:"id"`
		Slug string `json:"slug"`
		Name string `json:"name"`
	}
	a.MustJSON(http.StatusCreated, "POST", "/api/v1/stores", map[string]string{"name": name}, &st)
	if st.ID == 0 || st.Slug == "" || st.Name != name {
		a.tb.Fatalf("created store = %+v", st)
	}
	return jsonNumber(st.ID)
}

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }

type entry struct {
	Event             msgcenter.Event           `json:"event"`
	Type              msgcenter.MessageType     `json:"type"`
	Language          msgcenter.Language        `json:"language"`
	Body              string                    `json:"body"`
	ButtonLabel       string                    `json:"button_label"`
	AutomationEnabled *bool                     `json:"automation_enabled"`
	Fallback          *msgcenter.FallbackConfig `json:"fallback"`
	Version           int                       `json:"version"`
	UpdatedBy         string                    `json:"updated_by"`
}

type apiError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

func (a *App) messageCenter(store string) map[msgcenter.Event]entry {
	a.tb.Helper()
	var mc struct {
		Events []entry `json:"events"`
	}
	a.MustJSON(http.StatusOK, "GET", "/api/v1/stores/"+store+"/message-center", nil, &mc)
	out := map[msgcenter.Event]entry{}
	for _, e := range mc.Events {
		out[e.Event] = e
	}
	if len(mc.Events) != 5 || len(out) != 5 {
		a.tb.Fatalf("message center has %d entries, want the five events once each", len(mc.Events))
	}
	return out
}

func TestMain_Engines(t *testing.T) {
	cases := []struct {
		name string
		fn   func(*testing.T, *App)
	}{
		{"Defaults", testDefaults},
		{"PutRoundTrip", testPutRoundTrip},
		{"Validation", testValidation},
		{"VersionsAndRevert", testVersionsAndRevert},
		{"Preview", testPreview},
		{"TenantIsolation", testTenantIsolation},
		{"Stores", testStores},
	}
	var run []engineCase
	for _, tc := range cases {
		run = append(run, engineCase{tc.name, func(t *testing.T, dbURL string) { tc.fn(t, MustRunMain(t, dbURL)) }})
	}
	runEngineCases(t, run)
}

func testDefaults(t *testing.T, a *App) {
	store := a.CreateStore("Toko Kopi Senja")
	mc := a.messageCenter(store)
	for _, ev := range msgcenter.Events() {
		e := mc[ev]
		if e.Type != msgcenter.MessageTypeDefault || e.Language != msgcenter.LanguageEnglish || e.Version != 1 {
			t.Errorf("%s: type=%q language=%q version=%d, want default/en/1", ev, e.Type, e.Language, e.Version)
		}
		if ev.Automatic() {
			if e.AutomationEnabled == nil || !*e.AutomationEnabled {
				t.Errorf("%s: automation_enabled = %v, want true", ev, e.AutomationEnabled)
			}
		} else if e.AutomationEnabled != nil {
			t.Errorf("%s: automation_enabled present, want absent", ev)
		}
		if ev.HasFallback() != (e.Fallback != nil) {
			t.Errorf("%s: fallback = %+v, want present only on placed/paid", ev, e.Fallback)
		}
		if e.Fallback != nil && e.Fallback.Enabled {
			t.Errorf("%s: fallback enabled by default", ev)
		}
	}
}

func testPutRoundTrip(t *testing.T, a *App) {
	store := a.CreateStore("Toko Kopi Senja")
	body := "Halo {{ customer.name }}, pesanan {{order_id}} senilai {{grand_total}} sudah lunas 🎉"
	var saved entry
	a.MustJSON(http.StatusOK, "PUT", "/api/v1/stores/"+store+"/message-center/order_paid",
		map[string]any{"type": "custom", "body": body, "button_label": "Lihat Struk", "automation_enabled": false}, &saved)
	if saved.Version != 2 || saved.Body != body || saved.UpdatedBy != "admin@example.com" {
		t.Fatalf("saved = %+v", saved)
	}
	got := a.messageCenter(store)[msgcenter.EventOrderPaid]
	if got.Type != msgcenter.MessageTypeCustom || got.Body != body || got.ButtonLabel != "Lihat Struk" ||
		got.AutomationEnabled == nil || *got.AutomationEnabled || got.Version != 2 {
		t.Fatalf("after PUT: %+v", got)
	}
	// Only what was sent changes.
	a.MustJSON(http.StatusOK, "PUT", "/api/v1/stores/"+store+"/message-center/order_paid", map[string]any{"language": "id"}, &saved)
	if saved.Body != body || saved.Language != "id" || saved.Version != 3 {
		t.Fatalf("partial PUT: %+v", saved)
	}
	// A stale version is refused.
	resp, out := a.Do("PUT", "/api/v1/stores/"+store+"/message-center/order_paid", a.Token, map[string]any{"language": "en", "version": 2})
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("stale version: %d %s", resp.StatusCode, out)
	}
}

func testValidation(t *testing.T, a *App) {
	store := a.CreateStore("Toko Kopi Senja")
	before := a.messageCenter(store)
	long := strings.Repeat("a", msgcenter.MaxBodyLength+1)
	cases := []struct {
		name, event string
		body        any
		status      int
		field, want string
	}{
		{"ErrType", "order_placed", map[string]any{"type": "fancy"}, 422, "type", "must be one of default, custom"},
		{"ErrLanguage", "order_placed", map[string]any{"language": "fr"}, 422, "language", "must be one of en, id"},
		{"ErrCustomNoBody", "order_placed", map[string]any{"type": "custom", "button_label": "Go"}, 422, "body", "is required"},
		{"ErrCustomNoLabel", "order_placed", map[string]any{"type": "custom", "body": "Hi"}, 422, "button_label", "is required"},
		{"ErrBodyTooLong", "order_placed", map[string]any{"type": "custom", "body": long, "button_label": "Go"}, 422, "body", "at most 4096"},
		{"ErrLabelTooLong", "order_placed", map[string]any{"type": "custom", "body": "Hi", "button_label": strings.Repeat("b", 21)}, 422, "button_label", "at most 20"},
		{"ErrUnknownPlaceholder", "order_placed", map[string]any{"type": "custom", "body": "Hi {{nope}}", "button_label": "Go"}, 422, "body", "{{nope}}"},
		{"ErrUnavailablePlaceholder", "order_failed", map[string]any{"type": "custom", "body": "Paid {{order_receipt_link}}", "button_label": "Go"}, 422, "body", "{{order_receipt_link}}"},
		{"ErrToggleOnShare", "share_microsite_url", map[string]any{"automation_enabled": false}, 422, "automation_enabled", "cannot be set"},
		{"ErrFallbackOnFailed", "order_failed", map[string]any{"fallback": map[string]any{"enabled": false}}, 422, "fallback", "order_placed and order_paid only"},
		{"ErrMalformedJSON", "order_placed", `{"type": "custom",`, 400, "", ""},
		{"ErrWrongJSONType", "order_placed", `{"type": 7}`, 422, "type", "must be text"},
		{"ErrUnknownEvent", "order_shipped", map[string]any{"type": "default"}, 404, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, out := a.Do("PUT", "/api/v1/stores/"+store+"/message-center/"+tc.event, a.Token, tc.body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, out)
			}
			var e apiError
			if err := json.Unmarshal(out, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("error body %s", out)
			}
			if tc.field != "" {
				if e.Error.Code != msgcenter.EINVALID || !strings.Contains(e.Error.Fields[tc.field], tc.want) {
					t.Fatalf("fields = %v, want %s containing %q", e.Error.Fields, tc.field, tc.want)
				}
			}
		})
	}
	// The unavailable placeholder's error names the allowed ones.
	_, out := a.Do("PUT", "/api/v1/stores/"+store+"/message-center/order_failed", a.Token,
		map[string]any{"type": "custom", "body": "{{order_id}}", "button_label": "Go"})
	if !strings.Contains(string(out), "{{order.unprocessed_products}}") {
		t.Errorf("error does not list the allowed placeholders: %s", out)
	}
	after := a.messageCenter(store)
	for ev, e := range before {
		was, _ := json.Marshal(e)
		now, _ := json.Marshal(after[ev])
		if !bytes.Equal(was, now) {
			t.Errorf("%s changed by refused requests: %s → %s", ev, was, now)
		}
	}
}

func testVersionsAndRevert(t *testing.T, a *App) {
	store := a.CreateStore("Toko Kopi Senja")
	path := "/api/v1/stores/" + store + "/message-center/order_placed"
	a.MustJSON(200, "PUT", path, map[string]any{"type": "custom", "body": "First {{order_id}}", "button_label": "One"}, nil)
	a.MustJSON(200, "PUT", path, map[string]any{"body": "Second {{order_id}}", "automation_enabled": false}, nil)
	var vs struct {
		Versions []struct {
			Version   int    `json:"version"`
			CreatedBy string `json:"created_by"`
			Config    entry  `json:"config"`
		} `json:"versions"`
	}
	a.MustJSON(200, "GET", path+"/versions", nil, &vs)
	if len(vs.Versions) != 3 || vs.Versions[0].Version != 3 || vs.Versions[2].Version != 1 || vs.Versions[1].Config.Body != "First {{order_id}}" {
		t.Fatalf("versions = %+v", vs.Versions)
	}
	var got entry
	a.MustJSON(200, "POST", path+"/revert", map[string]any{"version": 2}, &got)
	if got.Version != 4 || got.Body != "First {{order_id}}" || got.Type != "custom" || !*got.AutomationEnabled {
		t.Fatalf("revert to 2 = %+v", got)
	}
	a.MustJSON(200, "PUT", path, map[string]any{"automation_enabled": false, "language": "id"}, nil)
	a.MustJSON(200, "POST", path+"/revert", map[string]any{"to": "default"}, &got)
	if got.Type != "default" || got.Language != "en" || got.Body != "" || got.ButtonLabel != "" || *got.AutomationEnabled || got.Version != 6 {
		t.Fatalf("revert to default = %+v (want default/en, toggle kept off)", got)
	}
	for _, body := range []any{map[string]any{"version": 99}, map[string]any{}, map[string]any{"to": "yesterday"}} {
		resp, out := a.Do("POST", path+"/revert", a.Token, body)
		if resp.StatusCode != 404 && resp.StatusCode != 422 {
			t.Errorf("revert %v: %d %s", body, resp.StatusCode, out)
		}
	}
}

func testPreview(t *testing.T, a *App) {
	store := a.CreateStore("Toko Kopi Senja")
	var msg struct {
		Text   string `json:"text"`
		Button struct {
			Label string `json:"label"`
			URL   string `json:"url"`
		} `json:"button"`
	}
	a.MustJSON(200, "POST", "/api/v1/stores/"+store+"/message-center/order_paid/preview",
		map[string]any{"type": "custom", "body": "{{store_name}} · {{order_id}}", "button_label": "Struk"}, &msg)
	if !strings.HasPrefix(msg.Text, "Toko Kopi Senja · #") || msg.Button.Label != "Struk" || !strings.HasPrefix(msg.Button.URL, a.Base+"/receipt/") {
		t.Fatalf("preview = %+v", msg)
	}
	// Nothing was saved.
	if e := a.messageCenter(store)[msgcenter.EventOrderPaid]; e.Version != 1 || e.Type != "default" {
		t.Fatalf("preview saved something: %+v", e)
	}
	a.MustJSON(200, "POST", "/api/v1/stores/"+store+"/message-center/order_paid/preview", map[string]any{"language": "id"}, &msg)
	if msg.Text == "" || msg.Button.Label == "" {
		t.Fatalf("default preview = %+v", msg)
	}
	resp, out := a.Do("POST", "/api/v1/stores/"+store+"/message-center/order_placed/preview", a.Token,
		map[string]any{"type": "custom", "body": "{{order_receipt_link}}", "button_label": "x"})
	if resp.StatusCode != 422 || !strings.Contains(string(out), "order_receipt_link") {
		t.Fatalf("preview of unavailable placeholder: %d %s", resp.StatusCode, out)
	}
}

func testStores(t *testing.T, a *App) {
	store := a.CreateStore("Toko Kopi Senja")
	var st map[string]any
	a.MustJSON(200, "PATCH", "/api/v1/stores/"+store, map[string]any{"order_incomplete_delay_minutes": 45, "language": "id"}, &st)
	if st["order_incomplete_delay_minutes"] != float64(45) || st["language"] != "id" {
		t.Fatalf("patched store = %v", st)
	}
	resp, out := a.Do("PATCH", "/api/v1/stores/"+store, a.Token, map[string]any{"time_zone": "Mars/Olympus", "name": "Renamed"})
	if resp.StatusCode != 422 || !strings.Contains(string(out), "time_zone") {
		t.Fatalf("bad time zone: %d %s", resp.StatusCode, out)
	}
	a.MustJSON(200, "GET", "/api/v1/stores/"+st["slug"].(string), nil, &st)
	if st["name"] != "Toko Kopi Senja" {
		t.Fatalf("refused PATCH changed the store: %v", st)
	}
	resp, _ = a.Do("GET", "/api/v1/stores", "", nil)
	if resp.StatusCode != 401 {
		t.Fatalf("no token: %d", resp.StatusCode)
	}
	resp, _ = a.Do("GET", "/api/v1/stores", "mc_forged", nil)
	if resp.StatusCode != 401 {
		t.Fatalf("bad token: %d", resp.StatusCode)
	}
	resp, out = a.Do("POST", "/api/v1/stores", a.Token, `{"name": "`+strings.Repeat("x", 2<<20)+`"}`)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversize body: %d %s", resp.StatusCode, out[:min(len(out), 200)])
	}
}

// testTenantIsolation walks every store-scoped route the router registered
// with another admin's token and requires 404, and checks the security
// headers on every answer.
func testTenantIsolation(t *testing.T, a *App) {
	store := a.CreateStore("Toko Kopi Senja")
	other := a.NewAdmin("intruder@example.com")
	routes := a.Main.HTTP.Routes()
	scoped := 0
	for _, pattern := range routes {
		method, path, _ := strings.Cut(pattern, " ")
		if !strings.Contains(path, "{store}") || strings.HasPrefix(path, "/admin/") {
			continue
		}
		scoped++
		path = strings.ReplaceAll(path, "{store}", store)
		path = strings.ReplaceAll(path, "{event}", "order_paid")
		for _, v := range []string{"{id}", "{room}", "{channel}", "{order}", "{product}", "{token}"} {
			path = strings.ReplaceAll(path, v, "1")
		}
		resp, out := a.Do(method, path, other, map[string]any{})
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s as another admin: %d, want 404: %s", pattern, resp.StatusCode, out)
		}
		resp, _ = a.Do(method, path, "", map[string]any{})
		// Webhooks authenticate by the store's secret in the URL, not a
		// token: without a valid one they find nothing (404 above).
		if want := http.StatusUnauthorized; strings.HasPrefix(path, "/api/") && resp.StatusCode != want {
			t.Errorf("%s without token: %d, want 401", pattern, resp.StatusCode)
		}
		checkSecurityHeaders(t, pattern, resp)
	}
	if scoped < 7 {
		t.Fatalf("only %d store-scoped routes registered", scoped)
	}
	// The dashboard's pages: another admin's session finds nothing, and no
	// session is sent to sign in.
	intruder := a.SignIn("intruder@example.com")
	anonymous := a.NewBrowser()
	pages := 0
	for _, pattern := range routes {
		method, path, _ := strings.Cut(pattern, " ")
		if !strings.HasPrefix(path, "/admin/stores/{store}") {
			continue
		}
		pages++
		path = strings.ReplaceAll(path, "{store}", store)
		path = strings.ReplaceAll(path, "{event}", "order_paid")
		path = strings.ReplaceAll(path, "{id}", "1")
		var resp *http.Response
		var body string
		if method == "POST" {
			resp, body = intruder.Post(path, url.Values{"name": {"Stolen"}})
		} else {
			resp, body = intruder.Get(path)
		}
		if resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "<html") {
			t.Errorf("%s as another admin: %d, want the 404 page", pattern, resp.StatusCode)
		}
		checkSecurityHeaders(t, pattern, resp)
		if method == "POST" {
			resp, _ = anonymous.Post(path, nil)
		} else {
			resp, _ = anonymous.Get(path)
		}
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
			t.Errorf("%s without session: %d %q, want 303 to sign in", pattern, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if pages < 8 {
		t.Fatalf("only %d admin store pages registered", pages)
	}
	// Every route the router registered with {store} was walked above.
	registered := 0
	for _, pattern := range routes {
		if strings.Contains(pattern, "{store}") {
			registered++
		}
	}
	if scoped+pages != registered {
		t.Fatalf("%d API/webhook routes and %d admin pages walked, but %d routes carry {store}", scoped, pages, registered)
	}
	for _, path := range []string{"/healthz", "/nowhere", "/api/v1/stores"} {
		resp, _ := a.Do("GET", path, "", nil)
		checkSecurityHeaders(t, path, resp)
	}
}

func checkSecurityHeaders(t *testing.T, what string, resp *http.Response) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
	}
	for h, v := range want {
		if got := resp.Header.Get(h); !strings.Contains(got, v) {
			t.Errorf("%s: %s = %q, want it to contain %q", what, h, got, v)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: CSP allows inline: %s", what, csp)
	}
}

// testLogOutput is where the program's logs go in tests: nowhere, unless
// MSGCENTER_TEST_LOG is set.
func testLogOutput() io.Writer {
	if os.Getenv("MSGCENTER_TEST_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}

// engineCase is one end-to-end case, run on a database URL of each engine.
type engineCase struct {
	name string
	fn   func(t *testing.T, dbURL string)
}

// runEngineCases runs every case as a parallel subtest on SQLite and on
// PostgreSQL, each with a fresh database.
func runEngineCases(t *testing.T, cases []engineCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sqltest.Engines(t, func(t *testing.T, dbURL string) { tc.fn(t, dbURL) })
		})
	}
}
