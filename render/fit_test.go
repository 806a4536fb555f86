package render_test

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/render"
)

// bigOrder is the fixture with n lines whose names are long, as a store's
// may be (up to 200 characters), with an emoji among them.
func bigOrder(n int, unprocessed bool) *render.Data {
	d := fixture()
	d.Items, d.Unprocessed = nil, nil
	for i := range n {
		it := render.Item{Name: fmt.Sprintf("Kopi Susu Gula Aren Spesial ☕ Nomor %03d dengan Topping Keju, Boba dan Extra Shot Espresso", i+1),
			Quantity: i%3 + 1, UnitPrice: 25000}
		if unprocessed {
			it.Reason = msgcenter.UnprocessedOutOfStock
			d.Unprocessed = append(d.Unprocessed, it)
		} else {
			d.Items = append(d.Items, it)
		}
	}
	return d
}

// TestFit checks the length rule: a long order's message keeps as many
// product lines as fit within the body limit and ends its list with how
// many it left out, in both languages; a short one is unchanged.
func TestFit(t *testing.T) {
	more := map[msgcenter.Language]func(n int) string{
		msgcenter.LanguageEnglish: func(n int) string {
			if n == 1 {
				return "…and 1 more item"
			}
			return fmt.Sprintf("…and %d more items", n)
		},
		msgcenter.LanguageIndonesian: func(n int) string { return fmt.Sprintf("…dan %d produk lainnya", n) },
	}
	for _, lang := range msgcenter.Languages() {
		for _, tc := range []struct {
			event       msgcenter.Event
			lines       int
			unprocessed bool
		}{
			{msgcenter.EventOrderPlaced, 40, false},
			{msgcenter.EventOrderPlaced, 200, false},
			{msgcenter.EventOrderIncomplete, 200, false},
			{msgcenter.EventOrderFailed, 40, true},
			{msgcenter.EventOrderFailed, 200, true},
		} {
			t.Run(fmt.Sprintf("%s/%s/%d", lang, tc.event, tc.lines), func(t *testing.T) {
				c := msgcenter.DefaultMessageConfig(1, tc.event)
				c.Language = lang
				d := bigOrder(tc.lines, tc.unprocessed)
				full := render.NewValues(d, lang)
				tmpl, err := render.Parse(tc.event, mustDefault(t, tc.event, lang))
				if err != nil {
					t.Fatal(err)
				}
				if n := utf8.RuneCountInString(tmpl.Render(full)); n <= msgcenter.MaxBodyLength {
					t.Fatalf("the whole order renders in %d characters: not a long order", n)
				}
				msg, err := render.RenderMessage(c, d)
				if err != nil {
					t.Fatal(err)
				}
				if n := utf8.RuneCountInString(msg.Text); n > msgcenter.MaxBodyLength {
					t.Fatalf("message of %d characters, limit %d", n, msgcenter.MaxBodyLength)
				}
				// The kept lines are the first ones, then the count of the
				// rest, then the template goes on as written.
				shown := 0
				for i := range tc.lines {
					if !strings.Contains(msg.Text, fmt.Sprintf("Nomor %03d ", i+1)) {
						break
					}
					shown++
				}
				if shown == 0 || shown == tc.lines {
					t.Fatalf("%d of %d lines shown", shown, tc.lines)
				}
				if strings.Contains(msg.Text, fmt.Sprintf("Nomor %03d ", shown+1)) {
					t.Fatalf("line %d shown after a gap", shown+1)
				}
				want := more[lang](tc.lines - shown)
				last := fmt.Sprintf("Nomor %03d ", shown)
				_, after, _ := strings.Cut(msg.Text, last)
				_, rest, _ := strings.Cut(after, "\n")
				if !strings.HasPrefix(rest, want+"\n") {
					t.Fatalf("after the last line shown: %q, want %q", rest[:min(len(rest), 80)], want)
				}
				tail := mustDefault(t, tc.event, lang)
				tail = tail[strings.LastIndex(tail, "\n")+1:]
				if !strings.HasSuffix(msg.Text, tmpl.Render(full)[len(tmpl.Render(full))-len(tail):]) {
					t.Fatalf("the template's end is lost: %q", msg.Text[len(msg.Text)-100:])
				}
				// As many as fit: one more line would not.
				if n := utf8.RuneCountInString(tmpl.Render(full.Shorten(shown + 1))); n <= msgcenter.MaxBodyLength {
					t.Fatalf("%d lines would fit (%d characters), %d shown", shown+1, n, shown)
				}
			})
		}
		t.Run(string(lang)+"/ShortUnchanged", func(t *testing.T) {
			for _, event := range msgcenter.Events() {
				c := msgcenter.DefaultMessageConfig(1, event)
				c.Language = lang
				msg, err := render.RenderMessage(c, fixture())
				if err != nil {
					t.Fatal(err)
				}
				tmpl, _ := render.Parse(event, mustDefault(t, event, lang))
				if want := tmpl.Render(render.NewValues(fixture(), lang)); msg.Text != want {
					t.Fatalf("%s: %q, want %q", event, msg.Text, want)
				}
			}
		})
	}
	t.Run("ExactlyAtTheLimit", func(t *testing.T) {
		tmpl, _ := render.Parse(msgcenter.EventOrderPlaced, "{{order.products}}")
		v := render.NewValues(bigOrder(3, false), msgcenter.LanguageEnglish)
		text := tmpl.Render(v)
		n := utf8.RuneCountInString(text)
		if got := render.Fit(tmpl, v, n); got != text {
			t.Fatalf("a text of exactly the limit changed: %q", got)
		}
		if got := render.Fit(tmpl, v, n-1); !strings.HasSuffix(got, "\n…and 1 more item") || utf8.RuneCountInString(got) > n-1 {
			t.Fatalf("one character over: %q", got)
		}
	})
	t.Run("CutWhenNoLineFits", func(t *testing.T) {
		// A body near the limit with a long store name: even with no
		// product line the text is too long, so it is cut.
		c := &msgcenter.MessageConfig{Event: msgcenter.EventOrderPlaced, Type: msgcenter.MessageTypeCustom, Language: msgcenter.LanguageEnglish,
			Body: strings.Repeat("x", 4000) + "{{store_name}}\n{{order.products}}", ButtonLabel: "View"}
		d := bigOrder(10, false)
		d.StoreName = strings.Repeat("🍜", 100)
		msg, err := render.RenderMessage(c, d)
		if err != nil {
			t.Fatal(err)
		}
		if n := utf8.RuneCountInString(msg.Text); n != msgcenter.MaxBodyLength || !strings.HasSuffix(msg.Text, "🍜…") {
			t.Fatalf("%d characters ending %q", n, msg.Text[len(msg.Text)-20:])
		}
	})
}

func mustDefault(t *testing.T, event msgcenter.Event, lang msgcenter.Language) string {
	t.Helper()
	body, _ := render.Default(event, lang)
	if body == "" {
		t.Fatalf("no default for %s/%s", event, lang)
	}
	return body
}
