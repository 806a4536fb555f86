package qiscus_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
	"github.com/qiscus/msgcenter/provider/qiscus/qiscustest"
)

// TestContractSuite runs the contract shared with the sandbox's local
// Qiscus against the recorded answers.
func TestContractSuite(t *testing.T) {
	qiscustest.Run(t, func(t *testing.T) *qiscustest.Fixture {
		rc := &recorded{t: t}
		srv := httptest.NewServer(rc)
		t.Cleanup(srv.Close)
		clock := newFakeClock()
		return &qiscustest.Fixture{BaseURL: srv.URL, AppID: testApp, Secret: testSecret, Channel: "4521", Room: "88213004",
			Phone: "+6281234567890", LastCustomerAt: time.Date(2026, 12, 3, 9, 15, 2, 0, time.UTC), Now: clock.Now, Sleep: clock.Sleep,
			HSMPages: func() int { return rc.hsmPages },
			Arrange: func(t *testing.T, err string) {
				switch err {
				case qiscustest.ErrSessionExpired:
					rc.errorFile, rc.errorStatus = "error_131047.json", 400
				case qiscustest.ErrParameterMismatch:
					rc.errorFile, rc.errorStatus = "error_132000.json", 400
				default:
					t.Fatalf("no recorded answer for %s", err)
				}
			}}
	})
}

// recorded serves the answers in testdata/, written from the platform's
// documented samples (field names and types as documented, values our
// own). errorFile, when set, is the body of every send's answer, with
// status errorStatus.
type recorded struct {
	t                      *testing.T
	errorFile              string
	errorStatus            int
	hsmPages, roomRequests int
}

func (rc *recorded) file(name string) string {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		rc.t.Fatal(err)
	}
	return string(b)
}

func (rc *recorded) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	send := func(status int, body string) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
	if r.Header.Get("Qiscus-Secret-Key") != testSecret {
		send(401, rc.file("error_unauthorized.json"))
		return
	}
	isSend := r.Method == http.MethodPost && (r.URL.Path == "/"+testApp+"/bot" || strings.HasPrefix(r.URL.Path, "/whatsapp/v1/"))
	switch {
	case isSend && rc.errorFile != "":
		send(rc.errorStatus, rc.file(rc.errorFile))
	case r.Method == http.MethodPost && r.URL.Path == "/"+testApp+"/bot":
		send(200, rc.file("bot_send.json"))
	case r.Method == http.MethodPost && r.URL.Path == "/whatsapp/v1/"+testApp+"/4521/messages":
		send(200, rc.file("template_send.json"))
	case r.Method == http.MethodGet && r.URL.Path == "/api/v2/admin/hsm" && r.URL.Query().Get("channel_id") == "4521":
		rc.hsmPages++
		switch r.URL.Query().Get("page") {
		case "1":
			send(200, rc.file("hsm_page1.json"))
		case "2":
			send(200, rc.file("hsm_page2.json"))
		default:
			send(200, `{"status":200,"data":{"hsm_templates":[]},"meta":{"page":3,"total_page":2}}`)
		}
	case r.Method == http.MethodGet && r.URL.Path == "/api/v2/customer_rooms/88213004":
		rc.roomRequests++
		send(200, rc.file("customer_room.json"))
	default:
		send(404, `{"status":404,"errors":{"message":"not found"}}`)
	}
}

// contractClient is a client of testApp on base whose store's channel 7 is
// the platform's channel 4521.
func contractClient(base string, clock *fakeClock) *qiscus.Client {
	return qiscus.New(qiscus.Config{BaseURL: base, AppID: testApp, SecretKey: testSecret, Now: clock.Now, Sleep: clock.Sleep,
		Channels: channelFinder(func(_ context.Context, storeID, id int64) (*msgcenter.Channel, error) {
			return &msgcenter.Channel{ID: id, StoreID: storeID, Type: msgcenter.ChannelWhatsApp, ExternalID: "4521"}, nil
		})})
}

