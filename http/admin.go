package http

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

// The dashboard's session: a random token in an HttpOnly cookie, stored
// hashed on the server, valid for a week.
const (
	sessionCookie = "msgcenter_session"
	sessionTTL    = 7 * 24 * time.Hour
)

// adminRoutes registers the admin dashboard's pages. Every page under
// /admin/stores/{store}/ resolves {store} among the signed-in admin's own
// stores, so another admin's store answers 404 like a missing one.
func (s *Server) adminRoutes() {

	s.handle("GET /admin", s.adminUser(s.handleAdminHome))
	s.handle("GET /admin/{$}", s.adminUser(s.handleAdminHome))
	s.handle("GET /admin/login", s.handleLoginPage)
	s.handle("POST /admin/login", s.handleLogin)
	s.handle("POST /admin/logout", s.handleLogout)
	s.handle("POST /admin/stores", s.adminUser(s.handleAdminStoreCreate))
	s.handle("POST /admin/language", s.adminUser(s.handleAdminLanguage))

	s.handle("GET /admin/stores/{store}", s.adminStore(s.handleAdminStoreHome))
	s.handle("GET /admin/stores/{store}/location", s.adminStore(s.handleLocationPage))
	s.handle("POST /admin/stores/{store}/location", s.adminStore(s.handleLocationSave))
	s.handle("POST /admin/stores/{store}/location/integration", s.adminStore(s.handleIntegrationSave))
	s.handle("GET /admin/stores/{store}/message-center", s.adminStore(s.handleAdminStoreHome))
	s.handle("GET /admin/stores/{store}/message-center/{event}", s.adminStore(s.handleMessageCenterPage))
	s.handle("GET /admin/stores/{store}/orders", s.adminStore(s.handleOrdersPage))
	s.handle("GET /admin/stores/{store}/orders/{id}", s.adminStore(s.handleOrderDetailPage))
	s.handle("POST /admin/stores/{store}/orders/{id}/pay", s.adminStore(s.handleAdminOrderAction("pay")))
	s.handle("POST /admin/stores/{store}/orders/{id}/cancel", s.adminStore(s.handleAdminOrderAction("cancel")))
	s.handle("POST /admin/stores/{store}/orders/{id}/refund", s.adminStore(s.handleAdminOrderAction("refund")))
	s.handle("GET /admin/stores/{store}/messages", s.adminStore(s.handleMessagesPage))

	// The API endpoints the Message Center's Send test message calls.
	s.testSendRoutes()
}

// adminBase holds the partial templates every admin page shares: the top
// bar with the store switcher and the store menu. parsePages parses each
// admin page with it.
const adminBase = "templates/admin_base.html"

// adminUser requires a signed-in admin. Without a valid session a page
// request is sent to the sign-in page, coming back here afterwards.
func (s *Server) adminUser(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// Pages show one admin's data: never kept by a shared cache.
		w.Header().Set("Cache-Control", "private, no-store")
		var u *msgcenter.User
		c, err := r.Cookie(sessionCookie)
		if err == nil && c.Value != "" {
			u, err = s.Users.FindUserBySession(r.Context(), c.Value)
			if err != nil && msgcenter.ErrorCode(err) != msgcenter.EUNAUTHORIZED {
				s.Error(w, r, err)
				return
			}
		}
		if u == nil {
			next := "/admin"
			if r.Method == http.MethodGet {
				next = r.URL.RequestURI()
			}
			http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), userKey, u)))
	}
}

// adminStore requires a signed-in admin and resolves {store} among their stores.
func (s *Server) adminStore(h http.HandlerFunc) http.HandlerFunc {
	return s.adminUser(s.withStore(h))
}

// safeNext returns next when it is a path on this site, else /admin: the
// sign-in page must not send anyone elsewhere.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/admin"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/admin"
	}
	return next
}

// adminPage is what every admin page shows around its content.
type adminPage struct {
	Title, Lang string
	Scripts     []string
	User        *msgcenter.User
	Store       *msgcenter.Store
	Stores      []*msgcenter.Store
	// Section is the store menu's current tab.
	Section string
	// Notice and Problem are one-line messages: a success and an error.
	Notice, Problem string
	// Path is the page's own URL, where the language switch comes back to.
	Path string
	// ScriptTexts are the texts the page's script shows, by key, in the
	// page's language (see admin.js's T).
	ScriptTexts map[string]string
}

