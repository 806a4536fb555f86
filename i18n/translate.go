package i18n

import (
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
)

// The domain and the HTTP layer write their messages in English, the
// API's language: "Order not found.", a field's "must be at most 100
// characters". Those that reach a page (an error page, a form's field
// errors) are in the catalogues under keys starting with MessagePrefix,
// their English text exactly as the code writes it, with %d and %s where
// the code puts a number or a word. Translate finds a message among them
// and prints it in the page's language.

// MessagePrefix starts the keys of the English messages Translate knows.
const MessagePrefix = "msg."

// source is one message Translate knows: its key and the English text, or
// its shape when the text has verbs.
type source struct {
	key   string
	exact string
	shape *regexp.Regexp
	verbs []byte // 'd' or 's', in order
	// literal is how many characters of the English text are not verbs:
	// among shapes that match, the most literal wins.
	literal int
}

var sources = func() []source {
	verb := regexp.MustCompile(`%[ds]`)
	var out []source
	for key, text := range english {
		if !strings.HasPrefix(key, MessagePrefix) {
			continue
		}
		src := source{key: key, literal: len(verb.ReplaceAllString(text, ""))}
		if !verb.MatchString(text) {
			src.exact = text
			out = append(out, src)
			continue
		}
		var re strings.Builder
		re.WriteString("^")
		last := 0
		for _, loc := range verb.FindAllStringIndex(text, -1) {
			re.WriteString(regexp.QuoteMeta(text[last:loc[0]]))
			v := text[loc[1]-1]
			src.verbs = append(src.verbs, v)
			if v == 'd' {
				re.WriteString(`(-?\d+)`)
			} else {
				re.WriteString(`(.+?)`)
			}
			last = loc[1]
		}
		re.WriteString(regexp.QuoteMeta(text[last:]))
		re.WriteString("$")
		src.shape = regexp.MustCompile(re.String())
		out = append(out, src)
	}
	// Exact texts first, then the shapes that say most in words; ties by key.
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.shape == nil) != (b.shape == nil) {
			return a.shape == nil
		}
		if a.literal != b.literal {
			return a.literal > b.literal
		}
		return a.key < b.key
	})
	return out
}()

// Translate returns text, an English message of the domain or the HTTP
// layer, in lang when the catalogues know it (see MessagePrefix); any
// other text, one already in lang included, comes back as it is. Numbers
// in the message are printed as lang writes them.
func Translate(lang msgcenter.Language, text string) string {
	if lang == msgcenter.LanguageEnglish || text == "" {
		return text
	}
	if _, ok := catalogues[lang]; !ok {
		return text
	}
	p := For(lang)
	for _, src := range sources {
		if src.shape == nil {
			if src.exact == text {
				return p.T(src.key)
			}
			continue
		}
		m := src.shape.FindStringSubmatch(text)
		if m == nil {
			continue
		}
		args := make([]any, len(src.verbs))
		for i, v := range src.verbs {
			args[i] = m[i+1]
			if v == 'd' {
				if n, err := strconv.ParseInt(m[i+1], 10, 64); err == nil {
					args[i] = n
				}
			}
		}
		return p.T(src.key, args...)
	}
	return text
}

// TranslateFields returns fields, a form's field errors, with every
// message translated into lang; nil for nil.
func TranslateFields(lang msgcenter.Language, fields map[string]string) map[string]string {
	if fields == nil {
		return nil
	}
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		out[k] = Translate(lang, v)
	}
	return out
}
