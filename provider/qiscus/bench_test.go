package qiscus_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
)

// BenchmarkSendLoopback is the cost a send pays for going through the
// adapter over HTTP on loopback, against a platform that answers at once
// with the recorded bot answer: what a local Qiscus (the sandbox behind its
// HTTP API) adds per message to the work of storing it.
func BenchmarkSendLoopback(b *testing.B) {
	answer, err := os.ReadFile(filepath.Join("testdata", "bot_send.json"))
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(answer)
	}))
	defer srv.Close()
	c := qiscus.New(qiscus.Config{BaseURL: srv.URL, AppID: testApp, SecretKey: testSecret, RatePerSecond: 1e9, Burst: 1 << 20,
		HTTPClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}})
	room := &msgcenter.Room{ID: 3, StoreID: 1, ChannelType: msgcenter.ChannelWhatsApp, ExternalID: "88213004"}
	m := &msgcenter.OutboundMessage{StoreID: 1, Room: room, Text: "Hi Budi, thank you for shopping at Toko Kopi Senja! Your order #1 has been placed."}
	b.Run("OneAtATime", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.Send(context.Background(), m); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Concurrent", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := c.Send(context.Background(), m); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
