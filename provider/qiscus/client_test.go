package qiscus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
)

func TestClient_Send(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		room     *msgcenter.Room
		button   *msgcenter.Button
		wantBody map[string]any
	}{
		{"Text", waRoom(), nil, map[string]any{
			"sender_email": testApp + "_admin@qismo.com", "message": "Halo Siti", "type": "text", "room_id": "r-77"}},
		{"ButtonsOnTelegram", &msgcenter.Room{ID: 43, ChannelType: msgcenter.ChannelTelegram, ExternalID: "r-78"},
			&msgcenter.Button{Label: "Lihat pesanan", URL: "https://shop.example/order/tok"}, map[string]any{
				"sender_email": testApp + "_admin@qismo.com", "message": "Halo Siti", "type": "buttons", "room_id": "r-78",
				"payload": map[string]any{"text": "Halo Siti", "buttons": []any{map[string]any{
					"label": "Lihat pesanan", "type": "link", "payload": map[string]any{"url": "https://shop.example/order/tok"}}}}}},
		{"LinkAsTextOnWhatsApp", waRoom(), &msgcenter.Button{Label: "Lihat pesanan", URL: "https://shop.example/order/tok"},
			map[string]any{"sender_email": testApp + "_admin@qismo.com", "message": "Halo Siti\nhttps://shop.example/order/tok",
				"type": "text", "room_id": "r-77"}},
		{"LinkAsTextOnInstagram", &msgcenter.Room{ID: 44, ChannelType: msgcenter.ChannelInstagram, ExternalID: "ig-1"},
			&msgcenter.Button{Label: "Lihat", URL: "https://shop.example/x"},
			map[string]any{"sender_email": testApp + "_admin@qismo.com", "message": "Halo Siti\nhttps://shop.example/x",
				"type": "text", "room_id": "ig-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			p := newPlatform(t, clock)
			c := newClient(p, clock)
			res, err := c.Send(ctx, &msgcenter.OutboundMessage{StoreID: 1, Room: tt.room, Text: "Halo Siti", Button: tt.button, Key: "k1"})
			if err != nil {
				t.Fatal(err)
			}
			if res.ProviderMessageID != "9876" {
				t.Errorf("ProviderMessageID = %q, want 9876", res.ProviderMessageID)
			}
			reqs := p.Requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests, want 1", len(reqs))
			}
			r := reqs[0]
			if r.Method != http.MethodPost || r.Path != "/"+testApp+"/bot" {
				t.Errorf("request = %s %s, want POST /%s/bot", r.Method, r.Path, testApp)
			}
			checkHeaders(t, r, testApp, testSecret, true)
			if !reflect.DeepEqual(r.Body, tt.wantBody) {
				t.Errorf("body = %s\nwant %v", r.RawBody, tt.wantBody)
			}
		})
	}

	t.Run("ResultsEnvelope", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		p.Answer = func(request) answer { return answer{200, `{"results":{"comment":{"id":"c-55"}},"status":200}`} }
		res, err := newClient(p, clock).Send(ctx, &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"})
		if err != nil || res.ProviderMessageID != "c-55" {
			t.Fatalf("Send = %+v, %v; want id c-55", res, err)
		}
	})

	t.Run("ErrNoRoom", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		_, err := newClient(p, clock).Send(ctx, &msgcenter.OutboundMessage{Text: "x"})
		assertProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonUndeliverable)
		if p.Count() != 0 {
			t.Fatalf("%d requests, want none", p.Count())
		}
	})
}

func fallbackTemplate() *msgcenter.WhatsAppTemplate {
	return &msgcenter.WhatsAppTemplate{
		ChannelID: 7, Namespace: "b7e1_ns", Name: "order_update", Language: "id", Category: msgcenter.CategoryUtility,
		Type: msgcenter.TemplateType24Hour, Status: msgcenter.TemplateApproved,
		HeaderFormat: msgcenter.HeaderText, Header: "Pesanan {{1}}", Body: "Halo {{1}}, pesanan {{2}} sudah {{3}}.",
		Buttons: []msgcenter.TemplateButton{
			{Type: msgcenter.ButtonQuickReply, Text: "Terima kasih"},
			{Type: msgcenter.ButtonURL, Text: "Lihat", URL: "https://shop.example/order/", Dynamic: true},
		},
	}
}

