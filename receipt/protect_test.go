package receipt

import (
	"errors"
	"strings"
	"testing"
)

func TestProtect(t *testing.T) {
	err := protect(func() error { panic("font table out of range") })
	if err == nil || !strings.Contains(err.Error(), "panic: font table out of range") {
		t.Fatalf("protect(panic) = %v, want an error naming the panic", err)
	}
	want := errors.New("plain")
	if err := protect(func() error { return want }); err != want {
		t.Fatalf("protect(error) = %v, want %v", err, want)
	}
}
