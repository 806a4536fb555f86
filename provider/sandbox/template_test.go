package sandbox_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

func TestProvider_Templates(t *testing.T) {
	sqltest.EachDB(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := mustFixture(t, db)
		wa := mustChannel(t, f.p, f.store, msgcenter.ChannelWhatsApp, "WA")
		ig := mustChannel(t, f.p, f.store, msgcenter.ChannelInstagram, "IG")
		tpl := &msgcenter.WhatsAppTemplate{ChannelID: wa, Name: "order_update", Language: "en", Category: msgcenter.CategoryUtility,
			Type: msgcenter.TemplateType24Hour, Status: msgcenter.TemplateApproved, Body: "Hi {{1}}, order {{2}}.",
			Buttons: []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: "View", URL: "https://shop.example.com/", Dynamic: true}}}
		if err := f.p.CreatePlatformTemplate(ctx, f.store, tpl); err != nil {
			t.Fatal(err)
		}
		t.Run("ErrNotWhatsApp", func(t *testing.T) {
			bad := *tpl
			bad.ChannelID = ig
			if err := f.p.CreatePlatformTemplate(ctx, f.store, &bad); msgcenter.ErrorCode(err) != msgcenter.EINVALID || msgcenter.ErrorFields(err)["channel_id"] == "" {
				t.Fatalf("err = %v", err)
			}
		})
		send := func(params ...string) (*msgcenter.SendResult, error) {
			return f.clients[f.store].SendTemplate(ctx, &msgcenter.TemplateMessage{StoreID: f.store,
				Channel: &msgcenter.Channel{ID: wa, Type: msgcenter.ChannelWhatsApp, ExternalID: strconv.FormatInt(wa, 10)},
				To:      "+6281234567890", Template: tpl, Params: params, ButtonSuffix: "order/abc"})
		}
		t.Run("InsufficientCredits", func(t *testing.T) {
			_, err := send("Budi", "#1")
			wantProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonInsufficientCredits)
		})
		if err := f.p.TopUp(ctx, f.store, 2); err != nil {
			t.Fatal(err)
		}
		t.Run("ParameterMismatch", func(t *testing.T) {
			// The adapter refuses a count that does not fit before asking; the
			// platform refuses a value WhatsApp does not take.
			_, err := send("Budi", "line\nbreak")
			wantProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonParameterMismatch)
			old := *tpl
			tpl.Body = "Hi {{1}}."
			_, err = send("Budi")
			*tpl = old
			wantProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonParameterMismatch)
		})
		t.Run("Sent", func(t *testing.T) {
			if _, err := send("Budi", "#1"); err != nil {
				t.Fatal(err)
			}
			ms, err := f.p.PlatformTemplateMessages(ctx, f.store, wa)
			if err != nil || len(ms) != 1 || ms[0].Text != "Hi Budi, order #1." || ms[0].ButtonURL != "https://shop.example.com/order/abc" {
				t.Fatalf("messages = %+v, %v", ms, err)
			}
			if n, _ := f.p.Credits(ctx, f.store); n != 1 {
				t.Fatalf("credits = %d, want 1", n)
			}
		})
		t.Run("NotApproved", func(t *testing.T) {
			if err := f.p.SetPlatformTemplateStatus(ctx, f.store, wa, "order_update", "en", msgcenter.TemplatePaused); err != nil {
				t.Fatal(err)
			}
			_, err := send("Budi", "#2")
			wantProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonTemplateNotApproved)
			if n, _ := f.p.Credits(ctx, f.store); n != 1 {
				t.Fatalf("a refused template was charged: credits = %d", n)
			}
			f.p.SetPlatformTemplateStatus(ctx, f.store, wa, "order_update", "en", msgcenter.TemplateApproved)
		})
		t.Run("ConcurrentDebits", func(t *testing.T) {
			if err := f.p.TopUp(ctx, f.store, 9); err != nil { // 10 in all
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok, short := 0, 0
			for range 25 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := send("Budi", "#3")
					mu.Lock()
					defer mu.Unlock()
					if err == nil {
						ok++
					} else if msgcenter.ProviderErrorOf(err).Reason == msgcenter.ReasonInsufficientCredits {
						short++
					} else {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if n, _ := f.p.Credits(ctx, f.store); ok != 10 || short != 15 || n != 0 {
				t.Fatalf("25 sends for 10 credits: %d sent, %d short, balance %d", ok, short, n)
			}
		})
		t.Run("Page", func(t *testing.T) {
			h := f.p.Handler(sandbox.HandlerConfig{})
			rec := serve(t, h, "GET", "/sandbox/settings/whatsapp", nil)
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "order_update") {
				t.Fatalf("page: %d", rec.Code)
			}
			rec = serve(t, h, "POST", "/sandbox/settings/whatsapp/credits", url.Values{"store_id": {strconv.FormatInt(f.store, 10)}, "credits": {"5"}})
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("top up: %d %s", rec.Code, rec.Body)
			}
			rec = serve(t, h, "POST", "/sandbox/settings/whatsapp/templates/status", url.Values{"store_id": {strconv.FormatInt(f.store, 10)},
				"channel_id": {strconv.FormatInt(wa, 10)}, "name": {"order_update"}, "language": {"en"}, "status": {"rejected"}})
			if rec.Code != http.StatusSeeOther {
				t.Fatalf("status: %d %s", rec.Code, rec.Body)
			}
			list, _ := f.p.PlatformTemplates(ctx, f.store, wa)
			if n, _ := f.p.Credits(ctx, f.store); n != 5 || list[0].Status != "rejected" {
				t.Fatalf("after forms: credits %d, status %s", n, list[0].Status)
			}
		})
	})
}
