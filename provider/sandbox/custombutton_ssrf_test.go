package sandbox_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/sandbox"
	"github.com/qiscus/msgcenter/sqlstore"
	"github.com/qiscus/msgcenter/sqlstore/sqltest"
)

// TestCustomButtonPostsToSelfOnly: a button's webhook URL must be a Custom
// Button URL of msgcenter, and a click goes to msgcenter's own address
// whatever host the URL names; the answer's body never comes back.
func TestCustomButtonPostsToSelfOnly(t *testing.T) {
	sqltest.EachDB(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := mustFixture(t, db)
		for _, u := range []string{"http://169.254.169.254/latest/meta-data/", "http://127.0.0.1:5432/", "file:///etc/passwd",
			"https://shop.example/hooks/omnichannel/1/custom-button/s?x=1", "http://user:pw@shop.example/hooks/omnichannel/1/custom-button/s"} {
			err := f.p.CreateCustomButton(ctx, &sandbox.CustomButton{StoreID: f.store, Label: "Toko", ButtonText: "Kirim", WebhookURL: u})
			if msgcenter.ErrorCode(err) != msgcenter.EINVALID || msgcenter.ErrorFields(err)["webhook_url"] == "" {
				t.Errorf("webhook URL %q: %v, want EINVALID on webhook_url", u, err)
			}
		}

		var mu sync.Mutex
		var paths []string
		self := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			mu.Lock()
			paths = append(paths, r.URL.Path)
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"status":"sent","secret_internal":"do not show"}`)
		}))
		defer self.Close()
		b := &sandbox.CustomButton{StoreID: f.store, Label: "Toko", ButtonText: "Kirim",
			WebhookURL: "http://elsewhere.invalid/hooks/omnichannel/1/custom-button/abc"}
		if err := f.p.CreateCustomButton(ctx, b); err != nil {
			t.Fatal(err)
		}
		f.p.SetSelf(func() string { return self.URL }, self.Client())
		res, err := f.p.ClickInPlatformRoom(ctx, f.store, f.ig.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != 200 || res.ClickStatus != "sent" {
			t.Errorf("result = %+v, want 200 sent", res)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(paths) != 1 || paths[0] != "/hooks/omnichannel/1/custom-button/abc" {
			t.Errorf("self received %v, want the click at the URL's path", paths)
		}
		if strings.Contains(strings.ToLower(res.ClickStatus), "secret") {
			t.Error("the answer's body reached the result")
		}
	})
}
