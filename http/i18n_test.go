package http

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter/i18n"
)

var (
	reAction    = regexp.MustCompile(`\{\{(?:"(?:[^"\\]|\\.)*"|` + "`[^`]*`" + `|[^}"` + "`" + `]|\}[^}])*\}\}`)
	reComment   = regexp.MustCompile(`(?s)<!--.*?-->`)
	reScript    = regexp.MustCompile(`(?is)<(script|style)\b[^>]*>.*?</(script|style)>`)
	reTag       = regexp.MustCompile(`(?s)<[^>]*>`)
	reShownAttr = regexp.MustCompile(`(?i)\b(aria-label|placeholder|title|alt)="([^"]*)"`)
	reWord      = regexp.MustCompile(`\p{L}{2,}`)
	reTKey      = regexp.MustCompile(`\{\{-?\s*(?:[^{}]*\()?t\s+"([^"]+)"`)
)

// notText are the words a template may show as they are in every
// language: names of products and standards.
var notText = map[string]bool{"msgcenter": true, "WhatsApp": true, "QRIS": true, "Qiscus": true}

// visibleText returns the text of an HTML template that a person sees:
// the text between tags and the shown attributes, without the template's
// actions, scripts, styles and comments.
func visibleText(src string) []string {
	src = reAction.ReplaceAllString(src, " ")
	src = reComment.ReplaceAllString(src, " ")
	src = reScript.ReplaceAllString(src, " ")
	var out []string
	for _, m := range reShownAttr.FindAllStringSubmatch(src, -1) {
		out = append(out, m[2])
	}
	out = append(out, reTag.ReplaceAllString(src, " "))
	return out
}

// TestTemplatesHaveNoLiteralText fails when a template shows a word that
// is not printed from the catalogues with {{t "key"}}.
func TestTemplatesHaveNoLiteralText(t *testing.T) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil || len(names) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, name := range names {
		src, err := fs.ReadFile(templateFS, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range visibleText(string(src)) {
			for _, w := range reWord.FindAllString(text, -1) {
				if !notText[w] {
					t.Errorf("%s: literal text %q in %q; print it with {{t \"key\"}}", name, w, strings.Join(strings.Fields(text), " "))
					break
				}
			}
		}
	}
}

// TestTemplateKeys fails when a template prints a key that no catalogue has.
func TestTemplateKeys(t *testing.T) {
	names, _ := fs.Glob(templateFS, "templates/*.html")
	n := 0
	for _, name := range names {
		src, _ := fs.ReadFile(templateFS, name)
		for _, m := range reTKey.FindAllStringSubmatch(string(src), -1) {
			n++
			if !i18n.Has(m[1]) {
				t.Errorf("%s: key %q is in no catalogue", name, m[1])
			}
		}
	}
	if n == 0 {
		t.Fatal("no {{t \"key\"}} found in the templates")
	}
}

func TestVisibleText(t *testing.T) {
	got := strings.Join(visibleText(`<p class="x">{{t "a"}}</p><button aria-label="Close {{.N}}">Go</button><script>var x = "no";</script><!-- note --><b data-insert="{{printf "{{%s}}" .Name}}">{{t "b" (printf "%s}}" .X)}}</b>`), "|")
	for _, w := range []string{"Close", "Go"} {
		if !strings.Contains(got, w) {
			t.Errorf("visibleText lacks %q: %q", w, got)
		}
	}
	for _, w := range []string{"class", "no", "note", "button", "Name", "printf", "X"} {
		if regexp.MustCompile(`\b` + w + `\b`).MatchString(got) {
			t.Errorf("visibleText has %q: %q", w, got)
		}
	}
}

// TestScriptKeys fails when the dashboard's script asks for a text that no
// catalogue has.
func TestScriptKeys(t *testing.T) {
	src, err := fs.ReadFile(staticFS, "static/admin.js")
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`\bT\("([^"]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(keys) == 0 {
		t.Fatal(`no T("key") found in admin.js`)
	}
	for _, m := range keys {
		if !strings.HasPrefix(m[1], "js.") || !i18n.Has(m[1]) {
			t.Errorf("admin.js: key %q is in no catalogue (its texts are the js.* keys)", m[1])
		}
	}
}
