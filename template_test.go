package msgcenter_test

import (
	"slices"
	"testing"

	"github.com/qiscus/msgcenter"
)

func TestTemplateVariables(t *testing.T) {
	t.Run("Numbers", func(t *testing.T) {
		got := msgcenter.TemplateVariableNumbers("Halo {{1}}, pesanan {{ 3 }} dari {{2}}; {{x}} {{}} {1}")
		if want := []int{1, 3, 2}; !slices.Equal(got, want) {
			t.Errorf("got %v, want %v", got, want)
		}
		if got := msgcenter.TemplateVariableNumbers("no variables"); len(got) != 0 {
			t.Errorf("got %v", got)
		}
	})
	t.Run("Index", func(t *testing.T) {
		if got := msgcenter.TemplateVariableIndex("https://shop.example/{{1}}"); got != len("https://shop.example/") {
			t.Errorf("got %d", got)
		}
		if got := msgcenter.TemplateVariableIndex("https://shop.example/order"); got != -1 {
			t.Errorf("got %d", got)
		}
	})
	t.Run("WrittenAsParsed", func(t *testing.T) {
		tpl := &msgcenter.WhatsAppTemplate{Body: "a " + msgcenter.TemplateVariable(1) + " b " + msgcenter.TemplateVariable(12)}
		if tpl.Variables() != 12 || !slices.Equal(msgcenter.TemplateVariableNumbers(tpl.Body), []int{1, 12}) {
			t.Errorf("%q: %d variables", tpl.Body, tpl.Variables())
		}
		if got := tpl.Fill([]string{"x"}); got != "a x b {{12}}" {
			t.Errorf("fill %q", got)
		}
	})
}

func TestValidTemplateParam(t *testing.T) {
	for in, want := range map[string]bool{
		"Budi":               true,
		"a    b":             true, // four spaces in a row are allowed
		"a     b":            false,
		"":                   false,
		"line one\nline two": false,
		"tab\there":          false,
	} {
		if got := msgcenter.ValidTemplateParam(in); got != want {
			t.Errorf("ValidTemplateParam(%q) = %v, want %v", in, got, want)
		}
	}
	// What FlattenParam makes of any non-blank value is a valid parameter.
	for _, in := range []string{"1 x Kopi\n2 x Roti", "a\t\t\tb", "x      y", " padded \r\n"} {
		if out := msgcenter.FlattenParam(in); !msgcenter.ValidTemplateParam(out) {
			t.Errorf("FlattenParam(%q) = %q, not a valid parameter", in, out)
		}
	}
}
