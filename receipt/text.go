package receipt

import (
	"strconv"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

// PaymentMethodName returns the customer-facing name of a payment method
// code in lang; an unknown code is shown as it is.
func PaymentMethodName(code string, lang msgcenter.Language) string {
	return methodName("payment_method.", code, lang)
}

// DeliveryMethodName returns the customer-facing name of a delivery method
// code in lang; an unknown code is shown as it is.
func DeliveryMethodName(code string, lang msgcenter.Language) string {
	return methodName("delivery_method.", code, lang)
}

func methodName(prefix, code string, lang msgcenter.Language) string {
	if !i18n.Has(prefix + code) {
		return code
	}
	return i18n.For(lang).T(prefix + code)
}

var monthsID = [...]string{"Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"}

// FormatTime formats t in the store's time zone for lang, such as
// "2 Jan 2026, 14:05 WIB" (English) or "2 Agu 2026 14.05 WIB" (Indonesian).
// An unknown time zone falls back to UTC.
func FormatTime(t time.Time, timeZone string, lang msgcenter.Language) string {
	loc, err := time.LoadLocation(timeZone)
	if err != nil || timeZone == "" {
		loc = time.UTC
	}
	t = t.In(loc)
	if lang == msgcenter.LanguageIndonesian {
		return strconv.Itoa(t.Day()) + " " + monthsID[t.Month()-1] + " " + strconv.Itoa(t.Year()) + " " + t.Format("15.04 MST")
	}
	return t.Format("2 Jan 2006, 15:04 MST")
}

// OrderNumber returns the order number as customers see it: "#1042".
func OrderNumber(o *msgcenter.Order) string { return "#" + strconv.FormatInt(o.Number, 10) }
