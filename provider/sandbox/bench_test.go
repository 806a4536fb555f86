package sandbox_test

import (
	"context"
	"database/sql"
	"math"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// inProcessSend is the session send the sandbox made in-process, on
// msgcenter's own rooms table, before it served the Qiscus API: its one
// statement stored the message when the room was the store's, its customer
// had written within 24 hours and no fault was pending. It is kept here
// only as the baseline of BenchmarkSend.
func inProcessSend(ctx context.Context, db *sql.DB, storeID, roomID int64, text string, now time.Time) (int64, error) {
	var id int64
	err := db.QueryRowContext(ctx, `
		INSERT INTO sandbox_messages (store_id, room_id, channel_id, direction, kind, text, button_label, button_url, created_at)
		SELECT r.store_id, r.id, r.channel_id, 'out', 'text', $3, '', '', $4
		FROM rooms r
		WHERE r.store_id = $1 AND r.id = $2 AND r.last_inbound_at >= $5
			AND NOT EXISTS (SELECT 1 FROM sandbox_faults f WHERE f.store_id = r.store_id AND f.remaining > 0)
		RETURNING id`, storeID, roomID, text, now, now.Add(-24*time.Hour)).Scan(&id)
	return id, err
}

// BenchmarkSend measures one session message, in one run on one database:
// InProcess is the in-process send the sandbox replaced (inProcessSend on
// a msgcenter room), HTTP the same message through the qiscus adapter over
// loopback HTTP to the sandbox's API (POST {app_id}/bot on a platform room),
// as msgcenter now sends it. Their ratio is what the HTTP round trip costs
// per message.
func BenchmarkSend(b *testing.B) {
	engines := map[string]func(testing.TB) string{"sqlite": sqltest.SQLiteURL}
	if os.Getenv(sqltest.PostgresURLEnv) != "" {
		engines["postgres"] = sqltest.PostgresURL
	}
	for engine, url := range engines {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			db := sqltest.Open(b, url(b))
			f := mustFixture(b, db)
			now := time.Now().UTC()
			var channelID, roomID int64
			if err := db.SQL().QueryRow(`INSERT INTO channels (store_id, type, name, created_at) VALUES ($1, 'whatsapp', 'WA', $2) RETURNING id`,
				f.store, now).Scan(&channelID); err != nil {
				b.Fatal(err)
			}
			if err := db.SQL().QueryRow(`INSERT INTO rooms (store_id, channel_id, customer_name, last_inbound_at, created_at)
				VALUES ($1, $2, 'Budi', $3, $3) RETURNING id`, f.store, channelID, now).Scan(&roomID); err != nil {
				b.Fatal(err)
			}
			pf := mustPlatform(b, db)
			app, err := pf.p.IssueApp(ctx, pf.store)
			if err != nil {
				b.Fatal(err)
			}
			client := qiscus.New(qiscus.Config{BaseURL: f.api.URL + sandbox.APIPrefix, AppID: app.AppID, SecretKey: qiscus.Secret(app.Secret),
				RatePerSecond: math.Inf(1), HTTPClient: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16}}})
			pf.clock.now = f.clock.Now()
			if _, err := pf.p.CustomerWrites(ctx, pf.store, pf.room.ID, "halo"); err != nil {
				b.Fatal(err)
			}
			room := &msgcenter.Room{ID: 1, StoreID: pf.store, ChannelType: msgcenter.ChannelWhatsApp, ExternalID: pf.room.ExternalID()}

			b.Run("InProcess", func(b *testing.B) {
				for b.Loop() {
					if _, err := inProcessSend(ctx, db.SQL(), f.store, roomID, "Halo Budi", time.Now().UTC()); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("HTTP", func(b *testing.B) {
				for b.Loop() {
					if _, err := client.Send(ctx, &msgcenter.OutboundMessage{StoreID: pf.store, Room: room, Text: "Halo Siti"}); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
