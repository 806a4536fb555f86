package render

import (
	"embed"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
)

// defaultFiles holds defaults/{lang}/{event}.txt. Each file starts with
// "button: <label>", then a blank line, then the body.
//
//go:embed defaults/*/*.txt
var defaultFiles embed.FS

// Button is the link button under a message.
type Button struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// Message is a rendered message, ready for a channel.
type Message struct {
	Text   string `json:"text"`
	Button Button `json:"button"`
}

// defaultTemplate is one parsed default.
type defaultTemplate struct {
	body, label string
	tmpl        *Template
}

type defaultKey struct {
	event msgcenter.Event
	lang  msgcenter.Language
}

// defaults are loaded and parsed once, at first use.
var defaults = sync.OnceValues(loadDefaults)

func loadDefaults() (map[defaultKey]*defaultTemplate, error) {
	m := make(map[defaultKey]*defaultTemplate)
	var errs []string
	for _, lang := range msgcenter.Languages() {
		for _, event := range msgcenter.Events() {
			name := "defaults/" + string(lang) + "/" + string(event) + ".txt"
			d, err := parseDefault(event, name)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			m[defaultKey{event, lang}] = d
		}
	}
	if len(errs) > 0 {
		return m, fmt.Errorf("render: broken default templates: %s", strings.Join(errs, "; "))
	}
	return m, nil
}

func parseDefault(event msgcenter.Event, name string) (*defaultTemplate, error) {
	raw, err := defaultFiles.ReadFile(name)
	if err != nil {
		return nil, err
	}
	head, body, ok := strings.Cut(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n\n")
	label, hasLabel := strings.CutPrefix(head, "button: ")
	if !ok || !hasLabel || strings.Contains(head, "\n") {
		return nil, fmt.Errorf("%s: want \"button: <label>\", a blank line, then the body", name)
	}
	body = strings.TrimSuffix(body, "\n")
	label = strings.TrimSpace(label)
	t, err := parseBoth(event, body, label)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, msgcenter.ErrorFields(err))
	}
	if n := len([]rune(label)); n == 0 || n > msgcenter.MaxButtonLabelLength {
		return nil, fmt.Errorf("%s: button label %q must have 1 to %d characters", name, label, msgcenter.MaxButtonLabelLength)
	}
	if n := len([]rune(body)); n == 0 || n > msgcenter.MaxBodyLength {
		return nil, fmt.Errorf("%s: body must have 1 to %d characters", name, msgcenter.MaxBodyLength)
	}
	return &defaultTemplate{body: body, label: label, tmpl: t}, nil
}

// CheckDefaults returns an error if any built-in default template is broken.
// The program calls it at start-up so that a broken default fails there.
func CheckDefaults() error {
	_, err := defaults()
	return err
}

// findDefault returns the default of event in lang (English for an unknown
// language), or nil for an unknown event.
func findDefault(event msgcenter.Event, lang msgcenter.Language) *defaultTemplate {
	if !lang.Valid() {
		lang = msgcenter.LanguageEnglish
	}
	m, _ := defaults()
	return m[defaultKey{event, lang}]
}

// Default returns the built-in body and button label of event in lang.
// An unknown language falls back to English; an unknown event gives "", "".
func Default(event msgcenter.Event, lang msgcenter.Language) (body, buttonLabel string) {
	if d := findDefault(event, lang); d != nil {
		return d.body, d.label
	}
	return "", ""
}

// Content returns what c sends: the default template in c.Language for
// type default, else the admin's c.Body and c.ButtonLabel.
func Content(c *msgcenter.MessageConfig) (body, buttonLabel string) {
	if c.Type == msgcenter.MessageTypeDefault {
		return Default(c.Event, c.Language)
	}
	return c.Body, c.ButtonLabel
}

