package sqlstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/sqlstore"
)

// TestStoreService_BankTransferInstructions stores the instructions on
// create and update, reads them back by every finder, and writes nothing
// of a refused update.
func TestStoreService_BankTransferInstructions(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, open func(testing.TB, ...sqlstore.Options) *sqlstore.DB) {
		ctx := context.Background()
		db := open(t)
		ss := sqlstore.NewStoreService(db)
		owner := mustCreateUser(t, db, "owner@example.com")
		st := &msgcenter.Store{Name: "Warung Bu Sri 🍜", OwnerID: owner.ID, BankTransferInstructions: "BCA 123\na.n. Sri 😊"}
		if err := ss.CreateStore(ctx, st); err != nil {
			t.Fatal(err)
		}
		check := func(want string) {
			t.Helper()
			byID, err := ss.FindStoreByID(ctx, st.ID)
			if err != nil {
				t.Fatal(err)
			}
			bySlug, err := ss.FindStoreBySlug(ctx, st.Slug)
			if err != nil {
				t.Fatal(err)
			}
			all, err := ss.FindStores(ctx, owner.ID)
			if err != nil || len(all) != 1 {
				t.Fatalf("FindStores = %v, %v", all, err)
			}
			for _, got := range []*msgcenter.Store{byID, bySlug, all[0]} {
				if got.BankTransferInstructions != want {
					t.Fatalf("instructions = %q, want %q", got.BankTransferInstructions, want)
				}
			}
		}
		check("BCA 123\na.n. Sri 😊")

		text := "Mandiri 987\na.n. Sri Wahyuni"
		if _, err := ss.UpdateStore(ctx, owner.ID, st.ID, msgcenter.StoreUpdate{BankTransferInstructions: &text}); err != nil {
			t.Fatal(err)
		}
		check(text)

		t.Run("ErrTooLong", func(t *testing.T) {
			long := strings.Repeat("x", 1001)
			_, err := ss.UpdateStore(ctx, owner.ID, st.ID, msgcenter.StoreUpdate{BankTransferInstructions: &long})
			assertError(t, err, msgcenter.EINVALID, "The store is not valid.")
			if f := msgcenter.ErrorFields(err); f["bank_transfer_instructions"] == "" {
				t.Fatalf("fields = %v", f)
			}
			check(text)
		})

		empty := ""
		if _, err := ss.UpdateStore(ctx, owner.ID, st.ID, msgcenter.StoreUpdate{BankTransferInstructions: &empty}); err != nil {
			t.Fatal(err)
		}
		check("")
	})
}