func TestClient_SendTemplate(t *testing.T) {
	ctx := context.Background()
	channel := &msgcenter.Channel{ID: 7, StoreID: 1, Type: msgcenter.ChannelWhatsApp, ExternalID: "4521"}

	t.Run("OK", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		res, err := newClient(p, clock).SendTemplate(ctx, &msgcenter.TemplateMessage{
			StoreID: 1, Channel: channel, To: "+62 812-3456-7890", Template: fallbackTemplate(),
			Params: []string{"Siti Nur", "#1042", "dibayar"}, HeaderParams: []string{"#1042"}, ButtonSuffix: "tok_123", Key: "k",
		})
		if err != nil {
			t.Fatal(err)
		}
		if res.ProviderMessageID != "wamid.HBgM" {
			t.Errorf("ProviderMessageID = %q", res.ProviderMessageID)
		}
		reqs := p.Requests()
		if len(reqs) != 1 {
			t.Fatalf("%d requests, want 1", len(reqs))
		}
		r := reqs[0]
		if r.Method != http.MethodPost || r.Path != "/whatsapp/v1/"+testApp+"/4521/messages" {
			t.Errorf("request = %s %s", r.Method, r.Path)
		}
		checkHeaders(t, r, testApp, testSecret, true)
		text := func(s string) map[string]any { return map[string]any{"type": "text", "text": s} }
		want := map[string]any{
			"to": "6281234567890", "type": "template",
			"template": map[string]any{
				"namespace": "b7e1_ns", "name": "order_update", "language": map[string]any{"policy": "deterministic", "code": "id"},
				"components": []any{
					map[string]any{"type": "header", "parameters": []any{text("#1042")}},
					map[string]any{"type": "body", "parameters": []any{text("Siti Nur"), text("#1042"), text("dibayar")}},
					map[string]any{"type": "button", "sub_type": "url", "index": "1", "parameters": []any{text("tok_123")}},
				},
			},
		}
		if !reflect.DeepEqual(r.Body, want) {
			t.Errorf("body = %s\nwant %v", r.RawBody, want)
		}
	})

	t.Run("NoComponents", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		tmpl := &msgcenter.WhatsAppTemplate{Name: "hello", Language: "en", Body: "Hello!"}
		if _, err := newClient(p, clock).SendTemplate(ctx, &msgcenter.TemplateMessage{
			Channel: channel, To: "6281234567890", Template: tmpl}); err != nil {
			t.Fatal(err)
		}
		if r := p.Requests()[0]; strings.Contains(r.RawBody, "components") || strings.Contains(r.RawBody, "namespace") {
			t.Errorf("body = %s, want no components and no namespace", r.RawBody)
		}
	})

	t.Run("DocumentHeader", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		tmpl := &msgcenter.WhatsAppTemplate{Name: "receipt", Language: "en", Body: "Paid {{1}}",
			HeaderFormat: msgcenter.HeaderDocument, HeaderSample: "https://cdn.example/sample.pdf"}
		if _, err := newClient(p, clock).SendTemplate(ctx, &msgcenter.TemplateMessage{
			Channel: channel, To: "6281234567890", Template: tmpl, Params: []string{"#7"},
			HeaderMedia: &msgcenter.MediaLink{URL: "https://shop.example/receipt/tok.pdf", Filename: "receipt-7.pdf"}}); err != nil {
			t.Fatal(err)
		}
		comps := p.Requests()[0].Body["template"].(map[string]any)["components"].([]any)
		want := map[string]any{"type": "header", "parameters": []any{map[string]any{"type": "document",
			"document": map[string]any{"link": "https://shop.example/receipt/tok.pdf", "filename": "receipt-7.pdf"}}}}
		if !reflect.DeepEqual(comps[0], want) {
			t.Errorf("header = %v, want %v", comps[0], want)
		}
	})

	t.Run("ImageHeaderSendsItsSample", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		tmpl := &msgcenter.WhatsAppTemplate{Name: "promo", Language: "en", Body: "Hi",
			HeaderFormat: msgcenter.HeaderImage, HeaderSample: "https://cdn.example/banner.png"}
		if _, err := newClient(p, clock).SendTemplate(ctx, &msgcenter.TemplateMessage{
			Channel: channel, To: "6281234567890", Template: tmpl}); err != nil {
			t.Fatal(err)
		}
		comps := p.Requests()[0].Body["template"].(map[string]any)["components"].([]any)
		want := map[string]any{"type": "header", "parameters": []any{map[string]any{"type": "image",
			"image": map[string]any{"link": "https://cdn.example/banner.png"}}}}
		if !reflect.DeepEqual(comps[0], want) {
			t.Errorf("header = %v, want %v", comps[0], want)
		}
	})

	t.Run("ErrNoPlatformChannelID", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		_, err := newClient(p, clock).SendTemplate(ctx, &msgcenter.TemplateMessage{
			Channel: &msgcenter.Channel{ID: 9}, To: "6281234567890", Template: &msgcenter.WhatsAppTemplate{Name: "x", Body: "x"}})
		assertProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonUndeliverable)
		if p.Count() != 0 {
			t.Fatalf("%d requests, want none: msgcenter's own id is never sent", p.Count())
		}
	})

	for _, tt := range []struct {
		name   string
		params []string
		suffix string
	}{
		{"ErrTooFewParams", []string{"Siti", "#1"}, "tok"},
		{"ErrTooManyParams", []string{"a", "b", "c", "d"}, "tok"},
		{"ErrNoButtonSuffix", []string{"a", "b", "c"}, ""},
		{"ErrNoHeaderParam", []string{"a", "b", "c"}, "tok"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			p := newPlatform(t, clock)
			_, err := newClient(p, clock).SendTemplate(ctx, &msgcenter.TemplateMessage{
				Channel: channel, To: "6281234567890", Template: fallbackTemplate(), Params: tt.params, ButtonSuffix: tt.suffix,
				HeaderParams: map[bool][]string{true: nil, false: {"#1"}}[tt.name == "ErrNoHeaderParam"]})
			assertProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonParameterMismatch)
			if p.Count() != 0 {
				t.Fatalf("%d requests, want none: the mismatch is caught before sending", p.Count())
			}
		})
	}
}