// TestContract runs the adapter against the recorded answers.
func TestContract(t *testing.T) {
	ctx := context.Background()
	start := func(t *testing.T) (*recorded, *qiscus.Client, *fakeClock) {
		rc := &recorded{t: t}
		srv := httptest.NewServer(rc)
		t.Cleanup(srv.Close)
		clock := newFakeClock()
		return rc, contractClient(srv.URL, clock), clock
	}
	room := &msgcenter.Room{ID: 3, StoreID: 1, ChannelType: msgcenter.ChannelWhatsApp, ExternalID: "88213004"}

	t.Run("BotSend", func(t *testing.T) {
		_, c, _ := start(t)
		res, err := c.Send(ctx, &msgcenter.OutboundMessage{StoreID: 1, Room: room, Text: "Halo Siti"})
		if err != nil || res.ProviderMessageID != "1187343221" {
			t.Fatalf("Send = %+v, %v; want the comment id 1187343221", res, err)
		}
	})

	t.Run("TemplateCatalogueEveryPage", func(t *testing.T) {
		rc, c, _ := start(t)
		ts, err := c.Templates(ctx, 1, 7)
		if err != nil {
			t.Fatal(err)
		}
		if rc.hsmPages != 2 {
			t.Errorf("read %d pages, want the 2 of total_page", rc.hsmPages)
		}
		byKey := map[string]*msgcenter.WhatsAppTemplate{}
		for _, tpl := range ts {
			byKey[tpl.Name+"/"+tpl.Language] = tpl
		}
		if len(ts) != 7 || byKey["other_channel/en"] != nil {
			t.Fatalf("%d templates (%v), want the 7 of channel 4521 only", len(ts), keys(byKey))
		}
		receipt := byKey["order_paid_receipt/id"]
		if receipt == nil || receipt.Namespace != "b7e1c2d4_aa01_4f6e_9d1b_77e0c5b2a913" || receipt.Type != msgcenter.TemplateType24Hour ||
			receipt.Status != msgcenter.TemplateApproved || receipt.HeaderFormat != msgcenter.HeaderDocument ||
			receipt.HeaderSample != "https://cdn.example/hsm/receipt-sample.pdf" || receipt.ChannelID != 7 || !qiscustest.UsableForFallback(receipt) {
			t.Errorf("order_paid_receipt = %+v", receipt)
		}
		for key, want := range map[string]string{
			"order_placed/en": msgcenter.TemplateApproved, "order_placed/id": msgcenter.TemplatePending,
			"weekend_promo/id": msgcenter.TemplatePaused, "old_notice/en": msgcenter.TemplateRejected, "order_update/en": msgcenter.TemplateApproved,
		} {
			if byKey[key] == nil || byKey[key].Status != want {
				t.Errorf("%s status = %+v, want %s", key, byKey[key], want)
			}
		}
		if p := byKey["order_placed/en"]; p.HeaderVariables() != 1 || p.Variables() != 2 {
			t.Errorf("order_placed header/body variables = %d/%d, want 1/2", p.HeaderVariables(), p.Variables())
		}
		if p := byKey["weekend_promo/id"]; p.Type != msgcenter.TemplateTypeBroadcast || p.Category != msgcenter.CategoryMarketing {
			t.Errorf("weekend_promo = %+v, want a marketing broadcast", p)
		}
		if a := byKey["login_code/en"]; qiscustest.UsableForFallback(a) {
			t.Error("an authentication template is usable for fallback")
		}
	})

	t.Run("TemplateSend", func(t *testing.T) {
		_, c, _ := start(t)
		ts, err := c.Templates(ctx, 1, 7)
		if err != nil {
			t.Fatal(err)
		}
		var tpl *msgcenter.WhatsAppTemplate
		for _, x := range ts {
			if x.Name == "order_paid_receipt" {
				tpl = x
			}
		}
		res, err := c.SendTemplate(ctx, &msgcenter.TemplateMessage{StoreID: 1, Channel: &msgcenter.Channel{ID: 7, ExternalID: "4521"},
			To: "+6281234567890", Template: tpl, Params: []string{"Siti", "#42"}, ButtonSuffix: "receipt/tok",
			HeaderMedia: &msgcenter.MediaLink{URL: "https://shop.example/receipt/tok.pdf", Filename: "receipt-42.pdf"}})
		if err != nil || res.ProviderMessageID != "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjVGQjQ3" {
			t.Fatalf("SendTemplate = %+v, %v", res, err)
		}
	})

	t.Run("RoomFacts", func(t *testing.T) {
		rc, c, clock := start(t)
		f, err := c.RoomFacts(ctx, 1, "88213004")
		if err != nil {
			t.Fatal(err)
		}
		want := msgcenter.RoomFacts{ChannelExternalID: "4521", ChannelType: msgcenter.ChannelWhatsApp,
			LastCustomerAt: time.Date(2026, 12, 3, 9, 15, 2, 0, time.UTC)}
		if *f != want {
			t.Errorf("facts = %+v, want %+v", *f, want)
		}
		_, _ = c.RoomFacts(ctx, 1, "88213004")
		if rc.roomRequests != 1 {
			t.Errorf("%d requests within the cache's time, want 1", rc.roomRequests)
		}
		clock.Add(qiscus.DefaultRoomTTL)
		_, _ = c.RoomFacts(ctx, 1, "88213004")
		if rc.roomRequests != 2 {
			t.Errorf("%d requests after the cache's time, want 2", rc.roomRequests)
		}
		_, err = c.RoomFacts(ctx, 1, "no-such-room")
		assertProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonNoRoom)
	})

	for _, tt := range []struct {
		file   string
		status int
		kind   msgcenter.ProviderErrorKind
		reason msgcenter.Reason
	}{
		{"error_131047.json", 400, msgcenter.ProviderSessionExpired, msgcenter.ReasonSessionExpired},
		{"error_132000.json", 400, msgcenter.ProviderPermanent, msgcenter.ReasonParameterMismatch},
		{"error_unauthorized.json", 401, msgcenter.ProviderUnauthorized, msgcenter.ReasonProviderUnauthorized},
		{"error_rate_limited.json", 429, msgcenter.ProviderUnavailable, msgcenter.ReasonProviderUnavailable},
	} {
		t.Run("Error/"+tt.file, func(t *testing.T) {
			rc, c, _ := start(t)
			rc.errorFile, rc.errorStatus = tt.file, tt.status
			_, err := c.Send(ctx, &msgcenter.OutboundMessage{StoreID: 1, Room: room, Text: "x"})
			pe := assertProviderError(t, err, tt.kind, tt.reason)
			if strings.Contains(pe.Message, testSecret) {
				t.Errorf("message %q holds the secret", pe.Message)
			}
		})
	}
}

