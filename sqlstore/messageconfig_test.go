package sqlstore_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

func TestMessageConfigService_Save(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		tn := newTenants(t, open(t))
		db, clk, s, other := tn.db, tn.clk, tn.store, tn.other
		configs := sqlstore.NewMessageConfigService(db)

		v1, err := configs.FindMessageConfig(ctx, s.ID, msgcenter.EventOrderPaid)
		if err != nil {
			t.Fatal(err)
		}
		created := clk.Now()
		clk.Add(time.Hour)

		c := *v1
		c.Type = msgcenter.MessageTypeCustom
		c.Language = msgcenter.LanguageIndonesian
		c.Body = "Terima kasih {{customer.name}}, pesanan {{order_id}} sudah dibayar 🎉"
		c.ButtonLabel = "Lihat struk"
		c.AutomationEnabled = false
		c.Fallback = &msgcenter.FallbackConfig{
			Enabled: true, ChannelID: 42, TemplateType: "24-Hour Message", TemplateCategory: "Utility",
			TemplateName: "order_paid", TemplateLanguage: "id",
			Variables: []msgcenter.Binding{{Placeholder: "customer.name"}, {Text: "Toko Kopi"}},
			Button:    &msgcenter.Binding{Placeholder: "order.receipt_path"},
		}

		t.Run("RoundTrip", func(t *testing.T) {
			if err := configs.SaveMessageConfig(ctx, &c, "editor@example.com"); err != nil {
				t.Fatal(err)
			}
			if c.Version != 2 || c.UpdatedBy != "editor@example.com" || !c.UpdatedAt.Equal(clk.Now()) {
				t.Fatalf("after save: version %d by %q at %v", c.Version, c.UpdatedBy, c.UpdatedAt)
			}
			got, err := configs.FindMessageConfig(ctx, s.ID, msgcenter.EventOrderPaid)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, &c) {
				t.Fatalf("FindMessageConfig = %+v\nwant %+v", got, &c)
			}
		})

		t.Run("Versions", func(t *testing.T) {
			vs, err := configs.FindMessageConfigVersions(ctx, s.ID, msgcenter.EventOrderPaid)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 2 || vs[0].Version != 2 || vs[1].Version != 1 {
				t.Fatalf("versions = %+v, want 2 then 1", vs)
			}
			if vs[0].CreatedBy != "editor@example.com" || !vs[0].CreatedAt.Equal(clk.Now()) || !reflect.DeepEqual(vs[0].Config, &c) {
				t.Fatalf("version 2 = %+v (config %+v), want %+v", vs[0], vs[0].Config, &c)
			}
			if vs[1].CreatedBy != "owner@example.com" || !vs[1].CreatedAt.Equal(created) || !reflect.DeepEqual(vs[1].Config, v1) {
				t.Fatalf("version 1 = %+v (config %+v), want %+v", vs[1], vs[1].Config, v1)
			}
			one, err := configs.FindMessageConfigVersion(ctx, s.ID, msgcenter.EventOrderPaid, 1)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(one, vs[1]) {
				t.Fatalf("FindMessageConfigVersion(1) = %+v, want %+v", one, vs[1])
			}
		})

		t.Run("ErrStaleVersion", func(t *testing.T) {
			stale := *v1 // still at version 1
			stale.Body = "lost update"
			stale.Type = msgcenter.MessageTypeCustom
			err := configs.SaveMessageConfig(ctx, &stale, "late@example.com")
			assertError(t, err, msgcenter.ECONFLICT, "The message was changed by someone else; reload and try again.")
			if stale.Version != 1 || stale.UpdatedBy != "owner@example.com" {
				t.Fatalf("a refused save changed the caller's config: %+v", stale)
			}
			got, err := configs.FindMessageConfig(ctx, s.ID, msgcenter.EventOrderPaid)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, &c) {
				t.Fatalf("after a refused save: %+v, want %+v", got, &c)
			}
			if vs, _ := configs.FindMessageConfigVersions(ctx, s.ID, msgcenter.EventOrderPaid); len(vs) != 2 {
				t.Fatalf("after a refused save there are %d versions, want 2", len(vs))
			}
		})

		t.Run("ClearFallback", func(t *testing.T) {
			next := c
			next.Fallback = nil
			if err := configs.SaveMessageConfig(ctx, &next, "editor@example.com"); err != nil {
				t.Fatal(err)
			}
			got, err := configs.FindMessageConfig(ctx, s.ID, msgcenter.EventOrderPaid)
			if err != nil {
				t.Fatal(err)
			}
			if got.Fallback != nil || got.Version != 3 {
				t.Fatalf("got %+v, want no fallback at version 3", got)
			}
		})

		t.Run("OtherStoreUntouched", func(t *testing.T) {
			got, err := configs.FindMessageConfig(ctx, other.ID, msgcenter.EventOrderPaid)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != 1 || got.Type != msgcenter.MessageTypeDefault {
				t.Fatalf("other store's config = %+v", got)
			}
		})

		t.Run("ErrNotFound", func(t *testing.T) {
			_, err := configs.FindMessageConfig(ctx, s.ID, "no_such_event")
			assertError(t, err, msgcenter.ENOTFOUND, "")
			_, err = configs.FindMessageConfig(ctx, 999999, msgcenter.EventOrderPaid)
			assertError(t, err, msgcenter.ENOTFOUND, "")
			_, err = configs.FindMessageConfigs(ctx, 999999)
			assertError(t, err, msgcenter.ENOTFOUND, "")
			_, err = configs.FindMessageConfigVersion(ctx, s.ID, msgcenter.EventOrderPaid, 99)
			assertError(t, err, msgcenter.ENOTFOUND, "Message version not found.")
			_, err = configs.FindMessageConfigVersion(ctx, other.ID+1000, msgcenter.EventOrderPaid, 1)
			assertError(t, err, msgcenter.ENOTFOUND, "")
			bad := *v1
			bad.StoreID = 999999
			err = configs.SaveMessageConfig(ctx, &bad, "editor@example.com")
			assertError(t, err, msgcenter.ENOTFOUND, "")
			bad = *v1
			bad.Event = "no_such_event"
			err = configs.SaveMessageConfig(ctx, &bad, "editor@example.com")
			assertError(t, err, msgcenter.ENOTFOUND, "")
		})
	})
}

// TestMessageConfigService_SaveConcurrent has several editors save on the
// same version at once: exactly one wins, the others get ECONFLICT.
func TestMessageConfigService_SaveConcurrent(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		owner := mustCreateUser(t, db, "owner@example.com")
		s := mustCreateStore(t, db, owner.ID, "Kopi")
		configs := sqlstore.NewMessageConfigService(db)
		base, err := configs.FindMessageConfig(ctx, s.ID, msgcenter.EventOrderPlaced)
		if err != nil {
			t.Fatal(err)
		}

		const n = 8
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[string]int{}
		for i := range n {
			wg.Go(func() {
				c := *base
				c.Type = msgcenter.MessageTypeCustom
				c.Body = "editor " + string(rune('A'+i))
				err := configs.SaveMessageConfig(ctx, &c, "editor@example.com")
				mu.Lock()
				codes[msgcenter.ErrorCode(err)]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if codes[""] != 1 || codes[msgcenter.ECONFLICT] != n-1 {
			t.Fatalf("outcomes = %v, want 1 success and %d conflicts", codes, n-1)
		}
		vs, err := configs.FindMessageConfigVersions(ctx, s.ID, msgcenter.EventOrderPlaced)
		if err != nil {
			t.Fatal(err)
		}
		if len(vs) != 2 {
			t.Fatalf("%d versions, want 2", len(vs))
		}
	})
}
