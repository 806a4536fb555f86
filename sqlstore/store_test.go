package sqlstore_test

import (
	"context"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

func TestStoreService_CreateStore(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		clk := newClock(db)
		owner := mustCreateUser(t, db, "owner@example.com")
		stores := sqlstore.NewStoreService(db)
		configs := sqlstore.NewMessageConfigService(db)

		s := &msgcenter.Store{Name: "  Kopi Kenangan!  ", Address: "Jl. Sudirman 1", OwnerID: owner.ID}
		if err := stores.CreateStore(ctx, s); err != nil {
			t.Fatal(err)
		}

		t.Run("Defaults", func(t *testing.T) {
			want := msgcenter.Store{
				ID: s.ID, Slug: "kopi-kenangan", Name: "Kopi Kenangan!", Address: "Jl. Sudirman 1",
				Currency: "IDR", TimeZone: "Asia/Jakarta", Language: msgcenter.LanguageEnglish,
				IncompleteDelay: msgcenter.DefaultIncompleteDelay, UnpaidHold: msgcenter.DefaultUnpaidHold, OwnerID: owner.ID, CreatedAt: clk.Now(),
			}
			if s.ID == 0 || !reflect.DeepEqual(*s, want) {
				t.Fatalf("store = %+v, want %+v", *s, want)
			}
			got, err := stores.FindStoreByID(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*got, want) {
				t.Fatalf("FindStoreByID = %+v, want %+v", *got, want)
			}
		})

		t.Run("DefaultMessageConfigs", func(t *testing.T) {
			cs, err := configs.FindMessageConfigs(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 5 {
				t.Fatalf("got %d configs, want 5", len(cs))
			}
			for i, e := range msgcenter.Events() {
				c := cs[i]
				if c.Event != e {
					t.Fatalf("config %d is %s, want %s", i, c.Event, e)
				}
				if c.StoreID != s.ID || c.Type != msgcenter.MessageTypeDefault || c.Language != msgcenter.LanguageEnglish ||
					c.Body != "" || c.ButtonLabel != "" || c.Version != 1 ||
					c.UpdatedBy != "owner@example.com" || !c.UpdatedAt.Equal(clk.Now()) {
					t.Errorf("%s: config = %+v", e, c)
				}
				if want := e != msgcenter.EventShareMicrositeURL; c.AutomationEnabled != want {
					t.Errorf("%s: automation = %v, want %v", e, c.AutomationEnabled, want)
				}
				hasFallback := e == msgcenter.EventOrderPlaced || e == msgcenter.EventOrderPaid
				if hasFallback && (c.Fallback == nil || c.Fallback.Enabled) {
					t.Errorf("%s: fallback = %+v, want present and disabled", e, c.Fallback)
				} else if !hasFallback && c.Fallback != nil {
					t.Errorf("%s: fallback = %+v, want nil", e, c.Fallback)
				}

				vs, err := configs.FindMessageConfigVersions(ctx, s.ID, e)
				if err != nil {
					t.Fatal(err)
				}
				if len(vs) != 1 || vs[0].Version != 1 || vs[0].CreatedBy != "owner@example.com" || !vs[0].CreatedAt.Equal(clk.Now()) {
					t.Fatalf("%s: versions = %+v, want one version 1", e, vs)
				}
				if !reflect.DeepEqual(vs[0].Config, c) {
					t.Errorf("%s: version 1 snapshot = %+v, want %+v", e, vs[0].Config, c)
				}
			}
		})

		t.Run("ErrInvalid", func(t *testing.T) {
			bad := &msgcenter.Store{Name: " ", TimeZone: "Mars/Olympus", OwnerID: owner.ID}
			err := stores.CreateStore(ctx, bad)
			assertError(t, err, msgcenter.EINVALID, "The store is not valid.")
			if f := msgcenter.ErrorFields(err); f["name"] == "" || f["time_zone"] == "" {
				t.Fatalf("fields = %v", f)
			}
			if bad.ID != 0 {
				t.Fatal("refused store got an id")
			}
			if all, err := stores.FindStores(ctx, owner.ID); err != nil || len(all) != 1 {
				t.Fatalf("FindStores = %d stores, %v; want the one valid store", len(all), err)
			}
		})

		t.Run("ErrUnknownOwner", func(t *testing.T) {
			err := stores.CreateStore(ctx, &msgcenter.Store{Name: "Orphan", OwnerID: owner.ID + 1000})
			assertError(t, err, msgcenter.ENOTFOUND, "")
		})
	})
}

func TestStoreService_Slug(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		db := open(t)
		owner := mustCreateUser(t, db, "owner@example.com")
		other := mustCreateUser(t, db, "other@example.com")
		for i, tc := range []struct {
			owner int64
			name  string
			want  string
		}{
			{owner.ID, "Kopi Kenangan!", "kopi-kenangan"},
			{other.ID, "kopi kenangan", "kopi-kenangan-2"},
			{owner.ID, "KOPI -- Kenangan", "kopi-kenangan-3"},
			{owner.ID, "Kopi Kenangan 2", "kopi-kenangan-2-2"},
			{owner.ID, "Café Ñoño's", "cafe-nonos"},
			{owner.ID, "東京ラーメン", "store"},
			{owner.ID, "12345", "store-2"},
			{owner.ID, "7-Eleven", "7-eleven"},
		} {
			if got := mustCreateStore(t, db, tc.owner, tc.name).Slug; got != tc.want {
				t.Errorf("%d: slug of %q = %q, want %q", i, tc.name, got, tc.want)
			}
		}
	})
}

