package msgcenter_test

import (
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
)

// TestStoreBankTransferInstructions: the instructions are optional plain
// text of at most 1000 characters, trimmed by an update.
func TestStoreBankTransferInstructions(t *testing.T) {
	valid := func() *msgcenter.Store {
		return &msgcenter.Store{Name: "Warung Bu Sri 🍜", Currency: "IDR", TimeZone: "Asia/Jakarta", Language: msgcenter.LanguageIndonesian,
			IncompleteDelay: msgcenter.DefaultIncompleteDelay, UnpaidHold: msgcenter.DefaultUnpaidHold, OwnerID: 1}
	}
	testValidate(t, valid, (*msgcenter.Store).Validate, "The store is not valid.", []validateCase[msgcenter.Store]{
		{"Over1000Runes", func(s *msgcenter.Store) { s.BankTransferInstructions = strings.Repeat("ß", 1001) },
			map[string]string{"bank_transfer_instructions": "must be at most 1000 characters"}},
		{"ControlCharacter", func(s *msgcenter.Store) { s.BankTransferInstructions = "BCA\x00123" },
			map[string]string{"bank_transfer_instructions": msgcenter.NotPlainText}},
	}, map[string]func(*msgcenter.Store){
		"Lines":     func(s *msgcenter.Store) { s.BankTransferInstructions = "BCA 123\r\n\ta.n. Sri 😊" },
		"1000Runes": func(s *msgcenter.Store) { s.BankTransferInstructions = strings.Repeat("ß", 1000) },
	})
	s := valid()
	text := "  BCA 123\n"
	msgcenter.StoreUpdate{BankTransferInstructions: &text}.Apply(s)
	if s.BankTransferInstructions != "BCA 123" {
		t.Errorf("applied instructions = %q, want them trimmed", s.BankTransferInstructions)
	}
	msgcenter.StoreUpdate{}.Apply(s)
	if s.BankTransferInstructions != "BCA 123" {
		t.Errorf("an update without the field changed it to %q", s.BankTransferInstructions)
	}
}
