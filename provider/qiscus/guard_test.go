package qiscus_test

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/internal/netguard"
	"github.com/qiscus/msgcenter/provider/qiscus"
)

// TestClient_TenantSeesNoAnswer checks that what a store's admin reads of a
// failed call (the attempt's error) is a fixed reason: never the answer's
// body, a dial error, or the address behind the base URL.
func TestClient_TenantSeesNoAnswer(t *testing.T) {
	send := func(c *qiscus.Client) *msgcenter.ProviderError {
		t.Helper()
		_, err := c.Send(context.Background(), &msgcenter.OutboundMessage{Room: waRoom(), Text: "x"})
		if err == nil {
			t.Fatal("the send succeeded")
		}
		return msgcenter.ProviderErrorOf(err)
	}

	t.Run("AnswerBody", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		p.Answer = func(request) answer {
			return answer{400, `{"errors":{"message":"ami-id: ami-0abc; iam secret AKIAXXXX"}}`}
		}
		pe := send(newClient(p, clock))
		if strings.Contains(pe.Message, "ami-") || strings.Contains(pe.Message, "AKIA") {
			t.Fatalf("the answer's body reached the message: %q", pe.Message)
		}
		if !strings.Contains(pe.Message, "HTTP 400") {
			t.Fatalf("message %q does not give the status", pe.Message)
		}
	})

	t.Run("DialError", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens: the dial is refused
		clock := newFakeClock()
		c := qiscus.New(qiscus.Config{BaseURL: "http://" + addr, AppID: testApp, SecretKey: testSecret, Now: clock.Now, Sleep: clock.Sleep})
		pe := send(c)
		// An unreachable platform makes the message wait (no try used).
		if pe.Kind != msgcenter.ProviderUnavailable || strings.Contains(pe.Message, addr) || strings.Contains(pe.Message, "refused") ||
			strings.Contains(pe.Message, "dial") {
			t.Fatalf("message %q (kind %v) shows the dial error", pe.Message, pe.Kind)
		}
	})

	t.Run("GuardRefusesPrivate", func(t *testing.T) {
		clock := newFakeClock()
		p := newPlatform(t, clock)
		c := newClient(p, clock, func(cfg *qiscus.Config) { cfg.HTTPClient = (&netguard.Policy{}).Client(0) })
		pe := send(c)
		if p.Count() != 0 {
			t.Fatalf("the loopback platform was reached %d times", p.Count())
		}
		if pe.Kind != msgcenter.ProviderPermanent || !strings.Contains(pe.Message, "not allowed") || strings.Contains(pe.Message, "127.0.0.1") {
			t.Fatalf("message %q (kind %v)", pe.Message, pe.Kind)
		}
	})
}
