package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

func TestIdempotencyService(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		clk := newClock(db)
		s := sqlstore.NewIdempotencyService(db)

		res, claimed, err := s.ClaimIdempotencyKey(ctx, "user:1", "k1", "hash-a")
		if err != nil || !claimed || res.Status != 0 {
			t.Fatalf("first claim = %+v, %v, %v", res, claimed, err)
		}
		res, claimed, err = s.ClaimIdempotencyKey(ctx, "user:1", "k1", "hash-a")
		if err != nil || claimed || res.Status != 0 || res.RequestHash != "hash-a" {
			t.Fatalf("claim in flight = %+v, %v, %v; want the in-flight record", res, claimed, err)
		}
		if err := s.CompleteIdempotencyKey(ctx, "user:1", "k1", 201, "application/json", []byte(`{"id":7}`)); err != nil {
			t.Fatal(err)
		}
		res, claimed, err = s.ClaimIdempotencyKey(ctx, "user:1", "k1", "hash-b")
		if err != nil || claimed || res.Status != 201 || string(res.Body) != `{"id":7}` || res.RequestHash != "hash-a" ||
			res.ContentType != "application/json" {
			t.Fatalf("claim after completion = %+v, %v, %v", res, claimed, err)
		}
		// Another admin's key of the same name is another key.
		if _, claimed, err := s.ClaimIdempotencyKey(ctx, "user:2", "k1", "hash-b"); err != nil || !claimed {
			t.Fatalf("another scope: %v, %v", claimed, err)
		}
		// Released (an internal error): the retry claims it again.
		if err := s.ReleaseIdempotencyKey(ctx, "user:2", "k1"); err != nil {
			t.Fatal(err)
		}
		if _, claimed, err := s.ClaimIdempotencyKey(ctx, "user:2", "k1", "hash-b"); err != nil || !claimed {
			t.Fatalf("after release: %v, %v", claimed, err)
		}
		// A completed key is not released.
		if err := s.ReleaseIdempotencyKey(ctx, "user:1", "k1"); err != nil {
			t.Fatal(err)
		}
		clk.Add(msgcenter.IdempotencyKeyTTL - time.Second)
		if _, claimed, _ := s.ClaimIdempotencyKey(ctx, "user:1", "k1", "hash-c"); claimed {
			t.Fatal("a completed key was claimed within 24 hours")
		}
		clk.Add(2 * time.Second)
		res, claimed, err = s.ClaimIdempotencyKey(ctx, "user:1", "k1", "hash-c")
		if err != nil || !claimed || res.RequestHash != "hash-c" {
			t.Fatalf("claim after 24 h = %+v, %v, %v; want a fresh claim", res, claimed, err)
		}

		t.Run("Concurrent", func(t *testing.T) {
			var wg sync.WaitGroup
			var mu sync.Mutex
			wins := 0
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, claimed, err := s.ClaimIdempotencyKey(ctx, "user:3", "race", "h")
					if err != nil && msgcenter.ErrorCode(err) != msgcenter.ECONFLICT {
						t.Error(err)
					}
					if claimed {
						mu.Lock()
						wins++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if wins != 1 {
				t.Fatalf("%d requests claimed one key, want 1", wins)
			}
		})
	})
}
