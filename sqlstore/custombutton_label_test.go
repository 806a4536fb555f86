package sqlstore_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

// labelButtons is a ButtonProvider that records the labels it was given.
type labelButtons struct {
	mu     sync.Mutex
	labels []string
}

func (f *labelButtons) EnsureCustomButton(_ context.Context, _ int64, label, _ string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.labels = append(f.labels, label)
	return true, nil
}

func (f *labelButtons) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.labels[len(f.labels)-1]
}

func TestCustomButtonLabel(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		f := newFixture(t, open)
		prov := &labelButtons{}
		s := sqlstore.NewCustomButtonService(f.db, func(context.Context, int64) (msgcenter.ButtonProvider, error) { return prov, nil },
			func() string { return "https://shop.example.com/" })
		st := *f.store
		if b, err := s.SetupCustomButton(ctx, &st); err != nil || b.Label != st.Name || b.LabelSetByAdmin {
			t.Fatalf("setup = %+v, %v", b, err)
		}

		t.Run("FollowsARename", func(t *testing.T) {
			st.Name = "Warung Bu Sri 🍜"
			b, err := s.FollowStoreName(ctx, &st)
			if err != nil || b.Label != st.Name || b.LabelSetByAdmin || !b.AutoCreated || prov.last() != st.Name {
				t.Fatalf("after rename = %+v, %v; provider got %q", b, err, prov.labels)
			}
			calls := len(prov.labels)
			if _, err := s.FollowStoreName(ctx, &st); err != nil || len(prov.labels) != calls {
				t.Errorf("an unchanged name asked the provider again (%d calls, want %d): %v", len(prov.labels), calls, err)
			}
		})
		t.Run("AdminLabelStaysOverARename", func(t *testing.T) {
			b, err := s.SetCustomButtonLabel(ctx, &st, "  Kirim Toko  ")
			if err != nil || b.Label != "Kirim Toko" || !b.LabelSetByAdmin || prov.last() != "Kirim Toko" {
				t.Fatalf("admin label = %+v, %v; provider got %q", b, err, prov.labels)
			}
			st.Name = "Warung Bu Sri"
			if b, err := s.FollowStoreName(ctx, &st); err != nil || b.Label != "Kirim Toko" || !b.LabelSetByAdmin {
				t.Fatalf("rename after the admin's label = %+v, %v", b, err)
			}
			// Rotating keeps the admin's label on the platform.
			if b, err := s.RotateCustomButton(ctx, &st); err != nil || b.Label != "Kirim Toko" || prov.last() != "Kirim Toko" {
				t.Fatalf("rotate = %+v, %v; provider got %q", b, err, prov.labels)
			}
		})
		t.Run("EmptyFollowsTheStoreAgain", func(t *testing.T) {
			b, err := s.SetCustomButtonLabel(ctx, &st, "")
			if err != nil || b.Label != "Warung Bu Sri" || b.LabelSetByAdmin || prov.last() != "Warung Bu Sri" {
				t.Fatalf("cleared label = %+v, %v", b, err)
			}
		})
		t.Run("ErrInvalid", func(t *testing.T) {
			for _, label := range []string{strings.Repeat("x", msgcenter.MaxCustomButtonLabel+1), "two\nlines", "bell\a"} {
				_, err := s.SetCustomButtonLabel(ctx, &st, label)
				if msgcenter.ErrorCode(err) != msgcenter.EINVALID || msgcenter.ErrorFields(err)["label"] == "" {
					t.Errorf("label %q: %v, want EINVALID naming label", label, err)
				}
			}
			if b, _ := s.FindCustomButton(ctx, st.ID); b.Label != "Warung Bu Sri" {
				t.Errorf("a refused label changed the button: %+v", b)
			}
		})
	})
}
