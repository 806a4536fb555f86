package render

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
)

// MaxPlaceholders is the most placeholders one body may use.
const MaxPlaceholders = 200

// ErrMessage is the user-safe message of a body that cannot be filled.
const ErrMessage = "The message uses placeholders that cannot be filled."

// errLabelMessage is the message of a button label that is not plain text.
const errLabelMessage = "The button label must be plain text without placeholders."

// maxShownName caps how much of a bad placeholder an error quotes.
const maxShownName = 40

// Template is a body split into text and placeholders, ready to render
// many times. It is immutable and safe for concurrent use.
type Template struct {
	event   msgcenter.Event
	segs    []segment
	textLen int // bytes of text over all segments
}

// segment is text followed by the placeholder ph, or by nothing when ph < 0.
type segment struct {
	text string
	ph   int
}

// Event returns the event the template was checked for.
func (t *Template) Event() msgcenter.Event { return t.event }

// Render fills t with v. It computes the exact length first, so it makes one
// allocation (none for an empty result). A nil v renders placeholders empty.
func (t *Template) Render(v *Values) string {
	if v == nil {
		v = &Values{}
	}
	n := t.textLen
	for i := range t.segs {
		if ph := t.segs[i].ph; ph >= 0 {
			n += len(v.s[ph])
		}
	}
	var b strings.Builder
	b.Grow(n)
	for i := range t.segs {
		s := &t.segs[i]
		b.WriteString(s.text)
		if s.ph >= 0 {
			b.WriteString(v.s[s.ph])
		}
	}
	return b.String()
}

// Check reports whether body may be saved as the message of event: nil, or
// an EINVALID *msgcenter.Error whose field "body" lists every problem with its
// line and column (both 1-based, columns counted in characters), followed by
// the placeholders available for event.
func Check(event msgcenter.Event, body string) error {
	_, err := Parse(event, body)
	return err
}

// Parse checks body like Check and, when it is fine, returns it pre-parsed.
func Parse(event msgcenter.Event, body string) (*Template, error) {
	bit := eventBit(event)
	if bit == 0 {
		return nil, msgcenter.Invalid("The message configuration is not valid.", map[string]string{
			"event": "must be one of " + msgcenter.EventList(),
		})
	}
	t := &Template{event: event}
	var p problems
	p.src = body
	count := 0
	text := 0 // start of the pending text
	scan(body, func(tok token) {
		switch {
		case tok.unclosed:
			p.add(tok.start, "unclosed {{")
			return
		case tok.name == "":
			p.add(tok.start, "empty placeholder {{ }}")
			return
		}
		i, ok := byName[tok.name]
		switch {
		case !ok:
			p.addName(tok.start, "unknown placeholder ", tok.name, "")
		case availability[i]&bit == 0:
			p.addName(tok.start, "", tok.name, " is not available for "+string(event))
		}
		count++
		if ok && p.b.Len() == 0 && count <= MaxPlaceholders {
			t.segs = append(t.segs, segment{text: body[text:tok.start], ph: i})
			t.textLen += tok.start - text
		}
		text = tok.end
	})
	if count > MaxPlaceholders {
		p.addf("uses " + strconv.Itoa(count) + " placeholders; at most " + strconv.Itoa(MaxPlaceholders) + " are allowed")
	}
	if p.b.Len() > 0 {
		msg := p.b.String()
		if p.names {
			msg += ". Available: " + availableList(event)
		}
		return nil, msgcenter.Invalid(ErrMessage, map[string]string{"body": msg})
	}
	if text < len(body) {
		t.segs = append(t.segs, segment{text: body[text:], ph: -1})
		t.textLen += len(body) - text
	}
	return t, nil
}

// CheckButtonLabel reports whether label is plain text: placeholders (and
// anything starting with "{{") are refused with field "button_label".
func CheckButtonLabel(label string) error {
	var p problems
	p.src = label
	scan(label, func(tok token) {
		if tok.unclosed {
			p.add(tok.start, "cannot contain {{")
			return
		}
		p.addName(tok.start, "cannot contain placeholders such as ", tok.name, "")
	})
	if p.b.Len() > 0 {
		return msgcenter.Invalid(errLabelMessage, map[string]string{"button_label": p.b.String()})
	}
	return nil
}

// CheckConfig checks the placeholders of a custom configuration's body and
// button label together, for saving; a default configuration uses our
// templates and passes. Structure and lengths are c.Validate's job.
func CheckConfig(c *msgcenter.MessageConfig) error {
	if c.Type != msgcenter.MessageTypeCustom {
		return nil
	}
	_, err := parseBoth(c.Event, c.Body, c.ButtonLabel)
	return err
}

// parseBoth parses body and checks label, merging their errors into one
// EINVALID error with fields "body" and "button_label".
func parseBoth(event msgcenter.Event, body, label string) (*Template, error) {
	t, berr := Parse(event, body)
	lerr := CheckButtonLabel(label)
	switch {
	case lerr == nil:
		return t, berr
	case berr == nil:
		return nil, lerr
	}
	fields := msgcenter.ErrorFields(berr)
	for k, v := range msgcenter.ErrorFields(lerr) {
		fields[k] = v
	}
	return nil, berr
}

// token is one "{{ ... }}" of a text, or an unclosed "{{".
type token struct {
	start, end int    // byte offsets of "{{" and just after "}}"
	name       string // trimmed content
	unclosed   bool
}

// scan calls fn for each token of s, in order, in one pass. A "{{" followed
// by another "{{" before any "}}" is unclosed; a lone "}}" is text.
func scan(s string, fn func(token)) {
	i := 0
	for {
		k := strings.Index(s[i:], "{{")
		if k < 0 {
			return
		}
		open := i + k
		j := open + 2
		for {
			if j+1 >= len(s) {
				fn(token{start: open, end: len(s), unclosed: true})
				return
			}
			if s[j] == '}' && s[j+1] == '}' {
				fn(token{start: open, end: j + 2, name: strings.TrimSpace(s[open+2 : j])})
				i = j + 2
				break
			}
			if s[j] == '{' && s[j+1] == '{' {
				fn(token{start: open, end: j, unclosed: true})
				i = j
				break
			}
			j++
		}
	}
}

// problems collects error texts with line:column positions. Positions are
// reported in increasing order, so the cursor only moves forward and the
// whole scan stays linear.
type problems struct {
	src       string
	b         strings.Builder
	names     bool // a placeholder name was refused, so list the available ones
	off       int  // cursor: byte offset...
	line, col int  // ...and its 1-based line and column (cols-1 characters before it)
}

func (p *problems) position(off int) string {
	if p.line == 0 {
		p.line, p.col = 1, 1
	}
	for p.off < off {
		r, size := utf8.DecodeRuneInString(p.src[p.off:])
		if r == '\n' {
			p.line++
			p.col = 1
		} else {
			p.col++
		}
		p.off += size
	}
	return "line " + strconv.Itoa(p.line) + ", column " + strconv.Itoa(p.col)
}

func (p *problems) addf(msg string) {
	if p.b.Len() > 0 {
		p.b.WriteString("; ")
	}
	p.b.WriteString(msg)
}

func (p *problems) add(off int, msg string) {
	p.addf(msg + " at " + p.position(off))
}

func (p *problems) addName(off int, before, name, after string) {
	p.names = true
	if utf8.RuneCountInString(name) > maxShownName || !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "\uFFFD")
		if r := []rune(name); len(r) > maxShownName {
			name = string(r[:maxShownName]) + "…"
		}
	}
	p.add(off, before+"{{"+name+"}}"+after)
}
