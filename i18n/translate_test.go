package i18n_test

import (
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

func TestTranslate(t *testing.T) {
	for _, tc := range []struct {
		lang       msgcenter.Language
		text, want string
	}{
		{msgcenter.LanguageIndonesian, "Order not found.", "Pesanan tidak ditemukan."},
		{msgcenter.LanguageIndonesian, "must be at most 1000 characters", "paling banyak 1.000 karakter"},
		{msgcenter.LanguageIndonesian, "Too many requests: try again in 30 seconds.", "Terlalu banyak permintaan: coba lagi dalam 30 detik."},
		{msgcenter.LanguageIndonesian, "must be one of pickup, regular, instant", "harus salah satu dari pickup, regular, instant"},
		{msgcenter.LanguageIndonesian, "must be between 1 and 10080 minutes", "harus antara 1 dan 10.080 menit"},
		{msgcenter.LanguageIndonesian, msgcenter.NotPlainText, "harus berupa teks yang valid: UTF-8 tanpa karakter kontrol"},
		// Unknown text, text already in the language, and English stay as they are.
		{msgcenter.LanguageIndonesian, "Something nobody wrote.", "Something nobody wrote."},
		{msgcenter.LanguageIndonesian, "Pesanan tidak ditemukan.", "Pesanan tidak ditemukan."},
		{msgcenter.LanguageEnglish, "must be at most 1000 characters", "must be at most 1000 characters"},
		{"fr", "Order not found.", "Order not found."},
	} {
		if got := i18n.Translate(tc.lang, tc.text); got != tc.want {
			t.Errorf("Translate(%s, %q) = %q, want %q", tc.lang, tc.text, got, tc.want)
		}
	}
	got := i18n.TranslateFields(msgcenter.LanguageIndonesian, map[string]string{"name": "is required", "x": "Budi"})
	if got["name"] != "wajib diisi" || got["x"] != "Budi" {
		t.Errorf("TranslateFields = %v", got)
	}
	if i18n.TranslateFields(msgcenter.LanguageIndonesian, nil) != nil {
		t.Error("TranslateFields(nil) is not nil")
	}
}

// TestMessagesAreWritten fails when a message of the catalogues'
// MessagePrefix block is no longer written by any code: its English text
// must be a string literal of the module's Go code outside tests (or, for
// a text with verbs, the part before its first verb, to which the code
// adds the rest), or the translation would silently stop applying.
func TestMessagesAreWritten(t *testing.T) {
	var literals []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "i18n" || d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var s scanner.Scanner
		fset := token.NewFileSet()
		s.Init(fset.AddFile(path, -1, len(src)), src, nil, 0)
		for {
			_, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			if tok == token.STRING {
				if v, err := strconv.Unquote(lit); err == nil {
					literals = append(literals, v)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	verb := regexp.MustCompile(`%[ds]`)
	for _, key := range i18n.Keys(msgcenter.LanguageEnglish) {
		if !strings.HasPrefix(key, i18n.MessagePrefix) {
			continue
		}
		text := i18n.Texts(msgcenter.LanguageEnglish, key)[key]
		shape := regexp.MustCompile("^" + strings.NewReplacer(`%d`, `-?\d+`, `%s`, `.+`).Replace(regexp.QuoteMeta(text)) + "$")
		head := text
		if loc := verb.FindStringIndex(text); loc != nil {
			head = text[:loc[0]]
		}
		found := false
		for _, l := range literals {
			if l == text || shape.MatchString(l) || (head != text && l == head) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: %q is written by no code", key, text)
		}
	}
}
