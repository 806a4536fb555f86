package receipt_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/receipt"
	"github.com/qiscus/msgcenter/render"
)

func testStore(lang msgcenter.Language) *msgcenter.Store {
	return &msgcenter.Store{
		ID: 1, Slug: "kopi-senja", Name: "Kopi Senja", Address: "Jl. Kemang Raya No. 8, Jakarta Selatan 12730",
		Currency: "IDR", TimeZone: "Asia/Jakarta", Language: lang,
	}
}

func testOrder() *msgcenter.Order {
	created := time.Date(2026, 3, 14, 7, 30, 0, 0, time.UTC)
	paid := created.Add(12 * time.Minute)
	items := []msgcenter.OrderItem{
		{ProductID: 1, Name: "Kopi Susu Gula Aren", Quantity: 2, UnitPrice: 25000},
		{ProductID: 2, Name: "Croissant Mentega", Quantity: 1, UnitPrice: 32000},
		{ProductID: 3, Name: "Teh Tarik Dingin", Quantity: 3, UnitPrice: 18000},
	}
	var sub int64
	for _, it := range items {
		sub += it.LineTotal()
	}
	return &msgcenter.Order{
		ID: 7, StoreID: 1, Number: 1042, Token: "tok", CustomerName: "Siti Nurhaliza Ümit",
		CustomerPhone: "+6281234567890", Address: "Jl. Melati 5, Depok", Items: items,
		DeliveryMethod: "regular", DeliveryFee: 15000, ServiceFee: msgcenter.ServiceFee,
		Subtotal: sub, GrandTotal: sub + 15000 + msgcenter.ServiceFee, PaymentMethod: "qris",
		Status: msgcenter.OrderPaid, CreatedAt: created, PaidAt: &paid, UpdatedAt: paid,
	}
}

// pdfText extracts the text of pdf with pdftotext, skipping (or failing
// under CI) when poppler-utils is not installed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext not found; install poppler-utils (scripts/test does it as root)")
		}
		t.Skip("pdftotext not found; install poppler-utils to run this test (scripts/test does it as root)")
	}
	path := filepath.Join(t.TempDir(), "receipt.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// normalize turns no-break spaces into spaces, as text extraction may.
func normalize(s string) string {
	return strings.NewReplacer("\u00a0", " ", "\u202f", " ").Replace(s)
}

func TestWrite(t *testing.T) {
	for _, lang := range msgcenter.Languages() {
		t.Run(string(lang), func(t *testing.T) {
			st, o := testStore(lang), testOrder()
			var buf bytes.Buffer
			if err := receipt.Write(&buf, st, o, lang); err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
				t.Fatalf("output does not start with %%PDF-: %q", buf.Bytes()[:min(16, buf.Len())])
			}
			text := normalize(pdfText(t, buf.Bytes()))
			total := normalize(render.FormatMoney(o.GrandTotal, st.Currency, lang))
			want := []string{"#1042", "Kopi Senja", "Siti Nurhaliza Ümit", total, "Rp", "153.000"}
			for _, it := range o.Items {
				want = append(want, it.Name)
			}
			if lang == msgcenter.LanguageIndonesian {
				want = append(want, "STRUK", "Lunas")
			} else {
				want = append(want, "RECEIPT", "Paid")
			}
			for _, s := range want {
				if !strings.Contains(text, s) {
					t.Errorf("PDF text lacks %q; text:\n%s", s, text)
				}
			}
		})
	}
}

func TestWriteDeterministic(t *testing.T) {
	st, o := testStore(msgcenter.LanguageEnglish), testOrder()
	var a, b bytes.Buffer
	if err := receipt.Write(&a, st, o, st.Language); err != nil {
		t.Fatal(err)
	}
	if err := receipt.Write(&b, st, o, st.Language); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two receipts of the same order differ")
	}
}