// RenderMessage renders the message c sends for d, its placeholders in
// MessageLanguage (c's language when d has no StoreLanguage): its text, held to
// msgcenter.MaxBodyLength characters by the length rule (Fit), its
// plain-text button label and the button's link (ButtonURL). It returns
// EINVALID when the body uses placeholders that event does not have (field
// "body") or the label contains any (field "button_label").
func RenderMessage(c *msgcenter.MessageConfig, d *Data) (*Message, error) {
	if d == nil {
		d = &Data{}
	}
	var (
		t     *Template
		label string
	)
	if c.Type == msgcenter.MessageTypeDefault {
		if _, err := defaults(); err != nil {
			return nil, err
		}
		def := findDefault(c.Event, c.Language)
		if def == nil {
			_, err := Parse(c.Event, "") // the unknown-event error
			return nil, err
		}
		t, label = def.tmpl, def.label
	} else {
		var err error
		if t, err = parseBoth(c.Event, c.Body, c.ButtonLabel); err != nil {
			return nil, err
		}
		label = c.ButtonLabel
	}
	lang := c.Language
	if d.StoreLanguage.Valid() {
		lang = MessageLanguage(c, d.StoreLanguage)
	}
	return &Message{
		Text:   Fit(t, NewValues(d, lang), msgcenter.MaxBodyLength),
		Button: Button{Label: label, URL: ButtonURL(c.Event, d)},
	}, nil
}

// ButtonURL returns where the button of event's message leads for d:
// the personalised microsite (share_microsite_url, and a fresh one for
// order_failed), the checkout to resume (order_incomplete), the order details
// page (order_placed) or the receipt page (order_paid).
func ButtonURL(event msgcenter.Event, d *Data) string {
	if d == nil {
		return ""
	}
	switch event {
	case msgcenter.EventShareMicrositeURL, msgcenter.EventOrderFailed:
		return d.MicrositeURL
	case msgcenter.EventOrderIncomplete:
		return d.ResumeURL
	case msgcenter.EventOrderPlaced:
		return msgcenter.JoinURL(d.BaseURL, d.DetailsPath)
	case msgcenter.EventOrderPaid:
		return msgcenter.JoinURL(d.BaseURL, d.ReceiptPath)
	}
	return ""
}

// Fit renders t with v within limit characters, by the one length rule of
// rendered messages:
//
//  1. A text within the limit is sent as it is.
//  2. Otherwise every product list ({{order.products}},
//     {{order.unprocessed_products}}) keeps its first lines, as many as let
//     the whole text fit, the same number for each list, and ends with a
//     line saying how many it left out: "…and 38 more items" ("…dan 38
//     produk lainnya"). The order page the button opens lists them all.
//  3. Should the text not fit even with no product line (a body near the
//     limit with long names), it is cut to limit-1 characters and ends
//     with "…".
//
// Characters are Unicode code points, as the body's own limit counts them.
func Fit(t *Template, v *Values, limit int) string {
	_, text, ok := fitLists(v, limit, t.Render)
	if ok {
		return text
	}
	return cutText(text, limit)
}

// fitLists applies steps 1 and 2 of the length rule (Fit) to whatever text
// makes of values: it returns v and its text when that is within limit,
// else the v.Shorten with the most lines whose text is, and ok. When none
// is, it returns v.Shorten(0), its text, and false.
func fitLists(v *Values, limit int, text func(*Values) string) (*Values, string, bool) {
	s := text(v)
	if fits(s, limit) {
		return v, s, true
	}
	// More lines make a longer text, so the largest count that fits is
	// found by halving.
	var (
		best     *Values
		bestText string
	)
	for lo, hi := 0, v.longestList()-1; lo <= hi; {
		keep := (lo + hi) / 2
		short := v.Shorten(keep)
		if s := text(short); fits(s, limit) {
			best, bestText = short, s
			lo = keep + 1
		} else {
			hi = keep - 1
		}
	}
	if best != nil {
		return best, bestText, true
	}
	short := v.Shorten(0)
	s = text(short)
	return short, s, fits(s, limit)
}

// fits reports whether s has at most limit characters.
func fits(s string, limit int) bool {
	return len(s) <= limit || utf8.RuneCountInString(s) <= limit
}

// cutText returns the first limit-1 characters of s and "…".
func cutText(s string, limit int) string {
	if limit < 1 {
		return ""
	}
	n := 0
	for i := range s {
		if n == limit-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
