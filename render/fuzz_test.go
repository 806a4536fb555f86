package render_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/render"
)

// token matches a placeholder of an accepted body: an accepted body has no
// "{{" outside placeholders and no braces inside them.
var token = regexp.MustCompile(`\{\{[^{}]*\}\}`)

func FuzzParse(f *testing.F) {
	for _, e := range msgcenter.Events() {
		for _, l := range msgcenter.Languages() {
			body, _ := render.Default(e, l)
			f.Add(string(e), body)
		}
	}
	for _, s := range []string{
		"", "{{", "}}", "{{}}", "{{ }}", "{{{{order_id}}", "{{{order_id}}}", "{{order_id", "a{{b}}c",
		"{{ username }} {{grand_total}}", "🎉{{\u00a0store_name\u00a0}}\n<script>", "{{order_id}}}}{{",
		strings.Repeat("{{store_name}}", 3), "{{\xff}}", "x\n\n{{ customer.name\t}}\r\n",
	} {
		f.Add(string(msgcenter.EventOrderPaid), s)
		f.Add(string(msgcenter.EventOrderFailed), s)
	}
	sample := render.NewValues(render.SampleData("Kopi Kita", "https://shop.example.com"), msgcenter.LanguageIndonesian)
	var names []string
	for _, p := range render.Placeholders(msgcenter.EventOrderPaid) {
		names = append(names, p.Name)
	}
	names = append(names, "order.unprocessed_products", "username", "grand_total")

	f.Fuzz(func(t *testing.T, event, body string) {
		tmpl, err := render.Parse(msgcenter.Event(event), body)
		if err != nil {
			if msgcenter.ErrorCode(err) != msgcenter.EINVALID {
				t.Fatalf("error code %q: %v", msgcenter.ErrorCode(err), err)
			}
			return
		}
		out := tmpl.Render(sample)
		for _, n := range names {
			if strings.Contains(out, "{{"+n+"}}") {
				t.Fatalf("output keeps {{%s}}: %q", n, out)
			}
		}
		// With empty values, what is left is exactly the text outside placeholders.
		if got, want := tmpl.Render(&render.Values{}), token.ReplaceAllString(body, ""); got != want {
			t.Fatalf("text not preserved:\n got %q\nwant %q", got, want)
		}
		if strings.Count(body, "{{") != len(token.FindAllString(body, -1)) {
			t.Fatalf("accepted a body with a stray {{: %q", body)
		}
	})
}