// TestWriteManyItems covers a table that runs over several pages, with long
// names that wrap.
func TestWriteManyItems(t *testing.T) {
	st, o := testStore(msgcenter.LanguageEnglish), testOrder()
	o.Items = nil
	for i := range 60 {
		o.Items = append(o.Items, msgcenter.OrderItem{ProductID: int64(i), Quantity: 1, UnitPrice: 1000,
			Name: "Item " + strings.Repeat("with a rather long name ", i%4) + "end"})
	}
	o.Items = append(o.Items, msgcenter.OrderItem{Name: "LastItemMarker", Quantity: 1, UnitPrice: 1})
	var buf bytes.Buffer
	if err := receipt.Write(&buf, st, o, st.Language); err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, buf.Bytes())
	for _, s := range []string{"LastItemMarker", "Page 2", "Grand total"} {
		if !strings.Contains(text, s) {
			t.Errorf("PDF text lacks %q", s)
		}
	}
}

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Nasi Goreng Kampung", "Nasi Goreng Kampung"},
		{"Ani 😊", "Ani □"},                   // beyond U+FFFF: replaced
		{"Es Teh ☕ Manis", "Es Teh ☕ Manis"}, // DejaVu Sans draws it
		{"❤️ Cinta", "❤ Cinta"},              // the variation selector is dropped
		{"拉面 라면", "□□ □□"},                   // no CJK font
		{"Cafe\u0301\tDua\nBaris", "Café Dua Baris"},
		{"a\u200db\x00c", "abc"},
		{"bad \xff byte", "bad \ufffd byte"},
	} {
		if got := receipt.Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestWriteAnyName prints an Indonesian store with emoji, Indonesian and
// CJK names: the text of the PDF has each name, or its printable form, and
// every amount.
func TestWriteAnyName(t *testing.T) {
	st, o := testStore(msgcenter.LanguageIndonesian), testOrder()
	st.Name = "Warung Bu Sri 🍜"
	st.Address = "Jl. Cempaka ☀ No. 3, Yogyakarta"
	o.CustomerName = "Ani 😊"
	o.Address = "Gg. Mawar 🌹 7"
	o.Items[0].Name = "Es Teh ☕ Manis 🍹"
	o.Items[1].Name = "Nasi Goreng Kampung Pedas Ëxtra"
	o.Items[2].Name = "拉面"
	var buf bytes.Buffer
	if err := receipt.Write(&buf, st, o, st.Language); err != nil {
		t.Fatal(err)
	}
	text := normalize(pdfText(t, buf.Bytes()))
	want := []string{"Warung Bu Sri □", "Ani □", "Gg. Mawar □ 7", "Jl. Cempaka ☀ No. 3", "Es Teh ☕ Manis □",
		"Nasi Goreng Kampung Pedas Ëxtra", "□□"}
	money := func(n int64) string { return normalize(render.FormatMoney(n, st.Currency, st.Language)) }
	for _, it := range o.Items {
		want = append(want, receipt.Printable(it.Name), money(it.UnitPrice), money(it.LineTotal()))
	}
	want = append(want, money(o.Subtotal), money(o.DeliveryFee), money(o.ServiceFee), money(o.GrandTotal))
	for _, s := range want {
		if !strings.Contains(text, s) {
			t.Errorf("PDF text lacks %q; text:\n%s", s, text)
		}
	}
}

// TestWriteLongAmounts: amounts too wide for a fixed column push their
// labels aside instead of running into them.
func TestWriteLongAmounts(t *testing.T) {
	for _, lang := range msgcenter.Languages() {
		st, o := testStore(lang), testOrder()
		o.Items[0].UnitPrice = 50_000_827_000
		o.DeliveryMethod = "a_delivery_method_code_unknown_to_the_receipt_with_a_long_name"
		o.Subtotal = 100_001_637_000
		o.GrandTotal = 100_001_654_000
		var buf bytes.Buffer
		if err := receipt.Write(&buf, st, o, lang); err != nil {
			t.Fatal(err)
		}
		text := normalize(pdfText(t, buf.Bytes()))
		l := map[msgcenter.Language]string{msgcenter.LanguageEnglish: "Grand total", msgcenter.LanguageIndonesian: "Total bayar"}[lang]
		re := regexp.MustCompile(regexp.QuoteMeta(l) + `\s+` + regexp.QuoteMeta(normalize(render.FormatMoney(o.GrandTotal, st.Currency, lang))))
		if !re.MatchString(text) {
			t.Errorf("%s: PDF text lacks %q, apart from its amount; text:\n%s", lang, re, text)
		}
		for _, s := range []string{normalize(render.FormatMoney(o.Items[0].LineTotal(), st.Currency, lang)), "Rp 100.001.637.000"} {
			if !regexp.MustCompile(`(^|\s)` + regexp.QuoteMeta(s) + `(\s|$)`).MatchString(text) {
				t.Errorf("%s: PDF text lacks %q standing apart; text:\n%s", lang, s, text)
			}
		}
	}
}

func benchmarkWrite(b *testing.B, lines int) {
	st, o := testStore(msgcenter.LanguageIndonesian), testOrder()
	o.Items = nil
	for i := range lines {
		o.Items = append(o.Items, msgcenter.OrderItem{ProductID: int64(i), Quantity: 1 + i%3, UnitPrice: 15000 + int64(i)*500,
			Name: "Produk ☕ nomor " + strconv.Itoa(i) + strings.Repeat(" dengan nama panjang", i%3)})
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := receipt.Write(&buf, st, o, st.Language); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite1 and BenchmarkWrite200 time receipts of 1 and 200 lines.
func BenchmarkWrite1(b *testing.B)   { benchmarkWrite(b, 1) }
func BenchmarkWrite200(b *testing.B) { benchmarkWrite(b, 200) }
