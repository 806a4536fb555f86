package receipt

import (
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-fonts/dejavu/dejavusans"
	"github.com/go-fonts/dejavu/dejavusansbold"
	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// Replacement is what a character that no embedded font can draw prints
// as: a white square, which the first face has.
const Replacement = '□'

// maxRune is the last character drawn: gopdf's ToUnicode map (which text
// extraction, search and copying read) writes each character as four hex
// digits, so one beyond U+FFFF, such as the emoticon 😊 that DejaVu Sans
// has, would draw but come out of the PDF as a different character. Those
// print as Replacement instead.
const maxRune = 0xFFFF

// A face is one embedded font family in its regular and bold weights. The
// faces are tried in order for every character: the Go font (Latin, with
// every letter Indonesian needs), then DejaVu Sans (more Latin, Greek,
// Cyrillic, symbols, dingbats and the emoticon block of emoji).
type face struct {
	name     string
	ttf      [2][]byte     // regular, bold
	coverage [2]*sfnt.Font // parsed once, to ask which characters it has
}

var faces = []*face{
	{name: "Go", ttf: [2][]byte{goregular.TTF, gobold.TTF}},
	{name: "DejaVu", ttf: [2][]byte{dejavusans.TTF, dejavusansbold.TTF}},
}

// parseFaces parses every face once; a font that does not parse is a bug
// in a dependency, reported by every Write.
var parseFaces = sync.OnceValue(func() error {
	for _, f := range faces {
		for w, b := range f.ttf {
			font, err := sfnt.Parse(b)
			if err != nil {
				return fmt.Errorf("parse font %s: %w", f.name, err)
			}
			f.coverage[w] = font
		}
	}
	return nil
})

// weight is 0 for regular and 1 for bold.
type weight int

const (
	regular weight = iota
	bold
)

// style is how a stretch of text is set: its weight and size in points.
type style struct {
	w    weight
	size float64
}

// span is a stretch of text drawn in one face.
type span struct {
	face int
	text string
}

// ignorable reports whether r draws nothing and is dropped: format
// characters (zero-width joiners, direction marks), variation selectors
// (the emoji presentation selector after "❤") and other default-ignorable
// code points.
func ignorable(r rune) bool {
	return unicode.In(r, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point)
}

// spans splits s into stretches each drawn by one face in weight w: each
// character goes to the first face that has it, and one that none has
// becomes Replacement. Line breaks and tabs become spaces, other control
// and ignorable characters are dropped, and s is put in composed form
// first, so "e" + combining acute prints as "é".
func spans(s string, w weight) []span {
	s = norm.NFC.String(strings.ToValidUTF8(s, string(utf8.RuneError)))
	var (
		out  []span
		buf  sfnt.Buffer
		cur  strings.Builder
		curF = -1
	)
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, span{face: curF, text: cur.String()})
			cur.Reset()
		}
	}
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			r = ' '
		case unicode.IsControl(r) || ignorable(r):
			continue
		}
		fi := -1
		for i, f := range faces {
			if r > maxRune {
				break // see maxRune
			}
			if g, err := f.coverage[w].GlyphIndex(&buf, r); err == nil && g != 0 {
				fi = i
				break
			}
		}
		if fi < 0 {
			r, fi = Replacement, 0
		}
		if fi != curF {
			flush()
			curF = fi
		}
		cur.WriteRune(r)
	}
	flush()
	return out
}

// fonts adds the faces to one document as they are first used, so a
// receipt in plain Latin carries only the Go font.
type fonts struct {
	pdf   *gopdf.GoPdf
	added map[[2]int]bool // face, weight
}

func (fs *fonts) family(fi int, w weight) string {
	return fmt.Sprintf("%s-%d", faces[fi].name, w)
}

// use makes face fi in style st the current font, adding it to the
// document first if needed.
func (fs *fonts) use(fi int, st style) error {
	key := [2]int{fi, int(st.w)}
	name := fs.family(fi, st.w)
	if !fs.added[key] {
		opt := gopdf.TtfOption{
			// spans only hands a face the characters it has; a miss
			// here would still print visibly rather than as a gap.
			OnGlyphNotFoundSubstitute: func(rune) rune { return '?' },
		}
		if err := fs.pdf.AddTTFFontDataWithOption(name, faces[fi].ttf[st.w], opt); err != nil {
			return fmt.Errorf("add font %s: %w", name, err)
		}
		fs.added[key] = true
	}
	return fs.pdf.SetFont(name, "", st.size)
}

// Printable returns s as a receipt prints it: each character that no
// embedded font draws replaced by Replacement, line breaks and tabs as
// spaces, and invisible characters dropped.
func Printable(s string) string {
	if err := parseFaces(); err != nil {
		return s
	}
	var b strings.Builder
	for _, sp := range spans(s, regular) {
		b.WriteString(sp.text)
	}
	return b.String()
}
