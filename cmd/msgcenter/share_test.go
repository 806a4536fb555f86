package main_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	main "github.com/qiscus/msgcenter/cmd/msgcenter"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// customButton is the custom_button of the share_microsite_url entry.
type customButton struct {
	URL         string   `json:"url"`
	Label       string   `json:"label"`
	AutoCreated bool     `json:"auto_created"`
	ManualSteps []string `json:"manual_steps"`
}

// CustomButton reads the store's custom button from the message center.
func (sh *Shop) CustomButton() customButton {
	sh.tb.Helper()
	var mc struct {
		Events []struct {
			Event        string        `json:"event"`
			CustomButton *customButton `json:"custom_button"`
		} `json:"events"`
	}
	sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store+"/message-center", nil, &mc)
	for _, e := range mc.Events {
		if e.Event == "share_microsite_url" {
			if e.CustomButton == nil {
				sh.tb.Fatal("share_microsite_url has no custom_button")
			}
			return *e.CustomButton
		}
		if e.CustomButton != nil {
			sh.tb.Fatalf("%s carries a custom_button", e.Event)
		}
	}
	sh.tb.Fatal("no share_microsite_url entry")
	return customButton{}
}

// SandboxButtons lists the store's buttons in the sandbox's Settings.
func (sh *Shop) SandboxButtons() []*sandbox.CustomButton {
	sh.tb.Helper()
	bs, err := sh.Main.Sandbox.CustomButtons(context.Background(), false, []int64{sh.StoreID})
	if err != nil {
		sh.tb.Fatal(err)
	}
	return bs
}