func assertProviderError(t *testing.T, err error, kind msgcenter.ProviderErrorKind, reason msgcenter.Reason) *msgcenter.ProviderError {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want a provider error of kind %d reason %s", kind, reason)
	}
	pe, ok := err.(*msgcenter.ProviderError)
	if !ok {
		t.Fatalf("err = %T %v, want *msgcenter.ProviderError", err, err)
	}
	if pe.Kind != kind || pe.Reason != reason {
		t.Fatalf("err = kind %d reason %s (%v), want kind %d reason %s", pe.Kind, pe.Reason, pe, kind, reason)
	}
	return pe
}

func TestClient_Errors(t *testing.T) {
	cloud := func(code int) string {
		return fmt.Sprintf(`{"error":{"message":"(#%d) Something","type":"OAuthException","code":%d,"error_data":{"messaging_product":"whatsapp","details":"detail text"},"fbtrace_id":"Az"}}`, code, code)
	}
	onPrem := func(code int) string {
		return fmt.Sprintf(`{"meta":{"api_status":"stable"},"errors":[{"code":%d,"title":"Title","details":"Details"}]}`, code)
	}
	const (
		T  = msgcenter.ProviderTransient
		P  = msgcenter.ProviderPermanent
		SE = msgcenter.ProviderSessionExpired
		U  = msgcenter.ProviderUnavailable
		A  = msgcenter.ProviderUnauthorized
	)
	tests := []struct {
		name   string
		a      answer
		kind   msgcenter.ProviderErrorKind
		reason msgcenter.Reason
	}{
		{"SessionExpired131047", answer{400, cloud(131047)}, SE, msgcenter.ReasonSessionExpired},
		{"SessionExpiredOnPrem", answer{400, onPrem(131047)}, SE, msgcenter.ReasonSessionExpired},
		{"SessionExpiredNestedInQiscusEnvelope", answer{400, `{"status":400,"errors":{"error":{"code":"131047","message":"Re-engagement message"}}}`}, SE, msgcenter.ReasonSessionExpired},
		{"Undeliverable131026", answer{400, cloud(131026)}, P, msgcenter.ReasonUndeliverable},
		{"ParamCount132000", answer{400, cloud(132000)}, P, msgcenter.ReasonParameterMismatch},
		{"TemplateMissing132001", answer{404, cloud(132001)}, P, msgcenter.ReasonTemplateNotApproved},
		{"TemplatePaused132015", answer{400, onPrem(132015)}, P, msgcenter.ReasonTemplateNotApproved},
		{"ParamMissing131008", answer{400, cloud(131008)}, P, msgcenter.ReasonParameterMismatch},
		{"PaymentIssue131042", answer{400, cloud(131042)}, P, msgcenter.ReasonInsufficientCredits},
		{"InsufficientBalance402", answer{402, `{"status":402,"errors":{"message":"Your balance is not enough"}}`}, P, msgcenter.ReasonInsufficientCredits},
		{"RateLimit130429", answer{400, cloud(130429)}, U, msgcenter.ReasonProviderUnavailable},
		{"PairRateLimit131056", answer{400, cloud(131056)}, U, msgcenter.ReasonProviderUnavailable},
		{"Generic131000", answer{500, cloud(131000)}, T, msgcenter.ReasonProviderError},
		{"Generic131000On400", answer{400, cloud(131000)}, T, msgcenter.ReasonProviderError},
		{"HTTP500", answer{500, `{"status":500,"errors":"internal server error"}`}, U, msgcenter.ReasonProviderUnavailable},
		{"HTTP503PlainText", answer{503, `Service Unavailable`}, U, msgcenter.ReasonProviderUnavailable},
		{"HTTP429", answer{429, `{"message":"Too many requests"}`}, U, msgcenter.ReasonProviderUnavailable},
		{"Unauthorized", answer{401, `{"status":401,"errors":{"message":"Unauthorized"}}`}, A, msgcenter.ReasonProviderUnauthorized},
		{"Forbidden", answer{403, `{"status":403,"errors":{"message":"Forbidden"}}`}, A, msgcenter.ReasonProviderUnauthorized},
		{"RoomNotFound", answer{404, `{"status":404,"errors":{"message":"room not found"}}`}, P, msgcenter.ReasonUndeliverable},
		{"UnknownCodeOn400", answer{400, cloud(100)}, P, msgcenter.ReasonUndeliverable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			p := newPlatform(t, clock)
			p.Answer = func(request) answer { return tt.a }
			c := newClient(p, clock)
			_, err := c.Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"})
			pe := assertProviderError(t, err, tt.kind, tt.reason)
			if !strings.Contains(pe.Message, fmt.Sprintf("HTTP %d", tt.a.Status)) || !strings.Contains(pe.Message, testApp) {
				t.Errorf("message %q does not name the app and status", pe.Message)
			}
			// Through the domain's helper too, as the delivery worker reads it.
			if got := msgcenter.ProviderErrorOf(err); got.Kind != tt.kind {
				t.Errorf("ProviderErrorOf kind = %d", got.Kind)
			}
		})
	}

	t.Run("NetworkError", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		c := newClient(p, clock)
		p.srv.Close()
		_, err := c.Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"})
		pe := assertProviderError(t, err, U, msgcenter.ReasonProviderUnavailable)
		if strings.Contains(pe.Message, "127.0.0.1") {
			t.Errorf("message %q names the address: a tenant reads it", pe.Message)
		}
	})

	t.Run("RetryAfter", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		p.RetryAfter = "17"
		p.Answer = func(request) answer { return answer{429, `{"message":"slow down"}`} }
		_, err := newClient(p, clock).Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"})
		if pe := assertProviderError(t, err, U, msgcenter.ReasonProviderUnavailable); pe.RetryAfter != 17*time.Second {
			t.Errorf("RetryAfter = %v, want 17s", pe.RetryAfter)
		}
	})

	t.Run("RejectedKeyAsksNoMore", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		p.Answer = func(request) answer { return answer{401, `{"status":401,"errors":{"message":"Unauthorized"}}`} }
		c := newClient(p, clock)
		for range 3 {
			_, err := c.Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"})
			assertProviderError(t, err, A, msgcenter.ReasonProviderUnauthorized)
		}
		if p.Count() != 1 {
			t.Fatalf("%d requests, want 1: a rejected key is not tried again for a while", p.Count())
		}
		clock.Add(qiscus.DefaultRejectedFor)
		_, _ = c.Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"})
		if p.Count() != 2 {
			t.Fatalf("%d requests, want 2 once the pause is over", p.Count())
		}
	})

	t.Run("Timeout", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		p.Answer = func(request) answer { <-release; return answer{200, `{}`} }
		c := newClient(p, clock, func(cfg *qiscus.Config) { cfg.Timeout = 50 * time.Millisecond })
		_, err := c.Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"})
		pe := assertProviderError(t, err, U, msgcenter.ReasonProviderUnavailable)
		if !strings.Contains(pe.Message, "timeout") {
			t.Errorf("message = %q, want a timeout", pe.Message)
		}
	})
}

