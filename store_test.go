package msgcenter_test

import (
	"strings"
	"testing"
	"time"

	"github.com/qiscus/msgcenter"
)

func TestStoreValidate(t *testing.T) {
	valid := func() *msgcenter.Store {
		return &msgcenter.Store{Name: "Kopi Senja", Address: "Jl. Kemang Raya No. 8, Jakarta Selatan", Currency: "IDR",
			TimeZone: "Asia/Jakarta", Language: msgcenter.LanguageEnglish, IncompleteDelay: msgcenter.DefaultIncompleteDelay,
			UnpaidHold: msgcenter.DefaultUnpaidHold, OwnerID: 1}
	}
	const (
		addressMsg  = "must be at most 500 characters"
		currencyMsg = "must be IDR"
		zoneMsg     = "must be an IANA time zone such as Asia/Jakarta"
		langMsg     = "must be one of en, id"
		delayMsg    = "must be between 1 and 10080 minutes"
		holdMsg     = "must be between 10 and 10080 minutes"
	)
	testValidate(t, valid, (*msgcenter.Store).Validate, "The store is not valid.", []validateCase[msgcenter.Store]{
		{"NameEmpty", func(s *msgcenter.Store) { s.Name = "" }, map[string]string{"name": "is required"}},
		{"NameBlank", func(s *msgcenter.Store) { s.Name = " \n " }, map[string]string{"name": "is required"}},
		{"Name101Runes", func(s *msgcenter.Store) { s.Name = strings.Repeat("ß", 101) },
			map[string]string{"name": "must be at most 100 characters"}},
		{"Address501Runes", func(s *msgcenter.Store) { s.Address = strings.Repeat("ß", 501) }, map[string]string{"address": addressMsg}},
		{"CurrencyUSD", func(s *msgcenter.Store) { s.Currency = "USD" }, map[string]string{"currency": currencyMsg}},
		{"CurrencyLowerCase", func(s *msgcenter.Store) { s.Currency = "idr" }, map[string]string{"currency": currencyMsg}},
		{"CurrencyEmpty", func(s *msgcenter.Store) { s.Currency = "" }, map[string]string{"currency": currencyMsg}},
		{"TimeZoneEmpty", func(s *msgcenter.Store) { s.TimeZone = "" }, map[string]string{"time_zone": zoneMsg}},
		{"TimeZoneUnknown", func(s *msgcenter.Store) { s.TimeZone = "Asia/Atlantis" }, map[string]string{"time_zone": zoneMsg}},
		{"TimeZoneOffset", func(s *msgcenter.Store) { s.TimeZone = "+07:00" }, map[string]string{"time_zone": zoneMsg}},
		{"LanguageEmpty", func(s *msgcenter.Store) { s.Language = "" }, map[string]string{"language": langMsg}},
		{"LanguageFrench", func(s *msgcenter.Store) { s.Language = "fr" }, map[string]string{"language": langMsg}},
		{"DelayZero", func(s *msgcenter.Store) { s.IncompleteDelay = 0 }, map[string]string{"order_incomplete_delay_minutes": delayMsg}},
		{"DelayUnderAMinute", func(s *msgcenter.Store) { s.IncompleteDelay = time.Minute - time.Second },
			map[string]string{"order_incomplete_delay_minutes": delayMsg}},
		{"DelayOverAWeek", func(s *msgcenter.Store) { s.IncompleteDelay = 7*24*time.Hour + time.Minute },
			map[string]string{"order_incomplete_delay_minutes": delayMsg}},
		{"HoldUnderTenMinutes", func(s *msgcenter.Store) { s.UnpaidHold = 10*time.Minute - time.Second },
			map[string]string{"unpaid_hold_minutes": holdMsg}},
		{"HoldOverAWeek", func(s *msgcenter.Store) { s.UnpaidHold = 7*24*time.Hour + time.Minute },
			map[string]string{"unpaid_hold_minutes": holdMsg}},
		{"Everything", func(s *msgcenter.Store) { *s = msgcenter.Store{} }, map[string]string{"name": "is required",
			"currency": currencyMsg, "time_zone": zoneMsg, "language": langMsg, "order_incomplete_delay_minutes": delayMsg,
			"unpaid_hold_minutes": holdMsg}},
	}, map[string]func(*msgcenter.Store){
		"Name100RunesAndSpaces": func(s *msgcenter.Store) { s.Name = "  " + strings.Repeat("ß", 100) + "  " },
		"NoAddress":             func(s *msgcenter.Store) { s.Address = "" },
		"Address500Runes":       func(s *msgcenter.Store) { s.Address = strings.Repeat("ß", 500) },
		"Indonesian":            func(s *msgcenter.Store) { s.Language = msgcenter.LanguageIndonesian },
		"TimeZoneUTC":           func(s *msgcenter.Store) { s.TimeZone = "UTC" },
		"TimeZoneMakassar":      func(s *msgcenter.Store) { s.TimeZone = "Asia/Makassar" },
		"DelayOneMinute":        func(s *msgcenter.Store) { s.IncompleteDelay = time.Minute },
		"DelayOneWeek":          func(s *msgcenter.Store) { s.IncompleteDelay = 7 * 24 * time.Hour },
		"HoldTenMinutes":        func(s *msgcenter.Store) { s.UnpaidHold = 10 * time.Minute },
		"HoldOneWeek":           func(s *msgcenter.Store) { s.UnpaidHold = 7 * 24 * time.Hour },
	})
}
