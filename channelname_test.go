package msgcenter_test

import (
	"testing"

	"github.com/qiscus/msgcenter"
)

func TestChannelTitles(t *testing.T) {
	titles := msgcenter.ChannelTitles()
	if len(titles) != len(msgcenter.ChannelTypes()) {
		t.Fatalf("%d titles for %d types", len(titles), len(msgcenter.ChannelTypes()))
	}
	for _, ct := range msgcenter.ChannelTypes() {
		if titles[ct] == "" || titles[ct] == string(ct) {
			t.Errorf("%s: title %q", ct, titles[ct])
		}
	}
	if got := msgcenter.ChannelMessenger.Title(); got != "Messenger" {
		t.Errorf("messenger: %q", got)
	}
	if got := msgcenter.ChannelWeb.Title(); got != "Web chat" {
		t.Errorf("web: %q", got)
	}
	if got := msgcenter.ChannelType("pager").Title(); got != "pager" {
		t.Errorf("unknown type: %q", got)
	}
}
