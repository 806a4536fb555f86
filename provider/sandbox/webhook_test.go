package sandbox_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// hookSink stands for msgcenter: it records every webhook posted to it.
type hookSink struct {
	mu    sync.Mutex
	posts map[string][][]byte // by path
}

func newHookSink(t *testing.T) (*hookSink, *httptest.Server) {
	s := &hookSink{posts: map[string][][]byte{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.posts[r.URL.Path] = append(s.posts[r.URL.Path], b)
		s.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(srv.Close)
	return s, srv
}

func (s *hookSink) got(path string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posts[path]
}

// TestWebhooks: the local Qiscus posts a customer's message, a status and a
// custom button click to msgcenter over HTTP, in the documented shapes, at
// the webhook URLs' paths on msgcenter's own address whatever host they name.
func TestWebhooks(t *testing.T) {
	t.Parallel()
	sqltest.EachDB(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := mustPlatform(t, db)
		sink, self := newHookSink(t)
		f.p.SetSelf(func() string { return self.URL }, self.Client())
		store := strconv.FormatInt(f.store, 10)
		inbound, status := "/hooks/qiscus/"+store+"/inbound/sec", "/hooks/qiscus/"+store+"/whatsapp-status/sec"

		t.Run("RefusesOtherURLs", func(t *testing.T) {
			for _, u := range []string{"https://evil.example/steal", "http://x/hooks/qiscus/1/whatsapp-status/sec", "ftp://x" + inbound} {
				err := f.p.SetWebhooks(ctx, f.store, u, "")
				if msgcenter.ErrorCode(err) != msgcenter.EINVALID {
					t.Errorf("SetWebhooks(%s) = %v, want EINVALID", u, err)
				}
			}
		})
		if err := f.p.SetWebhooks(ctx, f.store, "https://elsewhere.example"+inbound, "https://elsewhere.example"+status); err != nil {
			t.Fatal(err)
		}

		t.Run("Inbound", func(t *testing.T) {
			if _, err := f.p.CustomerWrites(ctx, f.store, f.room.ID, "  mau pesan kopi  "); err != nil {
				t.Fatal(err)
			}
			posts := sink.got(inbound)
			if len(posts) != 1 {
				t.Fatalf("%d inbound posts at %s, want 1", len(posts), inbound)
			}
			var in struct {
				Payload struct {
					From struct{ Email, Name string }
					Room struct {
						ID      string
						Options string
					}
					Message struct{ Text, Timestamp string }
				}
			}
			if err := json.Unmarshal(posts[0], &in); err != nil {
				t.Fatal(err)
			}
			var opts struct {
				Source         string
				ChannelDetails struct {
					ChannelID int64 `json:"channel_id"`
				} `json:"channel_details"`
			}
			if err := json.Unmarshal([]byte(in.Payload.Room.Options), &opts); err != nil {
				t.Fatal(err)
			}
			if in.Payload.Room.ID != f.room.ExternalID() || in.Payload.From.Email != "6281234567890" || in.Payload.From.Name != "Siti" ||
				in.Payload.Message.Text != "mau pesan kopi" || in.Payload.Message.Timestamp != f.clock.Now().Format("2006-01-02T15:04:05Z") ||
				opts.Source != "wa" || opts.ChannelDetails.ChannelID != f.channel.ID {
				t.Errorf("inbound = %+v, options %+v", in, opts)
			}
		})

		t.Run("Status", func(t *testing.T) {
			srv := httptest.NewServer(f.p.Handler(sandbox.HandlerConfig{}))
			defer srv.Close()
			client := qiscus.New(qiscus.Config{BaseURL: srv.URL + sandbox.APIPrefix, AppID: f.app.AppID, SecretKey: qiscus.Secret(f.app.Secret)})
			sent, err := client.Send(ctx, &msgcenter.OutboundMessage{StoreID: f.store, Text: "Halo",
				Room: &msgcenter.Room{ID: 1, ChannelType: msgcenter.ChannelWhatsApp, ExternalID: f.room.ExternalID()}})
			if err != nil {
				t.Fatal(err)
			}
			ms, err := f.p.PlatformMessages(ctx, f.store, f.room.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := ms[len(ms)-1]
			if last.ProviderMessageID != sent.ProviderMessageID || last.Status != "sent" {
				t.Fatalf("last message = %+v, want the send %s", last, sent.ProviderMessageID)
			}
			if err := f.p.MarkStatus(ctx, f.store, last.ID, "failed", 131047, ""); err != nil {
				t.Fatal(err)
			}
			if err := f.p.MarkStatus(ctx, f.store, last.ID, "seen", 0, ""); msgcenter.ErrorCode(err) != msgcenter.EINVALID {
				t.Errorf("MarkStatus(seen) = %v, want EINVALID", err)
			}
			if err := f.p.MarkStatus(ctx, f.store+1000, last.ID, "read", 0, ""); msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
				t.Errorf("MarkStatus of another store = %v, want ENOTFOUND", err)
			}
			posts := sink.got(status)
			if len(posts) != 1 {
				t.Fatalf("%d status posts, want 1", len(posts))
			}
			rs, err := qiscus.ParseStatusWebhook(posts[0])
			if err != nil || len(rs) != 1 {
				t.Fatalf("ParseStatusWebhook = %+v, %v", rs, err)
			}
			if r := rs[0]; r.ProviderMessageID != sent.ProviderMessageID || r.Status != msgcenter.ReceiptFailed || r.Reason != msgcenter.ReasonSessionExpired {
				t.Errorf("receipt = %+v, want %s failed as session_expired", r, sent.ProviderMessageID)
			}
		})

		t.Run("CustomButton", func(t *testing.T) {
			hook := "/hooks/omnichannel/" + store + "/custom-button/sec"
			b := &sandbox.CustomButton{StoreID: f.store, Label: "Kopi Senja", ButtonText: "Share", WebhookURL: "https://elsewhere.example" + hook}
			if err := f.p.CreateCustomButton(ctx, b); err != nil {
				t.Fatal(err)
			}
			res, err := f.p.ClickInPlatformRoom(ctx, f.store, f.room.ID, b.ID)
			if err != nil || res.Status != http.StatusOK {
				t.Fatalf("click = %+v, %v", res, err)
			}
			posts := sink.got(hook)
			if len(posts) != 1 {
				t.Fatalf("%d clicks posted, want 1", len(posts))
			}
			var p sandbox.ButtonPayload
			if err := json.Unmarshal(posts[0], &p); err != nil {
				t.Fatal(err)
			}
			if p.RoomID != f.room.ExternalID() || p.Customer.UserID != "6281234567890" || p.Channel.ID != f.channel.ID || p.Channel.Type != "wa" {
				t.Errorf("click = %+v", p)
			}
			if _, err := f.p.ClickInPlatformRoom(ctx, f.store+1000, f.room.ID, b.ID); msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
				t.Errorf("click in another store's room = %v, want ENOTFOUND", err)
			}
		})
	})
}