func TestClient_Secret(t *testing.T) {
	clock := newFakeClock()
	p := newPlatform(t, clock)
	// A platform that echoes the key in its error must not leak it.
	p.Answer = func(r request) answer {
		return answer{401, `{"status":401,"errors":{"message":"invalid key ` + r.Header.Get("Qiscus-Secret-Key") + `"}}`}
	}
	cfg := qiscus.Config{BaseURL: p.srv.URL, AppID: testApp, SecretKey: testSecret, Now: clock.Now, Sleep: clock.Sleep}
	c := qiscus.New(cfg)
	_, err := c.Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"})
	if err == nil {
		t.Fatal("want an error")
	}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", cfg, "key", cfg.SecretKey, "client", c, "err", err)
	jsonCfg, _ := json.Marshal(cfg)
	for name, s := range map[string]string{
		"error": err.Error(), "%v": fmt.Sprintf("%v", cfg), "%+v": fmt.Sprintf("%+v", cfg), "%#v": fmt.Sprintf("%#v", cfg),
		"%s key": fmt.Sprintf("%s", cfg.SecretKey), "client": fmt.Sprint(c), "%+v client": fmt.Sprintf("%+v", c),
		"slog": logged.String(), "json": string(jsonCfg),
	} {
		if strings.Contains(s, testSecret) {
			t.Errorf("%s shows the secret: %s", name, s)
		}
	}
}

func TestClient_NoPlatformAPI(t *testing.T) {
	clock := newFakeClock()
	p := newPlatform(t, clock)
	c := newClient(p, clock)
	ok, err := c.EnsureCustomButton(context.Background(), 1, "Share microsite", "https://x/hooks")
	if ok || err != nil {
		t.Errorf("EnsureCustomButton = %v, %v; want false, nil", ok, err)
	}
	n, err := c.Credits(context.Background(), 1)
	if n != qiscus.CreditsUnknown || n >= 0 || err != nil {
		t.Errorf("Credits = %d, %v; want %d (not reported)", n, err, qiscus.CreditsUnknown)
	}
	if p.Count() != 0 {
		t.Errorf("%d requests, want none", p.Count())
	}
}
