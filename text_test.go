package msgcenter_test

import (
	"testing"

	"github.com/qiscus/msgcenter"
)

func TestPlainText(t *testing.T) {
	for s, want := range map[string]bool{
		"Budi": true, "": true, "Jl. Braga 1\nBandung\r\n\tRT 02": true, "Kopi ☕ — Rp 25.000": true, "日本語": true,
		"Bu\x00di": false, "\x1b[31mred": false, "a\x7fb": false, "a\u0085b": false, "\xff\xfe": false,
		"a\uFFFDb": false, "line\u2028sep": false, "\x07bell": false,
	} {
		if got := msgcenter.PlainText(s); got != want {
			t.Errorf("PlainText(%q) = %v, want %v", s, got, want)
		}
	}
}