func keys(m map[string]*msgcenter.WhatsAppTemplate) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestParseStatusWebhook reads the recorded status webhook.
func TestParseStatusWebhook(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "status_webhook.json"))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := qiscus.ParseStatusWebhook(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 3 {
		t.Fatalf("%d receipts (%+v), want 3: deleted is not tracked", len(rs), rs)
	}
	if r := rs[0]; r.ProviderMessageID != "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABEYEjVGQjQ3" || r.Status != msgcenter.ReceiptDelivered ||
		!r.At.Equal(time.Unix(1764840902, 0)) {
		t.Errorf("delivered = %+v", r)
	}
	if r := rs[1]; r.Status != msgcenter.ReceiptFailed || r.Reason != msgcenter.ReasonSessionExpired || !strings.Contains(r.Error, "131047") {
		t.Errorf("failed = %+v, want session_expired with the code", r)
	}
	if rs[2].Status != msgcenter.ReceiptRead {
		t.Errorf("read = %+v", rs[2])
	}
	for _, bad := range []string{`[1]`, `{"statuses":[{"status":"read"}]}`, `{"statuses":[{"id":"x","status":"read","timestamp":"yesterday"}]}`} {
		if _, err := qiscus.ParseStatusWebhook([]byte(bad)); msgcenter.ErrorCode(err) != msgcenter.EINVALID {
			t.Errorf("ParseStatusWebhook(%s) = %v, want EINVALID", bad, err)
		}
	}
}
