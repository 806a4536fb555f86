package sandbox_test

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// serve runs one request through h.
func serve(t *testing.T, h http.Handler, method, target string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func roomPath(id int64) string { return "/sandbox/rooms/" + strconv.FormatInt(id, 10) }

// inlineCode finds what the server's CSP (script-src 'self'; style-src
// 'self') would block: inline scripts, style attributes and elements, event
// handler attributes.
var inlineCode = regexp.MustCompile(`(?i)<script>|<script[^>]*>[^<]|\sstyle=|<style|\son[a-z]+=`)

func TestHandler(t *testing.T) {
	t.Parallel()
	sqltest.EachDB(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := mustFixture(t, db)
		h := f.p.Handler(sandbox.HandlerConfig{
			// The requester sees the first store only.
			StoreIDs: func(r *http.Request) ([]int64, error) { return []int64{f.store}, nil },
		})
		if err := f.p.AgeCustomer(ctx, f.store, f.wa.ID, 25*time.Hour); err != nil {
			t.Fatal(err)
		}

		t.Run("List", func(t *testing.T) {
			w := serve(t, h, "GET", "/sandbox", nil)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			body := w.Body.String()
			if !strings.Contains(html.UnescapeString(body), "+6281234567890") {
				t.Error("list page lacks the customer's phone")
			}
			for _, want := range []string{"Budi", "whatsapp", "WA Official", "Sari", "instagram",
				`href="` + roomPath(f.wa.ID) + `"`, "session expired (24h)", "session open", `<label for="fault-mode">`, `<label for="fault-n">`} {
				if !strings.Contains(body, want) {
					t.Errorf("list page lacks %q", want)
				}
			}
			if strings.Contains(body, "Hidden Customer") {
				t.Error("list page shows another store's room")
			}
			if inlineCode.MatchString(body) {
				t.Errorf("list page has inline code: %s", inlineCode.FindString(body))
			}
			if w := serve(t, h, "GET", "/sandbox/", nil); w.Code != http.StatusOK {
				t.Fatalf("GET /sandbox/: status %d", w.Code)
			}
		})

		t.Run("ListEveryStore", func(t *testing.T) {
			w := serve(t, f.p.Handler(sandbox.HandlerConfig{}), "GET", "/sandbox", nil)
			if !strings.Contains(w.Body.String(), "Hidden Customer") {
				t.Fatal("with no StoreIDs every store's rooms are listed")
			}
		})

		// Web chat shows a message's button; WhatsApp and Instagram get the
		// link as text.
		web := mustRoom(t, f.p, f.store, mustChannel(t, f.p, f.store, msgcenter.ChannelWeb, "Web chat"), msgcenter.ChannelWeb,
			"Web customer", "", f.clock.Now().Add(-time.Hour))
		t.Run("RoomEscaped", func(t *testing.T) {
			if _, err := f.sendMsg(ctx, &msgcenter.OutboundMessage{StoreID: f.store, Room: web, Text: "<script>alert(1)</script>",
				Button: &msgcenter.Button{Label: "Pay <now>", URL: "https://shop.example/pay?a=1&b=2"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.sendMsg(ctx, &msgcenter.OutboundMessage{StoreID: f.store, Room: web, Text: "evil link",
				Button: &msgcenter.Button{Label: "Click", URL: "javascript:alert(1)"}}); err != nil {
				t.Fatal(err)
			}
			w := serve(t, h, "GET", roomPath(web.ID), nil)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			body := w.Body.String()
			for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "Pay &lt;now&gt;",
				`href="https://shop.example/pay?a=1&amp;b=2"`, `class="msg out"`, `<label for="text">`,
				`action="` + roomPath(web.ID) + `/messages"`, `action="` + roomPath(web.ID) + `/age"`, `src="/sandbox/static/sandbox.js"`} {
				if !strings.Contains(body, want) {
					t.Errorf("room page lacks %q", want)
				}
			}
			for _, bad := range []string{"<script>alert(1)", "javascript:alert"} {
				if strings.Contains(body, bad) {
					t.Errorf("room page contains %q", bad)
				}
			}
			if inlineCode.MatchString(body) {
				t.Errorf("room page has inline code: %s", inlineCode.FindString(body))
			}
		})

		t.Run("Partial", func(t *testing.T) {
			w := serve(t, h, "GET", roomPath(web.ID)+"?partial=1", nil)
			body := w.Body.String()
			if w.Code != http.StatusOK || !strings.Contains(body, `id="conversation"`) || strings.Contains(body, "<html") ||
				!strings.Contains(body, "&lt;script&gt;") {
				t.Fatalf("partial: status %d: %s", w.Code, body)
			}
		})

		t.Run("PostMessage", func(t *testing.T) {
			f.clock.Add(time.Minute)
			w := serve(t, h, "POST", roomPath(f.wa.ID)+"/messages", url.Values{"text": {"<b>Halo</b> kak"}})
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != roomPath(f.wa.ID) {
				t.Fatalf("status %d, Location %q", w.Code, w.Header().Get("Location"))
			}
			ms := f.messages(t, f.store, f.wa.ID)
			if len(ms) == 0 || ms[len(ms)-1].Direction != "in" || ms[len(ms)-1].Text != "<b>Halo</b> kak" {
				t.Fatalf("messages = %+v", ms)
			}
			if got := f.lastInbound(t, f.wa.ID); !got.Equal(f.clock.Now()) {
				t.Fatalf("last_inbound_at = %s, want %s", got, f.clock.Now())
			}
			page := serve(t, h, "GET", roomPath(f.wa.ID), nil).Body.String()
			if !strings.Contains(page, "&lt;b&gt;Halo&lt;/b&gt; kak") || !strings.Contains(page, `class="msg in"`) || !strings.Contains(page, "session open") {
				t.Fatalf("room page after post: %s", page)
			}

			if w := serve(t, h, "POST", roomPath(f.wa.ID)+"/messages", url.Values{"text": {""}}); w.Code != http.StatusBadRequest {
				t.Fatalf("empty message: status %d", w.Code)
			}
		})

		t.Run("Age", func(t *testing.T) {
			w := serve(t, h, "POST", roomPath(f.wa.ID)+"/age", nil)
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != roomPath(f.wa.ID) {
				t.Fatalf("status %d, Location %q", w.Code, w.Header().Get("Location"))
			}
			if got, want := f.lastInbound(t, f.wa.ID), f.clock.Now().Add(-25*time.Hour); !got.Equal(want) {
				t.Fatalf("last_inbound_at = %s, want %s", got, want)
			}
			if page := serve(t, h, "GET", roomPath(f.wa.ID), nil).Body.String(); !strings.Contains(page, "session expired (24h)") {
				t.Fatal("aged room not shown expired")
			}
		})

		t.Run("HiddenRoom", func(t *testing.T) {
			before := f.lastInbound(t, f.otherRoom.ID)
			for _, req := range []struct{ method, path string }{
				{"GET", roomPath(f.otherRoom.ID)},
				{"GET", roomPath(f.otherRoom.ID) + "?partial=1"},
				{"POST", roomPath(f.otherRoom.ID) + "/messages"},
				{"POST", roomPath(f.otherRoom.ID) + "/age"},
				{"GET", roomPath(999999)},
				{"GET", "/sandbox/rooms/abc"},
				{"GET", "/sandbox/nowhere"},
			} {
				w := serve(t, h, req.method, req.path, url.Values{"text": {"sneaky"}})
				if w.Code != http.StatusNotFound {
					t.Errorf("%s %s: status %d, want 404", req.method, req.path, w.Code)
				}
				if strings.Contains(w.Body.String(), "Hidden Customer") {
					t.Errorf("%s %s shows the hidden room", req.method, req.path)
				}
			}
			if got := f.lastInbound(t, f.otherRoom.ID); !got.Equal(before) {
				t.Fatal("a hidden room was changed")
			}
			if ms := f.messages(t, f.other, f.otherRoom.ID); len(ms) != 0 {
				t.Fatalf("a hidden room got messages: %+v", ms)
			}
		})

		t.Run("Faults", func(t *testing.T) {
			store := strconv.FormatInt(f.store, 10)
			w := serve(t, h, "POST", "/sandbox/faults", url.Values{"store_id": {store}, "mode": {"permanent"}, "n": {"2"}})
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/sandbox" {
				t.Fatalf("status %d, Location %q", w.Code, w.Header().Get("Location"))
			}
			if page := serve(t, h, "GET", "/sandbox", nil).Body.String(); !strings.Contains(page, "permanent: 2 pending") {
				t.Fatal("pending faults not shown")
			}
			_, err := f.send(f.ig, "fails")
			wantProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonUndeliverable)
			// Another admin's store: as if it did not exist, and nothing changes.
			other := strconv.FormatInt(f.other, 10)
			if w := serve(t, h, "POST", "/sandbox/faults", url.Values{"store_id": {other}, "mode": {"permanent"}, "n": {"5"}}); w.Code != http.StatusNotFound {
				t.Fatalf("faults for a hidden store: status %d, want 404", w.Code)
			}
			if w := serve(t, h, "POST", "/sandbox/faults/clear", url.Values{"store_id": {other}}); w.Code != http.StatusNotFound {
				t.Fatalf("clearing a hidden store's faults: status %d, want 404", w.Code)
			}
			if pending, _ := f.p.PendingFaults(context.Background(), f.other); len(pending) != 0 {
				t.Fatalf("a hidden store got faults: %v", pending)
			}
			if w := serve(t, h, "POST", "/sandbox/faults/clear", url.Values{"store_id": {store}}); w.Code != http.StatusSeeOther {
				t.Fatalf("clear: status %d", w.Code)
			}
			if _, err := f.send(f.ig, "works"); err != nil {
				t.Fatal(err)
			}
			w = serve(t, h, "POST", "/sandbox/faults", url.Values{"store_id": {store}, "mode": {"flaky"}, "n": {"x"}})
			if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "must be one of") {
				t.Fatalf("bad faults: status %d: %s", w.Code, w.Body)
			}
		})

		t.Run("Static", func(t *testing.T) {
			for path, ctype := range map[string]string{"/sandbox/static/sandbox.css": "text/css", "/sandbox/static/sandbox.js": "javascript"} {
				w := serve(t, h, "GET", path, nil)
				if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Type"), ctype) {
					t.Errorf("GET %s: status %d, Content-Type %q", path, w.Code, w.Header().Get("Content-Type"))
				}
			}
		})

		t.Run("StoreIDsError", func(t *testing.T) {
			h := f.p.Handler(sandbox.HandlerConfig{StoreIDs: func(*http.Request) ([]int64, error) {
				return nil, msgcenter.Errorf(msgcenter.EUNAUTHORIZED, "Sign in first.")
			}})
			// Every page and action, taken from the router, needs a signed-in
			// admin; a signed-out request changes nothing.
			routes := h.(interface{ Routes() []string }).Routes()
			if len(routes) < 10 {
				t.Fatalf("routes = %v", routes)
			}
			for _, pattern := range routes {
				method, path, _ := strings.Cut(pattern, " ")
				path = strings.NewReplacer("{id}", strconv.FormatInt(f.ig.ID, 10), "{bid}", "1", "{$}", "").Replace(path)
				form := url.Values{"store_id": {strconv.FormatInt(f.store, 10)}, "mode": {"permanent"}, "n": {"3"}, "text": {"x"}}
				if w := serve(t, h, method, path, form); w.Code != http.StatusUnauthorized {
					t.Errorf("%s signed out: status %d, want 401", pattern, w.Code)
				}
			}
			if pending, _ := f.p.PendingFaults(context.Background(), f.store); len(pending) != 0 {
				t.Fatalf("a signed-out request injected faults: %v", pending)
			}
		})
	})
}

