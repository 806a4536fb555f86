package http

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
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

// pageFiles are the Go files of the pages, the error page and the layers
// every page passes (rate limits, middleware): what they show a person
// comes from the catalogues.
var pageFiles = []string{"admin*.go", "customer*.go", "microsite*.go", "error*.go", "pages.go", "i18n.go", "ratelimit.go", "middleware.go"}

// pageFields are the fields of page data a person reads.
var pageFields = map[string]bool{
	"Notice": true, "Problem": true, "Title": true, "Heading": true, "Message": true, "Error": true, "Status": true,
	"Receipt": true, "Trigger": true, "Recipient": true, "Room": true, "ChatNote": true, "Ask": true, "Amount": true,
	"Thanks": true, "HoldNote": true, "Outcome": true, "Info": true, "BackToShop": true,
}

// reKey is a catalogue key ("admin.location.saved"), not text.
var reKey = regexp.MustCompile(`^[a-z0-9_]+(\.[a-z0-9_]+)+$`)

// TestPageCodeHasNoLiteralText extends TestTemplatesHaveNoLiteralText to
// the Go code of the pages: it fails when a page's Go code puts English
// words of its own into a field a person reads (a notice, a title, a
// message's status), when an error a page may show (msgcenter.Errorf,
// msgcenter.Invalid) says something the catalogues' "msg." block does not
// know, so i18n.Translate could not put it in the page's language, or when
// it writes Go's English status texts (http.StatusText).
func TestPageCodeHasNoLiteralText(t *testing.T) {
	known := map[string]bool{}
	for _, k := range i18n.Keys(msgcenter.LanguageEnglish) {
		if strings.HasPrefix(k, i18n.MessagePrefix) {
			known[i18n.Texts(msgcenter.LanguageEnglish, k)[k]] = true
		}
	}
	fset := token.NewFileSet()
	checked := 0
	for _, pattern := range pageFiles {
		names, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			words := func(e ast.Expr) string {
				var found string
				ast.Inspect(e, func(n ast.Node) bool {
					if _, ok := n.(*ast.CallExpr); ok {
						// What a call makes of its arguments is its own
						// business: t("key"), i18n.Translate(…), receipt.FormatTime(…).
						return false
					}
					lit, ok := n.(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING || found != "" {
						return true
					}
					v, err := strconv.Unquote(lit.Value)
					if err != nil || reKey.MatchString(v) {
						return true
					}
					for _, w := range reWord.FindAllString(v, -1) {
						if !notText[w] {
							found = v
						}
					}
					return true
				})
				return found
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.AssignStmt:
					for i, lhs := range n.Lhs {
						sel, ok := lhs.(*ast.SelectorExpr)
						if !ok || !pageFields[sel.Sel.Name] || i >= len(n.Rhs) {
							continue
						}
						if w := words(n.Rhs[i]); w != "" {
							t.Errorf("%s: %s = %q: print it from the catalogues", fset.Position(n.Pos()), sel.Sel.Name, w)
						}
					}
				case *ast.KeyValueExpr:
					if id, ok := n.Key.(*ast.Ident); ok && pageFields[id.Name] {
						if w := words(n.Value); w != "" {
							t.Errorf("%s: %s: %q: print it from the catalogues", fset.Position(n.Pos()), id.Name, w)
						}
					}
				case *ast.CallExpr:
					sel, ok := n.Fun.(*ast.SelectorExpr)
					if !ok {
						return true
					}
					pkg, _ := sel.X.(*ast.Ident)
					if pkg == nil {
						return true
					}
					if pkg.Name == "http" && sel.Sel.Name == "StatusText" {
						t.Errorf("%s: http.StatusText is English only: print error.title.* from the catalogues", fset.Position(n.Pos()))
					}
					arg := -1
					switch {
					case pkg.Name == "msgcenter" && sel.Sel.Name == "Errorf":
						arg = 1
					case pkg.Name == "msgcenter" && sel.Sel.Name == "Invalid":
						arg = 0
					}
					if arg < 0 || arg >= len(n.Args) {
						return true
					}
					lit, ok := n.Args[arg].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						return true
					}
					if v, _ := strconv.Unquote(lit.Value); !known[v] {
						t.Errorf("%s: the message %q is in no catalogue's msg. block: i18n.Translate cannot put it in the page's language", fset.Position(n.Pos()), v)
					}
				}
				return true
			})
		}
	}
	if checked < 10 {
		t.Fatalf("checked %d files of the pages, want the pages' files", checked)
	}
}
