package qiscus_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
	"github.com/qiscus/msgcenter/provider/qiscus/qiscustest"
)

func TestClient_RateLimit(t *testing.T) {
	clock := newFakeClock()
	p := newPlatform(t, clock)
	c := newClient(p, clock) // defaults: 20 requests per second, burst 1
	start := clock.Now()
	for i := 0; i < 50; i++ {
		if _, err := c.Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	reqs := p.Requests()
	if len(reqs) != 50 {
		t.Fatalf("%d requests, want 50", len(reqs))
	}
	// The first goes at once, each next one 50 ms after the one before.
	if got, want := clock.Now().Sub(start), 49*50*time.Millisecond; got != want {
		t.Errorf("50 sends took %v on the clock, want %v", got, want)
	}
	for i, r := range reqs {
		if want := start.Add(time.Duration(i) * 50 * time.Millisecond); !r.At.Equal(want) {
			t.Fatalf("request %d at %v, want %v", i, r.At.Sub(start), want.Sub(start))
		}
	}
	// No second of the clock sees more than 20 requests (21 with the first
	// request of the next window on its edge).
	for i := range reqs {
		n := 0
		for _, r := range reqs[i:] {
			if r.At.Sub(reqs[i].At) < time.Second {
				n++
			}
		}
		if n > 20 {
			t.Fatalf("%d requests within one second from request %d", n, i)
		}
	}

	t.Run("Configurable", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		c := newClient(p, clock, func(cfg *qiscus.Config) { cfg.RatePerSecond, cfg.Burst = 5, 5 })
		start := clock.Now()
		for i := 0; i < 10; i++ {
			if _, err := c.Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"}); err != nil {
				t.Fatal(err)
			}
		}
		// Five at once from the burst, then one every 200 ms.
		if got, want := clock.Now().Sub(start), 5*200*time.Millisecond; got != want {
			t.Errorf("10 sends took %v, want %v", got, want)
		}
	})

	t.Run("ErrCancelledWhileWaiting", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		c := newClient(p, clock)
		ctx, cancel := context.WithCancel(context.Background())
		if _, err := c.Send(ctx, &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"}); err != nil {
			t.Fatal(err)
		}
		cancel()
		_, err := c.Send(ctx, &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"})
		assertProviderError(t, err, msgcenter.ProviderTransient, msgcenter.ReasonProviderError)
		if p.Count() != 1 {
			t.Fatalf("%d requests, want 1", p.Count())
		}
	})
}

