package main_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// Browser is an HTTP client with a cookie jar that does not follow
// redirects, so tests see each answer of the dashboard.
type Browser struct {
	tb     testing.TB
	base   string
	client *http.Client
}

// NewBrowser returns a client without a session.
func (a *App) NewBrowser() *Browser {
	a.tb.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		a.tb.Fatal(err)
	}
	return &Browser{tb: a.tb, base: a.Base, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// SignIn signs in with the test password of NewAdmin and returns the client.
func (a *App) SignIn(email string) *Browser {
	a.tb.Helper()
	b := a.NewBrowser()
	resp, body := b.Post("/admin/login", url.Values{"email": {email}, "password": {"correct horse battery"}})
	if resp.StatusCode != http.StatusSeeOther {
		a.tb.Fatalf("sign in as %s: %d %s", email, resp.StatusCode, body)
	}
	return b
}

// Get fetches path.
func (b *Browser) Get(path string) (*http.Response, string) {
	b.tb.Helper()
	return b.do("GET", path, "", nil)
}

// Post submits a form to path.
func (b *Browser) Post(path string, form url.Values) (*http.Response, string) {
	b.tb.Helper()
	return b.do("POST", path, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
}

func (b *Browser) do(method, path, contentType string, body io.Reader) (*http.Response, string) {
	b.tb.Helper()
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.tb.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.tb.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		b.tb.Fatal(err)
	}
	return resp, string(out)
}

func TestAdmin(t *testing.T) {
	cases := []struct {
		name string
		fn   func(*testing.T, *App)
	}{
		{"SignInOut", testAdminSignInOut},
		{"Location", testAdminLocation},
		{"Pages", testAdminPages},
		{"OrderActions", testAdminOrderActions},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sqltest.Engines(t, func(t *testing.T, dbURL string) { tc.fn(t, MustRunMain(t, dbURL)) })
		})
	}
}

