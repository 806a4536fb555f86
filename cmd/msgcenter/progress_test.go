package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestProgressPlainOffTerminal(t *testing.T) {
	var b bytes.Buffer
	for i := 0; i <= 1000; i += 7 {
		progress(&b, "plain-test", i, 1000)
	}
	progress(&b, "plain-test", 1000, 1000)
	progress(&b, "plain-test", 1000, 1000)
	out := b.String()
	if strings.Contains(out, "\r") {
		t.Fatalf("carriage returns off a terminal: %q", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 11 || lines[0] != "plain-test: 0/1000" || lines[10] != "plain-test: 1000/1000" {
		t.Fatalf("want one line per tenth, the last once: %q", lines)
	}
}