// TestClient_Breaker: the platform is down for 30 seconds while a worker
// keeps retrying its queued messages every second. After five failures the
// breaker opens, the retries fail fast without reaching the platform, and
// after the cool-down the probe and then every queued message go out.
func TestClient_Breaker(t *testing.T) {
	clock := newFakeClock()
	p := newPlatform(t, clock)
	outageEnds := clock.Now().Add(30 * time.Second)
	p.Answer = func(r request) answer {
		if r.At.Before(outageEnds) {
			return answer{503, `{"status":503,"errors":"service unavailable"}`}
		}
		return answer{200, `{"data":{"comment":{"id":1}}}`}
	}
	c := newClient(p, clock, func(cfg *qiscus.Config) { cfg.RatePerSecond = 1000 })

	queue := []string{"m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10"}
	sent := map[string]bool{}
	var fastFails, platformFails int
	for tick := 0; tick < 60 && len(sent) < len(queue); tick++ {
		for _, key := range queue {
			if sent[key] {
				continue
			}
			before := p.Count()
			_, err := c.Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: key, Key: key})
			switch {
			case err == nil:
				sent[key] = true
			case p.Count() == before:
				fastFails++
				pe := assertProviderError(t, err, msgcenter.ProviderUnavailable, msgcenter.ReasonProviderUnavailable)
				if !strings.Contains(pe.Message, "circuit breaker is open") {
					t.Fatalf("fail-fast message = %q", pe.Message)
				}
				// The refusal says how long the breaker stays open, so the
				// message waits that long instead of using a try.
				if pe.RetryAfter <= 0 || pe.RetryAfter > 30*time.Second {
					t.Fatalf("fail-fast RetryAfter = %v, want the breaker's remaining time", pe.RetryAfter)
				}
			default:
				platformFails++
				assertProviderError(t, err, msgcenter.ProviderUnavailable, msgcenter.ReasonProviderUnavailable)
			}
		}
		clock.Add(time.Second)
	}
	if len(sent) != len(queue) {
		t.Fatalf("sent %d of %d queued messages", len(sent), len(queue))
	}
	// Five failures open the breaker at t=0 (the sends are 1 ms apart); it
	// stays open 30 s, so the platform sees the five and then the sends
	// after the cool-down, which is after the outage.
	if platformFails != 5 {
		t.Errorf("the platform failed %d requests, want 5: the breaker should have stopped the rest", platformFails)
	}
	if got, want := p.Count(), 5+len(queue); got != want {
		t.Errorf("the platform saw %d requests, want %d", got, want)
	}
	if fastFails == 0 {
		t.Error("no send failed fast")
	}

	t.Run("HalfOpenProbeFails", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		p.Answer = func(request) answer { return answer{500, `{}`} }
		c := newClient(p, clock, func(cfg *qiscus.Config) { cfg.BreakerFailures, cfg.BreakerCooldown = 2, 10*time.Second })
		send := func() error {
			_, err := c.Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"})
			return err
		}
		send()
		send()
		send() // fails fast
		if p.Count() != 2 {
			t.Fatalf("%d requests, want 2", p.Count())
		}
		clock.Add(10 * time.Second)
		send() // the probe, fails: open again
		send() // fails fast
		if p.Count() != 3 {
			t.Fatalf("%d requests, want 3", p.Count())
		}
	})

	t.Run("PermanentErrorsDoNotOpen", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		p.Answer = func(request) answer { return answer{400, `{"error":{"code":131026,"message":"undeliverable"}}`} }
		c := newClient(p, clock)
		for i := 0; i < 10; i++ {
			c.Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"})
		}
		if p.Count() != 10 {
			t.Fatalf("%d requests, want 10: a platform that answers is up", p.Count())
		}
	})
}

