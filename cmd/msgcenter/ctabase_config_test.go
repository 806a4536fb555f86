package main

import (
	"io"
	"slices"
	"strings"
	"testing"
)

func TestConfig_CTABaseURLs(t *testing.T) {
	t.Run("DefaultLeavesItToTheServer", func(t *testing.T) {
		c, err := parseServe(nil, io.Discard, io.Discard, envMap(nil))
		if err != nil || c.CTABaseURLs != nil {
			t.Fatalf("default: %q, %v; want none (the public URL and https://shop.qiscus.com/)", c.CTABaseURLs, err)
		}
	})
	t.Run("ListWithTrailingSlashes", func(t *testing.T) {
		c, err := parseServe(nil, io.Discard, io.Discard, envMap(map[string]string{
			"MSGCENTER_CTA_BASE_URLS": " https://shop.qiscus.com , https://go.example.com/kopi",
		}))
		want := []string{"https://shop.qiscus.com/", "https://go.example.com/kopi/"}
		if err != nil || !slices.Equal(c.CTABaseURLs, want) {
			t.Fatalf("got %q, %v; want %q", c.CTABaseURLs, err, want)
		}
	})
	for _, bad := range []string{"shop.qiscus.com", "ftp://shop.qiscus.com/", "https://shop.qiscus.com/?x=1"} {
		t.Run("ErrRefused", func(t *testing.T) {
			_, err := parseServe([]string{"--cta-base-urls", "https://ok.example/," + bad}, io.Discard, io.Discard, envMap(nil))
			if err == nil || !strings.HasPrefix(err.Error(), "--cta-base-urls") || !strings.Contains(err.Error(), bad) {
				t.Fatalf("%q: err %v, want a refusal naming --cta-base-urls and the value", bad, err)
			}
		})
	}
}
