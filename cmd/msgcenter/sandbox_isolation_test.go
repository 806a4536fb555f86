package main_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// sandboxState is what any sandbox action could change of a store.
func sandboxState(t *testing.T, sh *Shop) string {
	t.Helper()
	ctx := context.Background()
	sb := sh.Main.Sandbox
	pending, err := sb.PendingFaults(ctx, sh.StoreID)
	if err != nil {
		t.Fatal(err)
	}
	credits, _ := sb.Credits(ctx, sh.StoreID)
	templates, _ := sb.PlatformTemplates(ctx, sh.StoreID, sh.PlatformChannelID(sh.WhatsApp))
	buttons := sh.SandboxButtons()
	labels := []string{}
	for _, b := range buttons {
		labels = append(labels, b.Label+"|"+b.WebhookURL)
	}
	msgs, _ := sb.PlatformMessages(ctx, sh.StoreID, sh.P(sh.WARoom))
	var rooms struct {
		Rooms []struct {
			ID            int64  `json:"id"`
			LastInboundAt string `json:"last_inbound_at"`
		} `json:"rooms"`
	}
	sh.MustJSON(200, "GET", "/api/v1/stores/"+sh.Store+"/rooms", nil, &rooms)
	return fmt.Sprint(pending, credits, len(templates), labels, len(msgs), rooms.Rooms)
}

// TestSandboxTenantIsolation walks every sandbox page and action, taken
// from the sandbox's router: signed out each answers 401, and another
// admin reaching for this admin's rooms, buttons and stores finds nothing
// and changes nothing.
func TestSandboxTenantIsolation(t *testing.T) {
	a := MustRunMainWith(t, sqltest.SQLiteURL(t), nil)
	victim := a.NewShop("Toko Kopi Senja Korban")
	buttons := victim.SandboxButtons()
	if len(buttons) == 0 {
		t.Fatal("the store has no sandbox custom button")
	}
	a.NewAdmin("intruder@example.com")
	intruder := a.SignIn("intruder@example.com")
	anonymous := a.NewBrowser()
	routes := a.Main.HTTP.Sandbox.(interface{ Routes() []string }).Routes()
	if len(routes) < 12 {
		t.Fatalf("the sandbox's router lists %d routes: %v", len(routes), routes)
	}
	form := url.Values{"store_id": {victim.Store}, "mode": {"permanent"}, "n": {"5"}, "text": {"hijack"}, "label": {"Stolen"},
		"button_text": {"Stolen"}, "webhook_url": {a.Base + "/hooks/omnichannel/1/custom-button/x"}, "channel_id": {strconv.FormatInt(victim.PlatformChannelID(victim.WhatsApp), 10)},
		"name": {"stolen"}, "language": {"en"}, "category": {"Utility"}, "type": {"24-Hour Message"}, "status": {"rejected"},
		"body": {"Hi {{1}}"}, "amount": {"1000"}, "credits": {"1000"}}
	before := sandboxState(t, victim)
	for _, pattern := range routes {
		method, path, _ := strings.Cut(pattern, " ")
		path = strings.NewReplacer("{id}", strconv.FormatInt(victim.P(victim.WARoom), 10), "{bid}", strconv.FormatInt(buttons[0].ID, 10), "{mid}", "1", "{$}", "").Replace(path)
		do := func(b *Browser) (*http.Response, string) {
			if method == http.MethodPost {
				return b.Post(path, form)
			}
			return b.Get(path)
		}
		if resp, _ := do(anonymous); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s signed out: %d, want 401", pattern, resp.StatusCode)
		}
		resp, body := do(intruder)
		switch {
		case strings.Contains(pattern, "{id}") || strings.Contains(pattern, "{bid}") || method == http.MethodPost:
			// A room, a button or a store of another admin: as if it did not exist.
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s as another admin: %d, want 404", pattern, resp.StatusCode)
			}
		default:
			if resp.StatusCode != http.StatusOK || strings.Contains(body, "Korban") || strings.Contains(body, "Budi") {
				t.Errorf("%s as another admin: %d, or it shows the other admin's store or customer", pattern, resp.StatusCode)
			}
		}
	}
	if after := sandboxState(t, victim); after != before {
		t.Fatalf("the victim's sandbox state changed: %s, was %s", after, before)
	}
}