func TestClient_Templates(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	p := newPlatform(t, clock)
	const list = `{"status":200,"data":{"hsm_templates":[
		{"id":11,"name":"order_update","category":"UTILITY","type":"24-Hour Message","hsm_details":[
			{"language":"id","content":"Halo {{1}}, pesanan {{2}}","header_type":"text","header_content":"Pesanan","approval_status":"APPROVED",
			 "buttons":[{"type":"URL","text":"Lihat","url":"https://shop.example/order/{{1}}"},{"type":"QUICK_REPLY","text":"OK"},{"type":"PHONE_NUMBER","text":"Call","phone_number":"+6221"}]},
			{"language":"en","content":"Hi {{1}}","approval_status":0}]},
		{"id":12,"name":"promo","category":"MARKETING_CAROUSEL","hsm_details":[{"language":"id","content":"Promo","approval_status":2}]}
	]},"meta":{"total_page":1}}`
	p.Answer = func(r request) answer {
		if r.Path == "/whatsapp/v1/"+testApp+"/4521/messages" {
			return answer{404, `{"error":{"code":132001,"message":"(#132001) Template name does not exist in the translation"}}`}
		}
		return answer{200, list}
	}
	channels := channelFinder(func(_ context.Context, storeID, id int64) (*msgcenter.Channel, error) {
		return &msgcenter.Channel{ID: id, StoreID: storeID, Type: msgcenter.ChannelWhatsApp, ExternalID: "4521"}, nil
	})
	c := newClient(p, clock, func(cfg *qiscus.Config) { cfg.Channels = channels })

	ts, err := c.Templates(ctx, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	want := []msgcenter.WhatsAppTemplate{
		{ChannelID: 7, Name: "order_update", Language: "id", Category: msgcenter.CategoryUtility, Type: msgcenter.TemplateType24Hour,
			Status: msgcenter.TemplateApproved, HeaderFormat: msgcenter.HeaderText, Header: "Pesanan", Body: "Halo {{1}}, pesanan {{2}}", Buttons: []msgcenter.TemplateButton{
				{Type: msgcenter.ButtonURL, Text: "Lihat", URL: "https://shop.example/order/", Dynamic: true},
				{Type: msgcenter.ButtonQuickReply, Text: "OK"},
				{Type: msgcenter.ButtonPhone, Text: "Call", Phone: "+6221"},
			}},
		{ChannelID: 7, Name: "order_update", Language: "en", Category: msgcenter.CategoryUtility, Type: msgcenter.TemplateType24Hour,
			Status: msgcenter.TemplatePending, Body: "Hi {{1}}"},
		{ChannelID: 7, Name: "promo", Language: "id", Category: msgcenter.CategoryMarketingCarousel, Type: msgcenter.TemplateTypeBroadcast,
			Status: msgcenter.TemplateRejected, Body: "Promo"},
	}
	if len(ts) != len(want) {
		t.Fatalf("%d templates, want %d: %+v", len(ts), len(want), ts)
	}
	for i := range want {
		if !ts[i].Identical(&want[i]) || ts[i].ChannelID != 7 || ts[i].Category != want[i].Category ||
			ts[i].Type != want[i].Type || ts[i].Status != want[i].Status {
			t.Errorf("template %d = %+v\nwant %+v", i, *ts[i], want[i])
		}
	}
	r := p.Requests()[0]
	if r.Method != "GET" || r.Path != "/api/v2/admin/hsm" || !strings.Contains(r.Query, "channel_id=4521") {
		t.Errorf("request = %s %s?%s", r.Method, r.Path, r.Query)
	}
	checkHeaders(t, r, testApp, testSecret, false)
	if !qiscustest.UsableForFallback(ts[0]) {
		t.Error("the approved utility 24-hour template is not usable for fallback")
	}

	ts[0].Name = "changed by the caller"
	clock.Add(59 * time.Second)
	again, err := c.Templates(ctx, 1, 7)
	if err != nil || p.Count() != 1 {
		t.Fatalf("second call within 60 s: %d requests, err %v; want 1 (cached)", p.Count(), err)
	}
	if again[0].Name != "order_update" {
		t.Errorf("the cache was changed through a returned template")
	}
	clock.Add(2 * time.Second) // 61 s after the read
	if _, err := c.Templates(ctx, 1, 7); err != nil || p.Count() != 2 {
		t.Fatalf("after 61 s: %d requests, err %v; want 2", p.Count(), err)
	}

	// A template error drops the catalogue at once.
	_, err = c.SendTemplate(ctx, &msgcenter.TemplateMessage{Channel: &msgcenter.Channel{ID: 7, ExternalID: "4521"},
		To: "6281234567890", Template: &msgcenter.WhatsAppTemplate{Name: "gone", Language: "id", Body: "x"}})
	assertProviderError(t, err, msgcenter.ProviderPermanent, msgcenter.ReasonTemplateNotApproved)
	if _, err := c.Templates(ctx, 1, 7); err != nil || p.Count() != 4 {
		t.Fatalf("after a 132001 answer: %d requests, err %v; want 4 (catalogue read again)", p.Count(), err)
	}
	// Other channels have their own entry.
	if _, err := c.Templates(ctx, 1, 8); err != nil || p.Count() != 5 {
		t.Fatalf("another channel: %d requests, want 5", p.Count())
	}
}

type channelFinder func(ctx context.Context, storeID, id int64) (*msgcenter.Channel, error)

func (f channelFinder) FindChannel(ctx context.Context, storeID, id int64) (*msgcenter.Channel, error) {
	return f(ctx, storeID, id)
}
