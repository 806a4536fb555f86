package http

import (
	"errors"
	"net/http"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/render"
)

// micrositeStore finds the store of {slug}, answering 404 itself.
func (s *Server) micrositeStore(w http.ResponseWriter, r *http.Request) (*msgcenter.Store, bool) {
	// Personalised links and checkout tokens are secrets.
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	st, err := s.Stores.FindStoreBySlug(r.Context(), r.PathValue("slug"))
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		err = msgcenter.Errorf(msgcenter.ENOTFOUND, "Shop not found.")
	}
	if err != nil {
		s.Error(w, r, err)
		return nil, false
	}
	setPageStore(r.Context(), st)
	return st, true
}

func storeLang(st *msgcenter.Store) msgcenter.Language {
	if st.Language.Valid() {
		return st.Language
	}
	return msgcenter.LanguageEnglish
}

func (s *Server) money(st *msgcenter.Store) func(int64) string {
	lang := storeLang(st)
	return func(n int64) string { return render.FormatMoney(n, st.Currency, lang) }
}

// renderPage renders a customer page, or the error page when it fails.
func (s *Server) renderPage(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	if err := s.pages.render(w, status, name, data); err != nil {
		s.Error(w, r, err)
	}
}

// readForm parses a page form, answering the error itself.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			s.Error(w, r, err) // answered 413 by the error table
			return false
		}
		s.Error(w, r, msgcenter.Errorf(ebadrequest, "The form could not be read."))
		return false
	}
	return true
}
