package msgcenter_test

import (
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
)

func TestRoomValidate(t *testing.T) {
	valid := func() *msgcenter.Room {
		return &msgcenter.Room{StoreID: 1, ChannelID: 11, ChannelType: msgcenter.ChannelWhatsApp,
			CustomerName: "Siti", CustomerPhone: "+6281234567890"}
	}
	const (
		channelMsg = "is required"
		nameMsg    = "must be at most 100 characters"
		phoneMsg   = "must be a phone number in international form, such as +6281234567890"
	)
	testValidate(t, valid, (*msgcenter.Room).Validate, "The room is not valid.", []validateCase[msgcenter.Room]{
		{"ChannelMissing", func(r *msgcenter.Room) { r.ChannelID = 0 }, map[string]string{"channel_id": channelMsg}},
		{"ChannelNegative", func(r *msgcenter.Room) { r.ChannelID = -1 }, map[string]string{"channel_id": channelMsg}},
		{"Name101Runes", func(r *msgcenter.Room) { r.CustomerName = strings.Repeat("ü", 101) }, map[string]string{"customer_name": nameMsg}},
		{"PhoneDashes", func(r *msgcenter.Room) { r.CustomerPhone = "+62-812-3456-7890" }, map[string]string{"customer_phone": phoneMsg}},
		{"PhoneSpaces", func(r *msgcenter.Room) { r.CustomerPhone = "+62 812 3456 7890" }, map[string]string{"customer_phone": phoneMsg}},
		{"PhoneLetters", func(r *msgcenter.Room) { r.CustomerPhone = "+62812345678a" }, map[string]string{"customer_phone": phoneMsg}},
		{"Phone7Digits", func(r *msgcenter.Room) { r.CustomerPhone = "+1234567" }, map[string]string{"customer_phone": phoneMsg}},
		{"Phone16Digits", func(r *msgcenter.Room) { r.CustomerPhone = "+1234567890123456" }, map[string]string{"customer_phone": phoneMsg}},
		{"PhonePlusOnly", func(r *msgcenter.Room) { r.CustomerPhone = "+" }, map[string]string{"customer_phone": phoneMsg}},
		{"PhoneTwoPluses", func(r *msgcenter.Room) { r.CustomerPhone = "++6281234567890" }, map[string]string{"customer_phone": phoneMsg}},
		{"Everything", func(r *msgcenter.Room) {
			r.ChannelID, r.CustomerName, r.CustomerPhone = 0, strings.Repeat("a", 101), "phone"
		}, map[string]string{"channel_id": channelMsg, "customer_name": nameMsg, "customer_phone": phoneMsg}},
	}, map[string]func(*msgcenter.Room){
		"NoNameNoPhone":    func(r *msgcenter.Room) { r.CustomerName, r.CustomerPhone = "", "" },
		"Name100Runes":     func(r *msgcenter.Room) { r.CustomerName = strings.Repeat("ü", 100) },
		"PhoneWithoutPlus": func(r *msgcenter.Room) { r.CustomerPhone = "6281234567890" },
		"Phone8Digits":     func(r *msgcenter.Room) { r.CustomerPhone = "+12345678" },
		"Phone15Digits":    func(r *msgcenter.Room) { r.CustomerPhone = "+123456789012345" },
	})
}

func TestPhoneDigits(t *testing.T) {
	for in, want := range map[string]string{
		"+6281234567890":     "6281234567890",
		"+62 812-3456-7890":  "6281234567890",
		"(0812) 3456 7890":   "081234567890",
		"":                   "",
		"no digits at all +": "",
	} {
		if got := msgcenter.PhoneDigits(in); got != want {
			t.Errorf("PhoneDigits(%q) = %q, want %q", in, got, want)
		}
	}
}
