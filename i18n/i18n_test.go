package i18n_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

// TestCatalogues fails when a key of one language's catalogue lacks a
// translation in another, or a translation is empty.
func TestCatalogues(t *testing.T) {
	en := i18n.Keys(msgcenter.LanguageEnglish)
	if len(en) == 0 {
		t.Fatal("the English catalogue is empty")
	}
	for _, lang := range msgcenter.Languages() {
		keys := i18n.Keys(lang)
		for _, k := range en {
			if !slices.Contains(keys, k) {
				t.Errorf("%s: no translation of %q", lang, k)
			}
		}
		for _, k := range keys {
			if !slices.Contains(en, k) {
				t.Errorf("%s: %q is not in the English catalogue", lang, k)
			}
			if strings.TrimSpace(i18n.For(lang).T(k)) == "" {
				t.Errorf("%s: %q is empty", lang, k)
			}
		}
	}
}

func TestPrinter(t *testing.T) {
	for _, tc := range []struct {
		lang msgcenter.Language
		key  string
		args []any
		want string
	}{
		{msgcenter.LanguageEnglish, "shop.available", []any{1250}, "1,250 available"},
		{msgcenter.LanguageIndonesian, "shop.available", []any{1250}, "1.250 tersedia"},
		{msgcenter.LanguageIndonesian, "receipt.thanks", []any{"Warung Bu Sri"}, "Terima kasih telah berbelanja di Warung Bu Sri."},
		{"fr", "checkout.place_order", nil, "Place order"},
	} {
		if got := i18n.For(tc.lang).T(tc.key, tc.args...); got != tc.want {
			t.Errorf("For(%s).T(%q, %v) = %q, want %q", tc.lang, tc.key, tc.args, got, tc.want)
		}
	}
}

// TestUnprocessed checks that every reason of an unprocessed line has its
// words in every language, and that a line without a name is named.
func TestUnprocessed(t *testing.T) {
	for _, lang := range msgcenter.Languages() {
		seen := map[string]bool{}
		for _, r := range msgcenter.UnprocessedReasons() {
			if !slices.Contains(i18n.Keys(lang), "reason."+string(r)) {
				t.Errorf("%s: no words for reason %q", lang, r)
			}
			w := i18n.For(lang).Unprocessed(r)
			if w == string(r) || seen[w] {
				t.Errorf("%s: reason %q reads %q", lang, r, w)
			}
			seen[w] = true
		}
	}
	if got := i18n.For(msgcenter.LanguageIndonesian).Unprocessed(msgcenter.UnprocessedOutOfStock); got != "stok habis" {
		t.Errorf("out_of_stock in Indonesian = %q", got)
	}
	if got := i18n.For(msgcenter.LanguageEnglish).Unprocessed("melted"); got != "melted" {
		t.Errorf("an unknown code = %q, want it as it is", got)
	}
	if got := i18n.For(msgcenter.LanguageIndonesian).ProductName(msgcenter.UnprocessedItem{ProductID: 7}); got != "Produk tidak dikenal (#7)" {
		t.Errorf("a line without a name = %q", got)
	}
}

// TestOrderRefusalsTranslated checks that every refusal of the order's
// state machine an admin can meet on the order page (pay, cancel, cancel
// with refund, refund) reads in Indonesian, not in the code's English.
func TestOrderRefusalsTranslated(t *testing.T) {
	at := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	for _, status := range msgcenter.OrderStatuses() {
		for _, refunded := range []bool{false, true} {
			for _, a := range []msgcenter.OrderAction{msgcenter.ActionPay, msgcenter.ActionCancel, msgcenter.ActionCancelRefund, msgcenter.ActionRefund} {
				o := &msgcenter.Order{Number: 7, Status: status, ReleaseAt: &at}
				if refunded {
					o.PaidAt, o.RefundedAt = &at, &at
				}
				_, err := o.Apply(a, at, true)
				if msgcenter.ErrorCode(err) != msgcenter.ECONFLICT {
					continue
				}
				en := msgcenter.ErrorMessage(err)
				if got := i18n.Translate(msgcenter.LanguageIndonesian, en); got == en || !strings.Contains(got, "#7") {
					t.Errorf("%s/%s: %q reads %q in Indonesian", status, a, en, got)
				}
			}
		}
	}
}
