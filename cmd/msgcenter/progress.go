package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/mattn/go-isatty"
)

// progress shows how far a bench step is: on a terminal a bar redrawn in
// place; elsewhere (a CI log, a file) a plain line at each tenth and at the
// end, with no carriage returns.
func progress(w io.Writer, what string, n, total int) {
	if f, ok := w.(*os.File); ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		const width = 30
		filled := width * n / max(total, 1)
		fmt.Fprintf(w, "\r%-10s [%s%s] %d/%d", what, strings.Repeat("=", filled), strings.Repeat(" ", width-filled), n, total)
		return
	}
	tenth := min(10*n/max(total, 1), 10)
	plainMu.Lock()
	last, seen := plainLast[what]
	plainLast[what] = tenth
	plainMu.Unlock()
	if !seen || tenth != last {
		fmt.Fprintf(w, "%s: %d/%d\n", what, n, total)
	}
}

// plainLast is the tenth last printed per step, so plain output writes a
// line only when a step moves on by a tenth.
var (
	plainMu   sync.Mutex
	plainLast = map[string]int{}
)
