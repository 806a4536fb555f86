package http

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

// The error page speaks the language of the page it stands for: the
// store's on a customer page (with the store's name and a way back to its
// shop), the admin's on the dashboard, else the browser's. A handler that
// finds the store of a customer page records it on the request
// (setPageStore), so an error after that is told in the store's words.

// pageScopeKey is the context key of a request's *pageScope.
type pageScopeKey struct{}

// pageScope is what a request found out that its error page needs.
type pageScope struct {
	store *msgcenter.Store
}

// withPageScope gives the request a scope its handlers fill in.
func withPageScope(ctx context.Context) context.Context {
	return context.WithValue(ctx, pageScopeKey{}, &pageScope{})
}

// setPageStore records that the request is a customer page of store st.
func setPageStore(ctx context.Context, st *msgcenter.Store) {
	if sc, ok := ctx.Value(pageScopeKey{}).(*pageScope); ok {
		sc.store = st
	}
}

// pageStore returns the store setPageStore recorded, nil when none.
func pageStore(ctx context.Context) *msgcenter.Store {
	if sc, ok := ctx.Value(pageScopeKey{}).(*pageScope); ok {
		return sc.store
	}
	return nil
}

// browserLang picks English or Indonesian from the browser's
// Accept-Language, for pages of no store and no admin.
func browserLang(r *http.Request) msgcenter.Language { return adminLang(r, nil) }

// errorPageData is the error page.
type errorPageData struct {
	Title, Lang        string
	Scripts            []string // none
	Heading            string
	Status             int
	Message, RequestID string
	// StoreName and ShopURL brand a customer page's error with its store.
	StoreName, ShopURL, BackToShop string
}

// errorPage answers with the error page in the request's language, its
// message (an English message of the code) translated when the
// catalogues know it.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, message string) {
	st := pageStore(r.Context())
	var lang msgcenter.Language
	switch u := userFrom(r.Context()); {
	case st != nil:
		lang = storeLang(st)
	case u != nil:
		lang = adminLang(r, u)
	default:
		lang = browserLang(r)
	}
	t := i18n.For(lang).T
	data := &errorPageData{
		Title: t("error.title.other", status), Lang: string(lang), Status: status,
		Message: i18n.Translate(lang, message), RequestID: RequestID(r.Context()),
	}
	if key := "error.title." + strconv.Itoa(status); i18n.Has(key) {
		data.Title = t(key)
	}
	data.Heading = data.Title
	// "Page not found" over "Page not found." says nothing more: say what may have happened.
	if strings.EqualFold(strings.TrimSuffix(data.Message, "."), data.Heading) {
		if key := "error.text." + strconv.Itoa(status); i18n.Has(key) {
			data.Message = t(key)
		}
	}
	if st != nil {
		data.Title += " · " + st.Name
		data.StoreName, data.ShopURL = st.Name, sitePath(msgcenter.ShopPath(st.Slug))
		data.BackToShop = t("error.back_to_shop", st.Name)
	}
	if err := s.pages.render(w, status, "error.html", data); err != nil {
		s.Logger.Error("error page", slog.String("route", s.route(r)), slog.Any("err", err))
		http.Error(w, data.Message, status)
	}
}

// handleNotFound answers a path no route serves with the 404 page; under a
// store's microsite (/s/{slug}/…) the page carries the store's branding.
func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/"+msgcenter.ShopPath("")); ok && s.Stores != nil {
		slug, _, _ := strings.Cut(rest, "/")
		if slug != "" {
			if st, err := s.Stores.FindStoreBySlug(r.Context(), slug); err == nil {
				setPageStore(r.Context(), st)
			}
		}
	}
	s.Error(w, r, msgcenter.Errorf(msgcenter.ENOTFOUND, "Page not found."))
}
