// Package i18n holds every text of the user interface in one catalogue per
// language (catalog_en.go, catalog_id.go) and prints them with
// golang.org/x/text/message.
//
// golang.org/x/text/message was chosen over github.com/nicksnyder/go-i18n/v2
// because the project already depends on golang.org/x/text (for language
// tags), its printer formats the numbers inside a text by the language's
// rules ("1,250" in English, "1.250" in Indonesian), and a catalogue as a Go
// map is checked by the compiler and by a test, with no files to load at
// run time; go-i18n would add a dependency and message files for the same
// lookup.
//
// A text is named by a key ("checkout.place_order"); its value is a
// fmt-style format. Every key is in every catalogue: TestCatalogues fails
// otherwise.
package i18n

import (
	"maps"
	"slices"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/qiscus/msgcenter"
)

// catalogues are the texts by language.
var catalogues = map[msgcenter.Language]map[string]string{
	msgcenter.LanguageEnglish:    english,
	msgcenter.LanguageIndonesian: indonesian,
}

var tags = map[msgcenter.Language]language.Tag{
	msgcenter.LanguageEnglish:    language.English,
	msgcenter.LanguageIndonesian: language.Indonesian,
}

var printers = func() map[msgcenter.Language]*Printer {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for lang, texts := range catalogues {
		for key, text := range texts {
			if err := b.SetString(tags[lang], key, text); err != nil {
				panic("i18n: " + key + ": " + err.Error())
			}
		}
	}
	ps := map[msgcenter.Language]*Printer{}
	for lang, tag := range tags {
		ps[lang] = &Printer{lang: lang, p: message.NewPrinter(tag, message.Catalog(b))}
	}
	return ps
}()

// Printer prints the texts of one language. It is safe for concurrent use.
type Printer struct {
	lang msgcenter.Language
	p    *message.Printer
}

// For returns the printer of lang, English when lang is not supported.
func For(lang msgcenter.Language) *Printer {
	if p, ok := printers[lang]; ok {
		return p
	}
	return printers[msgcenter.LanguageEnglish]
}

// Language returns the printer's language.
func (p *Printer) Language() msgcenter.Language { return p.lang }

// T returns the text of key with args put in, numbers formatted for the
// language. A key in no catalogue prints as itself.
func (p *Printer) T(key string, args ...any) string { return p.p.Sprintf(key, args...) }

// Has reports whether key is in the catalogues.
func Has(key string) bool {
	_, ok := english[key]
	return ok
}

// Texts returns the texts of lang whose keys start with prefix, as they
// are in the catalogue (formats not filled in), for a page's script.
func Texts(lang msgcenter.Language, prefix string) map[string]string {
	texts, ok := catalogues[lang]
	if !ok {
		texts = english
	}
	out := map[string]string{}
	for k, v := range texts {
		if strings.HasPrefix(k, prefix) {
			out[k] = v
		}
	}
	return out
}

// Keys returns the keys of lang's catalogue, sorted.
func Keys(lang msgcenter.Language) []string {
	return slices.Sorted(maps.Keys(catalogues[lang]))
}
