package receipt

import "strings"

// align is where a line sits in its box.
type align int

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// width returns how wide s is set in st, in millimetres, with each
// character in the face that draws it.
func (r *writer) width(s string, st style) float64 {
	var w float64
	for _, sp := range spans(s, st.w) {
		w += r.spanWidth(sp, st)
	}
	return w
}

func (r *writer) spanWidth(sp span, st style) float64 {
	if err := r.fonts.use(sp.face, st); err != nil {
		r.fail(err)
		return 0
	}
	w, err := r.pdf.MeasureTextWidth(sp.text)
	r.fail(err)
	return w
}

// line draws s on one line in the box (x, top, w, h), vertically centred,
// and returns the box's bottom. Every face shares one baseline.
func (r *writer) line(x, top, w, h float64, s string, st style, a align) float64 {
	sps := spans(s, st.w)
	widths := make([]float64, len(sps))
	var total float64
	for i, sp := range sps {
		widths[i] = r.spanWidth(sp, st)
		total += widths[i]
	}
	switch a {
	case alignCenter:
		x += (w - total) / 2
	case alignRight:
		x += w - total
	}
	size := st.size * ptToMM
	baseline := top + (h-size)/2 + size*0.8
	for i, sp := range sps {
		if err := r.fonts.use(sp.face, st); err != nil {
			r.fail(err)
			return top + h
		}
		r.pdf.SetXY(x, baseline)
		r.fail(r.pdf.Text(sp.text))
		x += widths[i]
	}
	return top + h
}

// para draws s wrapped to width w, one line of height lh each, and
// returns the bottom of the last line.
func (r *writer) para(x, top, w, lh float64, s string, st style, a align) float64 {
	y := top
	for _, ln := range r.wrap(s, w, st) {
		y = r.line(x, y, w, lh, ln, st, a)
	}
	return y
}

// wrap breaks s into lines no wider than w: at spaces, and inside a word
// only when the word alone is wider than w. It always returns at least one
// line.
func (r *writer) wrap(s string, w float64, st style) []string {
	var lines []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		var cur string
		for _, word := range strings.Fields(para) {
			try := word
			if cur != "" {
				try = cur + " " + word
			}
			if r.width(try, st) <= w {
				cur = try
				continue
			}
			if cur != "" {
				lines = append(lines, cur)
			}
			cur = ""
			// The word alone: break it where it overflows.
			for r.width(word, st) > w {
				n := r.fitPrefix(word, w, st)
				lines = append(lines, word[:n])
				word = word[n:]
			}
			cur = word
		}
		if cur != "" || len(lines) == 0 {
			lines = append(lines, cur)
		}
	}
	return lines
}

// fitPrefix returns the length in bytes of the longest prefix of s, at
// least one character, no wider than w; widths grow with the prefix, so a
// binary search over the character boundaries finds it.
func (r *writer) fitPrefix(s string, w float64, st style) int {
	bounds := make([]int, 0, len(s))
	for i := range s {
		if i > 0 {
			bounds = append(bounds, i)
		}
	}
	bounds = append(bounds, len(s))
	lo, hi := 0, len(bounds)-1 // bounds[lo] always fits or is the first
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if r.width(s[:bounds[mid]], st) <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return bounds[lo]
}

// fit returns s, or its longest prefix followed by "…" that is no wider
// than w.
func (r *writer) fit(s string, w float64, st style) string {
	if r.width(s, st) <= w {
		return s
	}
	ell := r.width("…", st)
	if ell >= w {
		return ""
	}
	return strings.TrimSpace(s[:r.fitPrefix(s, w-ell, st)]) + "…"
}