// TestHandler_NewChannelAndCustomer: the rooms page adds a channel to a
// visible store's app and a customer who writes first, whose message is
// posted to msgcenter's inbound webhook; another admin's store or channel
// is as if it did not exist.
func TestHandler_NewChannelAndCustomer(t *testing.T) {
	t.Parallel()
	sqltest.EachDB(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := mustFixture(t, db)
		sink, self := newHookSink(t)
		f.p.SetSelf(func() string { return self.URL }, self.Client())
		store := strconv.FormatInt(f.store, 10)
		inbound := "/hooks/qiscus/" + store + "/inbound/sec"
		if err := f.p.SetWebhooks(ctx, f.store, "http://msgcenter.example"+inbound, ""); err != nil {
			t.Fatal(err)
		}
		h := f.p.Handler(sandbox.HandlerConfig{StoreIDs: func(r *http.Request) ([]int64, error) { return []int64{f.store}, nil }})

		w := serve(t, h, "POST", "/sandbox/channels", url.Values{"store_id": {store}, "type": {"telegram"}, "name": {"Bot Toko"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("new channel: %d %s", w.Code, w.Body)
		}
		page := serve(t, h, "GET", "/sandbox", nil).Body.String()
		m := regexp.MustCompile(`<option value="(\d+)">Kopi Senja · Bot Toko \(telegram, channel id \d+\)</option>`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("the rooms page does not offer the new channel: %s", page)
		}
		w = serve(t, h, "POST", "/sandbox/rooms", url.Values{"channel_id": {m[1]}, "customer_name": {"Tono"}, "customer_user_id": {"tono_tg"}, "text": {"Halo"}})
		if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/sandbox/rooms/") {
			t.Fatalf("new customer: %d %s", w.Code, w.Body)
		}
		if posts := sink.got(inbound); len(posts) != 1 || !strings.Contains(string(posts[0]), `"name":"Tono"`) {
			t.Fatalf("inbound posts %q, want Tono's message", posts)
		}
		other := strconv.FormatInt(f.other, 10)
		if w := serve(t, h, "POST", "/sandbox/channels", url.Values{"store_id": {other}, "type": {"telegram"}, "name": {"x"}}); w.Code != http.StatusNotFound {
			t.Errorf("a channel for another admin's store: %d, want 404", w.Code)
		}
		otherChannel := strconv.FormatInt(f.otherRoom.ChannelID, 10)
		if w := serve(t, h, "POST", "/sandbox/rooms", url.Values{"channel_id": {otherChannel}, "text": {"x"}}); w.Code != http.StatusNotFound {
			t.Errorf("a customer on another admin's channel: %d, want 404", w.Code)
		}
	})
}