// newAdminPage starts a page of the request's store, or of no store, in
// the admin's language; its title is the text of titleKey with args.
func (s *Server) newAdminPage(r *http.Request, titleKey, section string, args ...any) (*adminPage, error) {
	u := userFrom(r.Context())
	stores, err := s.Stores.FindStores(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	lang := adminLang(r, u)
	p := &adminPage{Title: i18n.For(lang).T(titleKey, args...), Lang: string(lang), User: u, Store: storeFrom(r.Context()),
		Stores: stores, Section: section, Path: r.URL.RequestURI()}
	if p.Store != nil {
		p.Title += " · " + p.Store.Name
	}
	return p, nil
}

// T returns the text of key in the page's language.
func (p *adminPage) T(key string, args ...any) string {
	return i18n.For(msgcenter.Language(p.Lang)).T(key, args...)
}

// StoreURL returns the dashboard URL of the page's store plus rest.
func (p *adminPage) StoreURL(rest string) string {
	return storeURL(p.Store, rest)
}

func storeURL(st *msgcenter.Store, rest string) string {
	return fmt.Sprintf("/admin/stores/%d%s", st.ID, rest)
}

// renderAdmin writes an admin page, answering an error page if it fails.
func (s *Server) renderAdmin(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if err := s.pages.render(w, status, name, data); err != nil {
		s.Error(w, r, fmt.Errorf("render %s: %w", name, err))
	}
}

// loginPage is the sign-in form.
type loginPage struct {
	Title, Lang string
	Scripts     []string
	Email, Next string
	Problem     string
}

func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "private, no-store")
	next := safeNext(r.URL.Query().Get("next"))
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if _, err := s.Users.FindUserBySession(r.Context(), c.Value); err == nil {
			http.Redirect(w, r, next, http.StatusSeeOther)
			return
		}
	}
	lang := adminLang(r, nil)
	s.renderAdmin(w, r, http.StatusOK, "admin_login.html", &loginPage{Title: i18n.For(lang).T("admin.login.title"), Lang: string(lang), Next: next})
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "private, no-store")
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, msgcenter.Errorf(ebadrequest, "The form could not be read."))
		return
	}
	email, password := strings.TrimSpace(r.PostForm.Get("email")), r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	u, err := s.Users.Authenticate(r.Context(), email, password)
	if err != nil {
		if msgcenter.ErrorCode(err) != msgcenter.EUNAUTHORIZED && msgcenter.ErrorCode(err) != msgcenter.EINVALID {
			s.Error(w, r, err)
			return
		}
		lang := adminLang(r, nil)
		t := i18n.For(lang).T
		s.renderAdmin(w, r, http.StatusUnauthorized, "admin_login.html", &loginPage{
			Title: t("admin.login.title"), Lang: string(lang), Email: email, Next: next, Problem: t("admin.login.invalid"),
		})
		return
	}
	expires := s.Now().Add(sessionTTL)
	token, err := s.Users.CreateSession(r.Context(), u.ID, expires)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	http.SetCookie(w, s.sessionCookie(token, expires))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// sessionCookie is the session cookie holding token, or clearing it when
// token is empty.
func (s *Server) sessionCookie(token string, expires time.Time) *http.Cookie {
	c := &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.PublicURL != nil && s.PublicURL.Scheme == "https",
	}
	if token == "" {
		c.MaxAge = -1
		c.Expires = time.Unix(0, 0)
	}
	return c
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.Users.DeleteSession(r.Context(), c.Value); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	http.SetCookie(w, s.sessionCookie("", time.Time{}))
	http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
}

// homePage is /admin for an admin without a store: the form for the first.
type homePage struct {
	*adminPage
	Name   string
	Fields map[string]string
}

func (s *Server) handleAdminHome(w http.ResponseWriter, r *http.Request) {
	p, err := s.newAdminPage(r, "admin.home.title", "")
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if len(p.Stores) > 0 && r.URL.Query().Get("new") == "" {
		http.Redirect(w, r, storeURL(p.Stores[0], "/message-center"), http.StatusSeeOther)
		return
	}
	p.Title = p.T("admin.home.create_title")
	s.renderAdmin(w, r, http.StatusOK, "admin_home.html", &homePage{adminPage: p})
}

func (s *Server) handleAdminStoreCreate(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, msgcenter.Errorf(ebadrequest, "The form could not be read."))
		return
	}
	name := r.PostForm.Get("name")
	st := &msgcenter.Store{OwnerID: userFrom(r.Context()).ID}
	msgcenter.StoreUpdate{Name: &name}.Apply(st)
	err := s.Stores.CreateStore(r.Context(), st)
	if msgcenter.ErrorCode(err) == msgcenter.EINVALID {
		p, perr := s.newAdminPage(r, "admin.home.create_title", "")
		if perr != nil {
			s.Error(w, r, perr)
			return
		}
		lang := msgcenter.Language(p.Lang)
		p.Problem = i18n.Translate(lang, msgcenter.ErrorMessage(err))
		s.renderAdmin(w, r, http.StatusUnprocessableEntity, "admin_home.html",
			&homePage{adminPage: p, Name: name, Fields: i18n.TranslateFields(lang, msgcenter.ErrorFields(err))})
		return
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	// As the API does: the store's Share Microsite URL custom button.
	s.setupCustomButton(r.Context(), st)
	http.Redirect(w, r, storeURL(st, "/location"), http.StatusSeeOther)
}

// handleAdminStoreHome sends the store's first page, its Message Center's first tab.
func (s *Server) handleAdminStoreHome(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, storeURL(storeFrom(r.Context()), "/message-center/"+string(msgcenter.Events()[0])), http.StatusSeeOther)
}
