package http

import (
	"net/http"
	"reflect"

	"golang.org/x/text/language"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/receipt"
)

// Every page's text comes from the catalogues of package i18n. Templates
// are parsed once per language with the template function
//
//	{{t "key" args...}}
//
// bound to that language's printer (and {{date time timeZone}} writing a
// time as the language does), and a page is rendered in the language
// its data names in a string field Lang ("en" or "id"): the store's for the
// customer pages, the admin's for the dashboard. A page without one is in
// English.

// pageLang returns the language data names in its Lang field.
func pageLang(data any) msgcenter.Language {
	v := reflect.ValueOf(data)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return msgcenter.LanguageEnglish
		}
		v = v.Elem()
	}
	var lang reflect.Value
	switch v.Kind() {
	case reflect.Struct:
		lang = v.FieldByName("Lang")
	case reflect.Map:
		if v.Type().Key().Kind() == reflect.String {
			lang = v.MapIndex(reflect.ValueOf("Lang"))
		}
	}
	for lang.IsValid() && lang.Kind() == reflect.Interface {
		lang = lang.Elem()
	}
	if lang.IsValid() && lang.Kind() == reflect.String {
		if l := msgcenter.Language(lang.String()); l.Valid() {
			return l
		}
	}
	return msgcenter.LanguageEnglish
}

// orderStatusText returns the human words for an order status in lang.
func orderStatusText(s msgcenter.OrderStatus, lang msgcenter.Language) string {
	key := "status." + string(s)
	if !i18n.Has(key) {
		return string(s)
	}
	return i18n.For(lang).T(key)
}

// holdNote says in lang, for an unpaid order, until when its items are
// held, and for an expired one, when they were released; "" for any other
// order. Times are in the store's time zone.
func holdNote(o *msgcenter.Order, timeZone string, lang msgcenter.Language) string {
	t := i18n.For(lang).T
	switch {
	case o.Status == msgcenter.OrderPlaced && o.ReleaseAt != nil:
		return t("order.hold_until", receipt.FormatTime(*o.ReleaseAt, timeZone, lang))
	case o.Status == msgcenter.OrderExpired && o.ReleaseAt != nil:
		return t("order.hold_expired", receipt.FormatTime(o.UpdatedAt, timeZone, lang))
	}
	return ""
}

// paymentState returns in lang whether the customer's money is with the
// store.
func paymentState(o *msgcenter.Order, lang msgcenter.Language) string {
	t := i18n.For(lang).T
	switch {
	case o.Refunded():
		return t("payment.refunded")
	case o.Status == msgcenter.OrderPaid || o.PaidAt != nil:
		return t("payment.paid")
	}
	return t("payment.unpaid")
}

// adminMatcher picks the dashboard language from a browser's
// Accept-Language: English unless it prefers Indonesian.
var adminMatcher = language.NewMatcher([]language.Tag{language.English, language.Indonesian})

// adminLang returns the dashboard's language for admin u (nil before
// sign-in): the one they chose, else the browser's preference.
func adminLang(r *http.Request, u *msgcenter.User) msgcenter.Language {
	if u != nil && u.Language.Valid() {
		return u.Language
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if _, i, conf := adminMatcher.Match(tags...); conf != language.No && i == 1 {
		return msgcenter.LanguageIndonesian
	}
	return msgcenter.LanguageEnglish
}

// handleAdminLanguage answers POST /admin/language: it remembers the
// dashboard language the admin chose (form field language, "en" or "id")
// and goes back to the page of form field next.
func (s *Server) handleAdminLanguage(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, msgcenter.Errorf(ebadrequest, "The form could not be read."))
		return
	}
	u := userFrom(r.Context())
	if err := s.Users.SetUserLanguage(r.Context(), u.ID, msgcenter.Language(r.PostForm.Get("language"))); err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, safeNext(r.PostForm.Get("next")), http.StatusSeeOther)
}

// eventTitle returns an event's name in lang.
func eventTitle(e msgcenter.Event, lang msgcenter.Language) string {
	if !i18n.Has("event." + string(e)) {
		return e.Title()
	}
	return i18n.For(lang).T("event." + string(e))
}