func testAdminSignInOut(t *testing.T, a *App) {
	store := a.CreateStore("Toko Kopi Senja")
	b := a.NewBrowser()

	// Not signed in: to the sign-in page, which brings the admin back.
	resp, _ := b.Get("/admin/stores/" + store + "/location")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/login?next=%2Fadmin%2Fstores%2F"+store+"%2Flocation" {
		t.Fatalf("no session: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := b.Get("/admin/login?next=/admin/stores/" + store + "/location")
	if resp.StatusCode != 200 || !strings.Contains(body, `name="next" value="/admin/stores/`+store+`/location"`) {
		t.Fatalf("login page: %d %s", resp.StatusCode, body)
	}
	// The JSON API answers 401 without a session rather than redirecting.
	resp, _ = b.Get("/api/v1/stores")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("API without session: %d", resp.StatusCode)
	}

	for _, tc := range []struct{ name, email, password string }{
		{"ErrWrongPassword", "admin@example.com", "wrong password"},
		{"ErrUnknownEmail", "nobody@example.com", "correct horse battery"},
		{"ErrEmpty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := b.Post("/admin/login", url.Values{"email": {tc.email}, "password": {tc.password}})
			if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Invalid email or password.") {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			if len(resp.Cookies()) != 0 {
				t.Fatalf("cookie set on a failed sign-in: %v", resp.Cookies())
			}
		})
	}

	// Only a same-site path is a place to go back to.
	for next, want := range map[string]string{
		"/admin/stores/" + store + "/orders": "/admin/stores/" + store + "/orders",
		"https://evil.example/":              "/admin",
		"//evil.example/x":                   "/admin",
		"/\\evil.example":                    "/admin",
		"":                                   "/admin",
	} {
		c := a.NewBrowser()
		resp, _ := c.Post("/admin/login", url.Values{"email": {"admin@example.com"}, "password": {"correct horse battery"}, "next": {next}})
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("next=%q: %d → %q, want %q", next, resp.StatusCode, resp.Header.Get("Location"), want)
		}
		var cookie *http.Cookie
		for _, c := range resp.Cookies() {
			if c.Name == "msgcenter_session" {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure || cookie.MaxAge < 0 {
			t.Errorf("session cookie = %+v", cookie)
		}
	}

	b = a.SignIn("admin@example.com")
	resp, _ = b.Get("/admin")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/stores/"+store+"/message-center" {
		t.Fatalf("/admin: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = b.Get("/admin/stores/" + store + "/location")
	if resp.StatusCode != 200 || !strings.Contains(body, "Toko Kopi Senja") || resp.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("location page: %d %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	// The session also authenticates the JSON API, which the pages' script calls.
	resp, body = b.Get("/api/v1/stores/" + store + "/message-center")
	if resp.StatusCode != 200 || !strings.Contains(body, "order_paid") {
		t.Fatalf("API with session: %d %s", resp.StatusCode, body)
	}

	resp, _ = b.Post("/admin/logout", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/login" {
		t.Fatalf("logout: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, path := range []string{"/admin/stores/" + store + "/location", "/admin"} {
		if resp, _ := b.Get(path); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s after sign-out: %d", path, resp.StatusCode)
		}
	}
	if resp, _ := b.Get("/api/v1/stores"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("API after sign-out: %d", resp.StatusCode)
	}
}

func testAdminLocation(t *testing.T, a *App) {
	store := a.CreateStore("Toko Kopi Senja")
	b := a.SignIn("admin@example.com")
	var before map[string]any
	a.MustJSON(200, "GET", "/api/v1/stores/"+store, nil, &before)

	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
	}{
		{"ErrName", url.Values{"name": {"  "}, "address": {"Jl. Baru"}, "time_zone": {"Asia/Jakarta"}, "language": {"id"}, "order_incomplete_delay_minutes": {"45"}}, "Store name is required"},
		{"ErrTimeZone", url.Values{"name": {"Renamed"}, "address": {""}, "time_zone": {"Mars/Olympus"}, "language": {"en"}, "order_incomplete_delay_minutes": {"30"}}, "Time zone must be an IANA time zone"},
		{"ErrDelay", url.Values{"name": {"Renamed"}, "address": {""}, "time_zone": {"Asia/Jakarta"}, "language": {"en"}, "order_incomplete_delay_minutes": {"0"}}, "Delay must be between 1 and 10080"},
		{"ErrDelayNotNumber", url.Values{"name": {"Renamed"}, "address": {""}, "time_zone": {"Asia/Jakarta"}, "language": {"en"}, "order_incomplete_delay_minutes": {"soon"}}, "Delay must be a whole number"},
		{"ErrLanguage", url.Values{"name": {"Renamed"}, "address": {""}, "time_zone": {"Asia/Jakarta"}, "language": {"fr"}, "order_incomplete_delay_minutes": {"30"}}, "Page language must be one of en, id"},
		{"ErrRestock", url.Values{"name": {"Renamed"}, "address": {""}, "time_zone": {"Asia/Jakarta"}, "language": {"en"}, "order_incomplete_delay_minutes": {"30"},
			"restock_on_refund": {"0", "maybe"}}, "refunded must be on or off"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := b.Post("/admin/stores/"+store+"/location", tc.form)
			if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, tc.field) {
				t.Fatalf("%d, want 422 with %q: %s", resp.StatusCode, tc.field, body)
			}
			// The form is shown again as typed.
			if name := tc.form.Get("name"); strings.TrimSpace(name) != "" && !strings.Contains(body, `value="`+name+`"`) {
				t.Errorf("typed name %q not kept", name)
			}
			if !strings.Contains(body, `value="`+tc.form.Get("order_incomplete_delay_minutes")+`"`) {
				t.Errorf("typed delay not kept")
			}
			var after map[string]any
			a.MustJSON(200, "GET", "/api/v1/stores/"+store, nil, &after)
			if fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("refused form changed the store: %v → %v", before, after)
			}
		})
	}

	if before["restock_on_refund"] != true {
		t.Fatalf("a new store's restock_on_refund = %v, want true", before["restock_on_refund"])
	}
	_, body := b.Get("/admin/stores/" + store + "/location")
	if !strings.Contains(body, `id="loc-restock" name="restock_on_refund" type="checkbox" value="1" checked`) {
		t.Fatalf("location page without the restock checkbox checked: %s", body)
	}
	// The unchecked box sends only its hidden "0".
	resp, _ := b.Post("/admin/stores/"+store+"/location", url.Values{"name": {"Kopi Senja Baru"}, "address": {"Jl. Braga 2"},
		"time_zone": {"Asia/Makassar"}, "language": {"id"}, "order_incomplete_delay_minutes": {"45"}, "restock_on_refund": {"0"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	var st map[string]any
	a.MustJSON(200, "GET", "/api/v1/stores/"+store, nil, &st)
	if st["name"] != "Kopi Senja Baru" || st["address"] != "Jl. Braga 2" || st["time_zone"] != "Asia/Makassar" ||
		st["language"] != "id" || st["order_incomplete_delay_minutes"] != float64(45) || st["restock_on_refund"] != false {
		t.Fatalf("saved store = %v", st)
	}
	_, body = b.Get(resp.Header.Get("Location"))
	if !strings.Contains(body, "Location saved.") || !strings.Contains(body, `<option value="Asia/Makassar" selected>`) {
		t.Fatalf("page after save: %s", body)
	}
}

func testAdminPages(t *testing.T, a *App) {
	sh := a.NewShop("Toko Kopi Senja")
	o := sh.Order(sh.WARoom)
	sh.WaitOrderDeliveries(o.ID, 1)
	b := a.SignIn("admin@example.com")

	resp, body := b.Get("/admin/stores/" + sh.Store + "/message-center")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "/message-center/share_microsite_url") {
		t.Fatalf("message-center: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, ev := range []string{"share_microsite_url", "order_failed", "order_incomplete", "order_placed", "order_paid"} {
		resp, body = b.Get("/admin/stores/" + sh.Store + "/message-center/" + ev)
		if resp.StatusCode != 200 || !strings.Contains(body, `id="mc-form"`) || !strings.Contains(body, "/static/admin.js") {
			t.Fatalf("%s: %d", ev, resp.StatusCode)
		}
		if has := strings.Contains(body, `id="mc-automation"`); has != (ev != "share_microsite_url") {
			t.Errorf("%s: automation toggle present = %v", ev, has)
		}
	}
	if resp, _ := b.Get("/admin/stores/" + sh.Store + "/message-center/order_shipped"); resp.StatusCode != 404 {
		t.Errorf("unknown event: %d", resp.StatusCode)
	}
	resp, body = b.Get("/admin/stores/" + sh.Store + "/orders")
	if resp.StatusCode != 200 || !strings.Contains(body, fmt.Sprintf("#%d", o.Number)) || !strings.Contains(body, "Sent (1) · Failed (0)") {
		t.Fatalf("orders: %d %s", resp.StatusCode, body)
	}
	resp, body = b.Get(fmt.Sprintf("/admin/stores/%s/orders/%d", sh.Store, o.ID))
	if resp.StatusCode != 200 || !strings.Contains(body, "Mark paid") || !strings.Contains(body, "Attempt 1") {
		t.Fatalf("order: %d %s", resp.StatusCode, body)
	}
	if resp, _ := b.Get("/admin/stores/" + sh.Store + "/messages"); resp.StatusCode != 200 {
		t.Fatalf("messages: %d", resp.StatusCode)
	}
	if resp, _ := b.Get("/admin/stores/" + sh.Store + "/orders/999999"); resp.StatusCode != 404 {
		t.Fatalf("unknown order: %d", resp.StatusCode)
	}
}

func testAdminOrderActions(t *testing.T, a *App) {
	sh := a.NewShop("Toko Kopi Senja")
	o := sh.Order(sh.WARoom)
	b := a.SignIn("admin@example.com")
	base := fmt.Sprintf("/admin/stores/%s/orders/%d", sh.Store, o.ID)

	// Refunding an unpaid order is refused by the order flow's rule.
	resp, body := b.Post(base+"/refund", nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "cannot be refunded") {
		t.Fatalf("refund unpaid: %d %s", resp.StatusCode, body)
	}
	resp, _ = b.Post(base+"/pay", nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != base+"?done=pay" {
		t.Fatalf("pay: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body = b.Get(base + "?done=pay")
	if !strings.Contains(body, "Order marked paid.") || !strings.Contains(body, ">Paid<") {
		t.Fatalf("after pay: %s", body)
	}
	sh.WaitOrderDeliveries(o.ID, 2)
	resp, _ = b.Post(base+"/refund", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("refund: %d", resp.StatusCode)
	}
	var got orderOut
	a.MustJSON(200, "GET", fmt.Sprintf("/api/v1/stores/%s/orders/%d", sh.Store, o.ID), nil, &got)
	if got.Status != "refunded" {
		t.Fatalf("status = %q, want refunded", got.Status)
	}
	resp, _ = b.Post(base+"/cancel", nil)
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("cancel refunded: %d", resp.StatusCode)
	}

	// A paid order offers "Cancel and refund", not a plain cancel, and a
	// plain cancel is refused; cancelled with its refund it reads so.
	o2 := sh.Order(sh.WARoom)
	base2 := fmt.Sprintf("/admin/stores/%s/orders/%d", sh.Store, o2.ID)
	if resp, _ := b.Post(base2+"/pay", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("pay: %d", resp.StatusCode)
	}
	_, body = b.Get(base2)
	if !strings.Contains(body, `id="action-cancel-refund"`) || strings.Contains(body, `id="action-cancel"`) {
		t.Fatalf("a paid order's actions: %s", body)
	}
	resp, body = b.Post(base2+"/cancel", nil)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "cancelled only with a refund") {
		t.Fatalf("plain cancel of a paid order: %d %s", resp.StatusCode, body)
	}
	resp, _ = b.Post(base2+"/cancel", url.Values{"refund": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel and refund: %d", resp.StatusCode)
	}
	_, body = b.Get(base2)
	if !strings.Contains(body, ">Cancelled<") || !strings.Contains(body, `id="order-refunded"`) ||
		strings.Contains(body, `id="action-cancel`) || strings.Contains(body, `id="action-refund"`) {
		t.Fatalf("a cancelled, refunded order: %s", body)
	}
	// Without a session nothing happens.
	resp, _ = a.NewBrowser().Post(base+"/cancel", nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/admin/login") {
		t.Fatalf("cancel without session: %d", resp.StatusCode)
	}
}
