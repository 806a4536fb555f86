package http

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/receipt"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds the parsed page templates: each page is the layout plus its
// own file, parsed once per language at start-up (see i18n.go) so a broken
// template fails the start.
type pages struct {
	byLang map[msgcenter.Language]map[string]*template.Template
}

// parsePages parses every page template with the layout, once for each
// language with the template function t printing that language's texts.
func parsePages(funcs template.FuncMap) (*pages, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byLang: map[msgcenter.Language]map[string]*template.Template{}}
	for _, lang := range msgcenter.Languages() {
		byName := map[string]*template.Template{}
		langFuncs := template.FuncMap{
			"t": i18n.For(lang).T,
			// date formats a time in a time zone as the language writes it.
			"date": func(t time.Time, timeZone string) string { return receipt.FormatTime(t, timeZone, lang) },
		}
		for _, name := range names {
			if name == "templates/layout.html" || name == adminBase || strings.HasPrefix(name, "templates/partial_") {
				continue
			}
			// Partials (templates/partial_*.html) define blocks that several
			// pages share; admin pages share adminBase instead.
			partials := "templates/partial_*.html"
			if strings.HasPrefix(name, "templates/admin_") {
				partials = adminBase
			}
			t, err := template.New("layout.html").Funcs(funcs).Funcs(langFuncs).
				ParseFS(templateFS, "templates/layout.html", partials, name)
			if err != nil {
				return nil, fmt.Errorf("parse %s: %w", name, err)
			}
			byName[name[len("templates/"):]] = t
		}
		p.byLang[lang] = byName
	}
	return p, nil
}

// render executes a page into a buffer first, so a template error becomes
// a clean 500 rather than half a page.
func (p *pages) render(w http.ResponseWriter, status int, name string, data any) error {
	t, ok := p.byLang[pageLang(data)][name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// staticHandler serves the embedded CSS and JavaScript.
func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	fsrv := http.FileServer(http.FS(sub))
	return http.StripPrefix("/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=300")
		fsrv.ServeHTTP(w, r)
	}))
}

// templateFuncs are the functions every page template may call.
func (s *Server) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"publicLink": s.publicLink,
		// holdNote says until when an unpaid order's items are held, in
		// the page's language.
		"holdNote": func(o *msgcenter.Order, st *msgcenter.Store, lang string) string {
			if o == nil || st == nil {
				return ""
			}
			return holdNote(o, st.TimeZone, msgcenter.Language(lang))
		},
	}
}