func TestStoreService_CreateStoreConcurrent(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		owner := mustCreateUser(t, db, "owner@example.com")
		stores := sqlstore.NewStoreService(db)
		const n = 8
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Go(func() {
				errs <- stores.CreateStore(ctx, &msgcenter.Store{Name: "Same Name", OwnerID: owner.ID})
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		all, err := stores.FindStores(ctx, owner.ID)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, s := range all {
			seen[s.Slug] = true
		}
		if len(all) != n || len(seen) != n {
			t.Fatalf("%d stores with %d distinct slugs, want %d", len(all), len(seen), n)
		}
	})
}

func TestStoreService_FindStore(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		owner := mustCreateUser(t, db, "owner@example.com")
		other := mustCreateUser(t, db, "other@example.com")
		stores := sqlstore.NewStoreService(db)
		s1 := mustCreateStore(t, db, owner.ID, "First")
		theirs := mustCreateStore(t, db, other.ID, "Theirs")
		s2 := mustCreateStore(t, db, owner.ID, "Second")

		for _, ref := range []string{strconv.FormatInt(s1.ID, 10), "first"} {
			t.Run("Ref="+ref, func(t *testing.T) {
				got, err := stores.FindStore(ctx, owner.ID, ref)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, s1) {
					t.Fatalf("FindStore(%q) = %+v, want %+v", ref, got, s1)
				}
			})
		}
		for _, ref := range []string{strconv.FormatInt(theirs.ID, 10), "theirs", "nope", "999999", ""} {
			t.Run("ErrNotFound/Ref="+ref, func(t *testing.T) {
				_, err := stores.FindStore(ctx, owner.ID, ref)
				assertError(t, err, msgcenter.ENOTFOUND, "Store not found.")
			})
		}
		t.Run("FindStoreBySlug", func(t *testing.T) {
			got, err := stores.FindStoreBySlug(ctx, "theirs")
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != theirs.ID {
				t.Fatalf("got store %d, want %d", got.ID, theirs.ID)
			}
			_, err = stores.FindStoreBySlug(ctx, "nope")
			assertError(t, err, msgcenter.ENOTFOUND, "Store not found.")
			_, err = stores.FindStoreByID(ctx, 999999)
			assertError(t, err, msgcenter.ENOTFOUND, "Store not found.")
		})
		t.Run("FindStores", func(t *testing.T) {
			got, err := stores.FindStores(ctx, owner.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := []*msgcenter.Store{s1, s2}; !reflect.DeepEqual(got, want) {
				t.Fatalf("FindStores = %v, want %v", got, want)
			}
			none, err := stores.FindStores(ctx, 999999)
			if err != nil || len(none) != 0 {
				t.Fatalf("FindStores(unknown) = %v, %v; want none", none, err)
			}
		})
	})
}

func TestStoreService_UpdateStore(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		owner := mustCreateUser(t, db, "owner@example.com")
		other := mustCreateUser(t, db, "other@example.com")
		stores := sqlstore.NewStoreService(db)
		s := mustCreateStore(t, db, owner.ID, "Kopi")

		ptr := func(v string) *string { return &v }
		t.Run("OK", func(t *testing.T) {
			lang := msgcenter.LanguageIndonesian
			delay := 90 * time.Minute
			restock := false
			if !s.RestockOnRefund() {
				t.Fatal("a new store keeps a refund's stock; by default it restocks")
			}
			got, err := stores.UpdateStore(ctx, owner.ID, s.ID, msgcenter.StoreUpdate{
				Name: ptr(" Kopi Baru "), TimeZone: ptr("Asia/Makassar"), Language: &lang, IncompleteDelay: &delay,
				RestockOnRefund: &restock,
			})
			if err != nil {
				t.Fatal(err)
			}
			want := *s
			want.Name, want.TimeZone, want.Language, want.IncompleteDelay = "Kopi Baru", "Asia/Makassar", lang, delay
			want.RefundKeepsStock = true
			if !reflect.DeepEqual(*got, want) {
				t.Fatalf("UpdateStore = %+v, want %+v", *got, want)
			}
			found, err := stores.FindStoreByID(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(*found, want) {
				t.Fatalf("stored = %+v, want %+v", *found, want)
			}
			*s = want
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			delay := 10 * 24 * time.Hour
			_, err := stores.UpdateStore(ctx, owner.ID, s.ID, msgcenter.StoreUpdate{Name: ptr("Valid Name"), IncompleteDelay: &delay})
			assertError(t, err, msgcenter.EINVALID, "The store is not valid.")
			if f := msgcenter.ErrorFields(err); f["order_incomplete_delay_minutes"] == "" {
				t.Fatalf("fields = %v", f)
			}
			found, err := stores.FindStoreByID(ctx, s.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(found, s) {
				t.Fatalf("after a refused update the store is %+v, want %+v", found, s)
			}
		})
		t.Run("ErrOtherOwner", func(t *testing.T) {
			_, err := stores.UpdateStore(ctx, other.ID, s.ID, msgcenter.StoreUpdate{Name: ptr("Hijacked")})
			assertError(t, err, msgcenter.ENOTFOUND, "Store not found.")
			if found, _ := stores.FindStoreByID(ctx, s.ID); found.Name != s.Name {
				t.Fatalf("name = %q, want %q", found.Name, s.Name)
			}
		})
	})
}