// noRedirect is a client that answers redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// PostForm posts a page form and returns the answer, redirects not followed.
func (a *App) PostForm(path string, form url.Values) (*http.Response, string) {
	a.tb.Helper()
	req, err := http.NewRequest("POST", a.Base+path, strings.NewReader(form.Encode()))
	if err != nil {
		a.tb.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// The sandbox's pages show the signed-in admin's stores only.
	req.Header.Set("Authorization", "Bearer "+a.Token)
	resp, err := noRedirect.Do(req)
	if err != nil {
		a.tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// Get fetches a page by absolute URL or path.
func (a *App) Get(u string) (int, string) {
	a.tb.Helper()
	if strings.HasPrefix(u, "/") {
		u = a.Base + u
	}
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		a.tb.Fatal(err)
	}
	if strings.HasPrefix(u, a.Base+"/sandbox") {
		req.Header.Set("Authorization", "Bearer "+a.Token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		a.tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// ClickInSandbox clicks the button in the room as an agent of the sandbox
// and returns the note the room page shows (the webhook's answer).
func (sh *Shop) ClickInSandbox(room, button int64) string {
	sh.tb.Helper()
	resp, body := sh.PostForm(fmt.Sprintf("/sandbox/rooms/%d/custom-buttons/%d/click", sh.P(room), button), url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		sh.tb.Fatalf("sandbox click: %d %s", resp.StatusCode, body)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	return loc.Query().Get("clicked")
}

// Webhook posts body to a custom button URL and returns status and answer.
func (sh *Shop) Webhook(hook, body string) (int, map[string]any) {
	sh.tb.Helper()
	resp, err := http.Post(hook, "application/json", strings.NewReader(body))
	if err != nil {
		sh.tb.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil {
		sh.tb.Fatalf("webhook answer %d %q: %v", resp.StatusCode, raw, err)
	}
	return resp.StatusCode, out
}

func (sh *Shop) clickPayload(room int64) string {
	return fmt.Sprintf(`{"room_id": "%d", "channel": {"id": %d, "type": "wa"}, "customer": {"name": "Budi", "user_id": "+6281234567890"},
		"agent": {"email": "sari@toko.example", "name": "Sari", "type": "agent"}, "additional_info": [], "is_resolved": false}`, room, sh.WhatsApp)
}

// outboxTexts waits until the room has n messages and no more arrive.
func (sh *Shop) waitOutbox(room int64, n int) []*sandbox.Message {
	sh.tb.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out := sh.Outbox(room)
		if len(out) >= n {
			time.Sleep(150 * time.Millisecond) // a duplicate would show by now
			if out = sh.Outbox(room); len(out) != n {
				sh.tb.Fatalf("room %d got %d messages, want %d", room, len(out), n)
			}
			return out
		}
		if time.Now().After(deadline) {
			sh.tb.Fatalf("room %d got %d messages, want %d", room, len(out), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestShareMicrositeURL(t *testing.T) {
	cases := []struct {
		name string
		fn   func(*testing.T, string)
	}{
		{"ClickDedupeAndErrors", testShareClick},
		{"RotateAndManualSteps", testShareRotateManual},
		{"NewRoomFromPayload", testShareNewRoom},
		{"MicrositeAndIncomplete", testShareMicrositeIncomplete},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sqltest.Engines(t, func(t *testing.T, dbURL string) { tc.fn(t, dbURL) })
		})
	}
}

func testShareClick(t *testing.T, dbURL string) {
	clock := NewClock()
	sh := MustRunMainWith(t, dbURL, func(c *main.Config) { c.Now = clock.Now }).NewShop("Toko Kopi Senja")

	b := sh.CustomButton()
	wantPrefix := sh.Base + "/hooks/omnichannel/" + sh.Store + "/custom-button/"
	if !strings.HasPrefix(b.URL, wantPrefix) || len(b.URL)-len(wantPrefix) != 43 || b.Label != "Toko Kopi Senja" || !b.AutoCreated {
		t.Fatalf("custom button = %+v", b)
	}
	if len(b.ManualSteps) != 7 || !strings.Contains(b.ManualSteps[0], b.URL) || !strings.Contains(b.ManualSteps[5], b.URL) {
		t.Fatalf("manual steps = %q", b.ManualSteps)
	}
	bs := sh.SandboxButtons()
	if len(bs) != 1 || bs[0].WebhookURL != b.URL || bs[0].Label != "Toko Kopi Senja" || !bs[0].Auto {
		t.Fatalf("sandbox buttons = %+v", bs)
	}
	// The room's page shows the button.
	if code, page := sh.Get(fmt.Sprintf("/sandbox/rooms/%d", sh.P(sh.WARoom))); code != 200 || !strings.Contains(page, fmt.Sprintf("/custom-buttons/%d/click", bs[0].ID)) {
		t.Fatalf("room page %d does not show the button", code)
	}

	// A click sends one message whose button opens a working personalised link.
	if note := sh.ClickInSandbox(sh.WARoom, bs[0].ID); !strings.Contains(note, "200") || !strings.Contains(note, `"sent"`) {
		t.Fatalf("click answered %q", note)
	}
	out := sh.waitOutbox(sh.WARoom, 1)
	ds := sh.WaitStoreDeliveries(1)
	if ds[0].Event != "share_microsite_url" || ds[0].Status != "sent" {
		t.Fatalf("delivery = %+v", ds[0])
	}
	link := out[0].ButtonURL
	if !strings.HasPrefix(link, sh.Base+"/s/toko-kopi-senja?t=") || !strings.Contains(out[0].Text, "Budi") {
		t.Fatalf("message = %q, button %q", out[0].Text, link)
	}
	if code, page := sh.Get(link); code != 200 || !strings.Contains(page, "Hi Budi") || !strings.Contains(page, "Kopi Susu") {
		t.Fatalf("personalised link: %d %s", code, page)
	}

	// The platform retries within 30 s: nothing more is sent.
	if note := sh.ClickInSandbox(sh.WARoom, bs[0].ID); !strings.Contains(note, `"duplicate"`) {
		t.Fatalf("retried click answered %q", note)
	}
	code, ans := sh.Webhook(b.URL, sh.clickPayload(sh.WARoom))
	if code != 200 || ans["status"] != "sent" {
		t.Fatalf("direct click: %d %v", code, ans)
	}
	reformatted := strings.Join(strings.Fields(sh.clickPayload(sh.WARoom)), " ")
	if code, again := sh.Webhook(b.URL, reformatted); code != 200 || again["status"] != "duplicate" || again["delivery_id"] != ans["delivery_id"] {
		t.Fatalf("retried direct click: %d %v, want duplicate of %v", code, again, ans["delivery_id"])
	}
	sh.waitOutbox(sh.WARoom, 2)

	// After 30 s a click is deliberate and sends again.
	clock.Advance(31 * time.Second)
	if note := sh.ClickInSandbox(sh.WARoom, bs[0].ID); !strings.Contains(note, `"sent"`) {
		t.Fatalf("click after 30 s answered %q", note)
	}
	sh.waitOutbox(sh.WARoom, 3)

	// Refused calls send nothing.
	secretless := strings.TrimSuffix(b.URL, b.URL[len(wantPrefix):])
	for _, tc := range []struct {
		name, url, body string
		code            int
		says            string
	}{
		{"WrongSecret", secretless + strings.Repeat("A", 43), sh.clickPayload(sh.WARoom), 404, "Unknown custom button"},
		{"UnknownStore", sh.Base + "/hooks/omnichannel/99999/custom-button/" + b.URL[len(wantPrefix):], sh.clickPayload(sh.WARoom), 404, "Unknown custom button"},
		{"Malformed", b.URL, `{"room_id": "1",`, 400, "Malformed JSON"},
		{"NotAnObject", b.URL, `[1, 2]`, 400, "Malformed JSON"},
		{"MissingRoomID", b.URL, `{"customer": {"name": "Budi"}, "extra": {"ignored": true}}`, 422, "kept"},
	} {
		code, ans := sh.Webhook(tc.url, tc.body)
		msg, _ := ans["error"].(map[string]any)["message"].(string)
		if code != tc.code || !strings.Contains(msg, tc.says) {
			t.Errorf("%s: %d %v, want %d saying %q", tc.name, code, ans, tc.code, tc.says)
		}
	}
	// The click that named no room is kept for the admin, as sent.
	var unplaced struct {
		Clicks []struct {
			Payload string `json:"payload"`
			Reason  string `json:"reason"`
		} `json:"unplaced_clicks"`
	}
	sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store+"/message-center/share_microsite_url/custom-button/unplaced-clicks", nil, &unplaced)
	if len(unplaced.Clicks) != 1 || !strings.Contains(unplaced.Clicks[0].Payload, "Budi") || !strings.Contains(unplaced.Clicks[0].Reason, "room_id") {
		t.Errorf("unplaced clicks = %+v, want the click without a room, with why", unplaced.Clicks)
	}
	sh.waitOutbox(sh.WARoom, 3)
}

func testShareRotateManual(t *testing.T, dbURL string) {
	sh := MustRunMain(t, dbURL).NewShop("Toko Kopi Senja")
	old := sh.CustomButton()

	var rotated customButton
	sh.MustJSON(200, "POST", "/api/v1/stores/"+sh.Store+"/message-center/share_microsite_url/custom-button/rotate", nil, &rotated)
	if rotated.URL == old.URL || !rotated.AutoCreated || !strings.Contains(rotated.ManualSteps[0], rotated.URL) {
		t.Fatalf("rotated = %+v, old %s", rotated, old.URL)
	}
	if got := sh.CustomButton(); got.URL != rotated.URL {
		t.Fatalf("message center shows %s after rotation, want %s", got.URL, rotated.URL)
	}
	if code, ans := sh.Webhook(old.URL, sh.clickPayload(sh.WARoom)); code != 404 {
		t.Fatalf("rotated-away URL: %d %v", code, ans)
	}
	bs := sh.SandboxButtons()
	if len(bs) != 1 || bs[0].WebhookURL != rotated.URL {
		t.Fatalf("sandbox button not re-created: %+v", bs)
	}
	if note := sh.ClickInSandbox(sh.IGRoom, bs[0].ID); !strings.Contains(note, `"sent"`) {
		t.Fatalf("click after rotation answered %q", note)
	}
	sh.waitOutbox(sh.IGRoom, 1)

	// The button is deleted in the omnichannel: no button, no click.
	if resp, body := sh.PostForm(fmt.Sprintf("/sandbox/settings/custom-buttons/%d/delete", bs[0].ID), url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d %s", resp.StatusCode, body)
	}
	if resp, _ := sh.PostForm(fmt.Sprintf("/sandbox/rooms/%d/custom-buttons/%d/click", sh.P(sh.WARoom), bs[0].ID), url.Values{}); resp.StatusCode != 404 {
		t.Fatalf("click on a deleted button: %d", resp.StatusCode)
	}
	if _, page := sh.Get(fmt.Sprintf("/sandbox/rooms/%d", sh.P(sh.WARoom))); !strings.Contains(page, "No custom buttons") {
		t.Fatal("room page still shows a button")
	}

	// The manual steps: Settings → Custom Button, label, text, the copied URL, save.
	steps := sh.CustomButton()
	form := url.Values{"store_id": {sh.Store}, "label": {"Toko Kopi Senja"}, "button_text": {"Kirim Link Toko"}, "webhook_url": {steps.URL}}
	if code, page := sh.Get("/sandbox/settings/custom-buttons"); code != 200 || !strings.Contains(page, "Webhook URL") {
		t.Fatalf("settings page: %d", code)
	}
	if resp, body := sh.PostForm("/sandbox/settings/custom-buttons", url.Values{"store_id": {sh.Store}, "label": {"x"}, "button_text": {"y"}, "webhook_url": {"not a url"}}); resp.StatusCode != 400 || !strings.Contains(body, "Webhook URL must be") {
		t.Fatalf("bad webhook URL: %d", resp.StatusCode)
	}
	if resp, body := sh.PostForm("/sandbox/settings/custom-buttons", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	bs = sh.SandboxButtons()
	if len(bs) != 1 || bs[0].Auto || bs[0].ButtonText != "Kirim Link Toko" {
		t.Fatalf("manual button = %+v", bs)
	}
	if note := sh.ClickInSandbox(sh.WARoom, bs[0].ID); !strings.Contains(note, `"sent"`) {
		t.Fatalf("click on the manual button answered %q", note)
	}
	out := sh.waitOutbox(sh.WARoom, 1)
	if !strings.Contains(out[0].ButtonURL, "/s/toko-kopi-senja?t=") {
		t.Fatalf("message button %q", out[0].ButtonURL)
	}
	// Editing the button keeps it working.
	form.Set("button_text", "Share Shop")
	if resp, body := sh.PostForm(fmt.Sprintf("/sandbox/settings/custom-buttons/%d", bs[0].ID), form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", resp.StatusCode, body)
	}
	if bs = sh.SandboxButtons(); bs[0].ButtonText != "Share Shop" {
		t.Fatalf("edited button = %+v", bs[0])
	}
}

func testShareNewRoom(t *testing.T, dbURL string) {
	sh := MustRunMain(t, dbURL).NewShop("Toko Kopi Senja")
	b := sh.CustomButton()
	// A room of the platform whose customer has not written to msgcenter's
	// knowledge: an agent's click is the first msgcenter hears of it.
	pr := &sandbox.PlatformRoom{StoreID: sh.StoreID, ChannelID: sh.PlatformChannelID(sh.IG), CustomerName: "Rina", CustomerUserID: "rina_ig"}
	if err := sh.Main.Sandbox.CreateRoom(context.Background(), pr); err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`{"room_id": %d, "channel": {"id": 777, "type": "ig"}, "customer": {"name": "Rina", "user_id": "rina_ig"},
		"agent": {"email": "sari@toko.example"}, "additional_info": [{"key": "tier", "value": 2}], "unknown": {"x": 1}}`, pr.ID)
	code, ans := sh.Webhook(b.URL, body)
	if code != 200 || ans["status"] != "sent" {
		t.Fatalf("click from an unknown room: %d %v", code, ans)
	}
	room := int64(ans["room_id"].(float64))
	if room == sh.WARoom || room == sh.IGRoom {
		t.Fatalf("click went to an existing room %d", room)
	}
	var rooms struct {
		Rooms []struct {
			ID           int64  `json:"id"`
			ChannelID    int64  `json:"channel_id"`
			ExternalID   string `json:"external_id"`
			CustomerName string `json:"customer_name"`
		} `json:"rooms"`
	}
	sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store+"/rooms", nil, &rooms)
	found := false
	for _, r := range rooms.Rooms {
		if r.ID == room {
			found = r.ChannelID == sh.IG && r.ExternalID == pr.ExternalID() && r.CustomerName == "Rina"
		}
	}
	if !found {
		t.Fatalf("new room %d not created on the Instagram channel: %+v", room, rooms.Rooms)
	}
	out := sh.waitOutbox(room, 1)
	if !strings.Contains(out[0].Text, "Rina") {
		t.Fatalf("message %q", out[0].Text)
	}
	// The platform's next click for that room finds it by its id.
	body2 := strings.Replace(body, `"agent": {"email": "sari@toko.example"}`, `"agent": {"email": "joko@toko.example"}`, 1)
	if code, ans := sh.Webhook(b.URL, body2); code != 200 || int64(ans["room_id"].(float64)) != room {
		t.Fatalf("second click: %d %v", code, ans)
	}
	// A channel type the store lacks cannot create a room.
	if code, ans := sh.Webhook(b.URL, `{"room_id": "x-1", "channel": {"type": "line"}}`); code != 422 {
		t.Fatalf("click on a channel the store lacks: %d %v", code, ans)
	}
}

func testShareMicrositeIncomplete(t *testing.T, dbURL string) {
	clock := NewClock()
	sh := MustRunMainWith(t, dbURL, func(c *main.Config) { c.Now = clock.Now }).NewShop("Toko Kopi Senja")
	b := sh.CustomButton()
	if code, ans := sh.Webhook(b.URL, sh.clickPayload(sh.WARoom)); code != 200 {
		t.Fatalf("click: %d %v", code, ans)
	}
	link := sh.waitOutbox(sh.WARoom, 1)[0].ButtonURL
	token := link[strings.Index(link, "?t=")+3:]

	// The plain microsite greets nobody; a forged token shows a notice.
	if code, page := sh.Get("/s/toko-kopi-senja"); code != 200 || strings.Contains(page, "Budi") || !strings.Contains(page, "Roti Bakar") {
		t.Fatalf("plain microsite: %d", code)
	}
	if code, page := sh.Get("/s/toko-kopi-senja?t=forged" + token[6:]); code != 200 || strings.Contains(page, "Budi") || !strings.Contains(page, "no longer valid") {
		t.Fatalf("forged token: %d", code)
	}
	// Another store's microsite does not accept this store's token.
	sh.App.NewShop("Toko Roti Pagi")
	if code, page := sh.Get("/s/toko-roti-pagi?t=" + token); code != 200 || strings.Contains(page, "Budi") || !strings.Contains(page, "no longer valid") {
		t.Fatalf("token on another store: %d", code)
	}

	// Checkout from the personalised link starts the room's checkout.
	resp, body := sh.PostForm("/s/toko-kopi-senja/checkout", url.Values{"t": {token}, "qty_" + strconv.FormatInt(sh.Kopi, 10): {"2"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("checkout: %d %s", resp.StatusCode, body)
	}
	resume := resp.Header.Get("Location")
	if !strings.HasPrefix(resume, "/s/toko-kopi-senja/checkout/") {
		t.Fatalf("checkout went to %q", resume)
	}
	ctoken := strings.TrimPrefix(resume, "/s/toko-kopi-senja/checkout/")
	if code, page := sh.Get("/s/toko-roti-pagi/checkout/" + ctoken); code != 404 {
		t.Fatalf("checkout token on another store: %d %s", code, page)
	}
	// An empty cart is refused.
	if resp, body := sh.PostForm("/s/toko-kopi-senja/checkout", url.Values{"t": {token}}); resp.StatusCode != 422 || !strings.Contains(body, "cart is empty") {
		t.Fatalf("empty cart: %d", resp.StatusCode)
	}

	// The customer leaves; after the delay order_incomplete's button resumes it.
	clock.Advance(31 * time.Minute)
	out := sh.waitOutbox(sh.WARoom, 2)
	if want := sh.Base + resume; out[1].ButtonURL != want {
		t.Fatalf("order_incomplete button = %q, want %q", out[1].ButtonURL, want)
	}
	code, page := sh.Get(out[1].ButtonURL)
	if code != 200 || !strings.Contains(page, "Kopi Susu") || !strings.Contains(page, `value="Budi"`) || !strings.Contains(page, "Rp\u00a050.000") {
		t.Fatalf("resume page: %d %s", code, page)
	}
	if !strings.Contains(page, "Rp\u00a067.000") { // 50.000 + regular 15.000 + service 2.000
		t.Errorf("resume page lacks the grand total")
	}

	// A form error keeps the input.
	form := url.Values{"name": {"Budi"}, "phone": {"12"}, "address": {"Jl. Braga 1"}, "delivery_method": {"instant"}, "payment_method": {"qris"}}
	resp, body = sh.PostForm(resume, form)
	if resp.StatusCode != 422 || !strings.Contains(body, "international form") || !strings.Contains(body, `value="instant" data-fee`) {
		t.Fatalf("bad phone: %d %s", resp.StatusCode, body)
	}
	form.Set("phone", "+6281234567890")
	resp, body = sh.PostForm(resume, form)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/s/toko-kopi-senja/orders/") {
		t.Fatalf("place: %d %s", resp.StatusCode, body)
	}
	code, page = sh.Get(resp.Header.Get("Location"))
	if code != 200 || !strings.Contains(page, "#1") || !strings.Contains(page, `href="/order/`) {
		t.Fatalf("confirmation: %d %s", code, page)
	}
	out = sh.waitOutbox(sh.WARoom, 3)
	if !strings.Contains(out[2].ButtonURL, "/order/") {
		t.Fatalf("order_placed button %q", out[2].ButtonURL)
	}
	// The checkout is done: submitting again places nothing.
	if resp, _ := sh.PostForm(resume, form); resp.StatusCode != http.StatusConflict {
		t.Fatalf("second submit: %d", resp.StatusCode)
	}

	// Out of stock from the plain microsite: the page lists what failed.
	sh.MustJSON(200, "PATCH", fmt.Sprintf("/api/v1/stores/%s/products/%d", sh.Store, sh.Roti), map[string]any{"stock": 1}, nil)
	plain := url.Values{"qty_" + strconv.FormatInt(sh.Roti, 10): {"1"}}
	resp, body = sh.PostForm("/s/toko-kopi-senja/checkout", plain)
	if resp.StatusCode != 200 || !strings.Contains(body, `action="/s/toko-kopi-senja/order"`) {
		t.Fatalf("plain checkout: %d %s", resp.StatusCode, body)
	}
	sh.MustJSON(200, "PATCH", fmt.Sprintf("/api/v1/stores/%s/products/%d", sh.Store, sh.Roti), map[string]any{"stock": 0}, nil)
	plain.Set("name", "Tamu")
	plain.Set("phone", "+6289999999999")
	plain.Set("address", "Jl. Asia Afrika 8")
	plain.Set("delivery_method", "regular")
	plain.Set("payment_method", "cod")
	resp, body = sh.PostForm("/s/toko-kopi-senja/order", plain)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "Roti Bakar") || !strings.Contains(body, "out of stock") {
		t.Fatalf("failed plain order: %d %s", resp.StatusCode, body)
	}

	// Seven days later the link has expired: plain page, notice, no name.
	clock.Advance(7 * 24 * time.Hour)
	if code, page := sh.Get(link); code != 200 || strings.Contains(page, "Budi") || !strings.Contains(page, "no longer valid") {
		t.Fatalf("expired link: %d", code)
	}
}
