package sandbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// BenchmarkSend measures one session message, in one run on one database:
// InProcess is the in-process send (Provider.Send on a msgcenter room),
// HTTP the same message through the qiscus adapter over loopback HTTP to
// the sandbox's API (POST {app_id}/bot on a platform room). Their ratio is
// what the HTTP round trip costs per message.
func BenchmarkSend(b *testing.B) {
	engines := map[string]func(testing.TB) string{"sqlite": sqltest.SQLiteURL}
	if os.Getenv("MSGCENTER_TEST_POSTGRES_URL") != "" {
		engines["postgres"] = sqltest.PostgresURL
	}
	for engine, url := range engines {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			db := sqltest.Open(b, url(b))
			f := mustFixture(b, db)
			pf := mustPlatform(b, db)
			srv := httptest.NewServer(pf.p.Handler(sandbox.HandlerConfig{}))
			defer srv.Close()
			client := qiscus.New(qiscus.Config{BaseURL: srv.URL + sandbox.APIPrefix, AppID: pf.app.AppID, SecretKey: qiscus.Secret(pf.app.Secret),
				RatePerSecond: 1e9, Burst: 1 << 20, HTTPClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}})
			platformRoom := &msgcenter.Room{ID: 1, StoreID: pf.store, ChannelType: msgcenter.ChannelWhatsApp, ExternalID: pf.room.ExternalID()}

			b.Run("InProcess", func(b *testing.B) {
				for b.Loop() {
					if _, err := f.p.Send(ctx, &msgcenter.OutboundMessage{StoreID: f.store, Room: f.wa, Text: "Halo Budi"}); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("HTTP", func(b *testing.B) {
				for b.Loop() {
					if _, err := client.Send(ctx, &msgcenter.OutboundMessage{StoreID: pf.store, Room: platformRoom, Text: "Halo Siti"}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
