package receipt_test

import (
	"bytes"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/receipt"
)

// FuzzReceiptPDF writes receipts whose store, customer, address and item
// names are arbitrary text: every one must come out as a PDF, never as an
// error or a panic.
func FuzzReceiptPDF(f *testing.F) {
	f.Add("Warung Bu Sri 🍜", "Ani 😊", "Jl. Mawar 🌹", "Es Teh ☕ Manis", "拉面 ラーメン 라면")
	f.Add("", "", "", "", "")
	f.Add("\x00\xff\u200d\ufe0f", "a\u0301\u0301\u0301", "\n\n\t", "👨\u200d👩\u200d👧", "\U0010FFFF\uFFFE")
	f.Fuzz(func(t *testing.T, store, customer, address, item1, item2 string) {
		st, o := testStore(msgcenter.LanguageIndonesian), testOrder()
		st.Name, st.Address = store, address
		o.CustomerName, o.Address = customer, address
		o.Items[0].Name, o.Items[1].Name = item1, item2
		var buf bytes.Buffer
		if err := receipt.Write(&buf, st, o, st.Language); err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Fatalf("output does not start with %%PDF-")
		}
	})
}
