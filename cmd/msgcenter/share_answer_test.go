package main_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	main "github.com/qiscus/msgcenter/cmd/msgcenter"
)

func TestShareClickAnswer(t *testing.T) {
	runEngineCases(t, []engineCase{{"FailedThenRetriedAfterReply", testShareClickFailedThenRetried}})
}

// testShareClickFailedThenRetried clicks in a WhatsApp room whose session
// expired: the agent is told the link was not sent and why. Once the
// customer has written, the same click (within the de-duplication window)
// sends the link, and a retry of that one is a duplicate.
func testShareClickFailedThenRetried(t *testing.T, dbURL string) {
	clock := NewClock()
	sh := MustRunMainWith(t, dbURL, func(c *main.Config) { c.Now = clock.Now }).NewShop("Toko Kopi Senja")
	b := sh.CustomButton()
	clock.Advance(25 * time.Hour)

	code, first := sh.Webhook(b.URL, sh.clickPayload(sh.WARoom))
	if msg, _ := first["message"].(string); code != 200 || first["status"] != "failed" || first["reason"] != "session_expired" ||
		!strings.Contains(msg, "not sent") || !strings.Contains(msg, "24 hours") {
		t.Fatalf("click in an expired room: %d %v, want failed with session_expired said", code, first)
	}

	// The customer writes; the agent clicks again 5 s later.
	clock.Advance(5 * time.Second)
	sh.MustJSON(200, "PATCH", fmt.Sprintf("/api/v1/stores/%s/rooms/%d", sh.Store, sh.WARoom),
		map[string]any{"last_inbound_at": clock.Now().Format(time.RFC3339Nano)}, nil)
	code, again := sh.Webhook(b.URL, sh.clickPayload(sh.WARoom))
	if code != 200 || again["status"] != "sent" || again["delivery_id"] == first["delivery_id"] {
		t.Fatalf("click after the reply: %d %v, want a new message sent (first %v)", code, again, first["delivery_id"])
	}
	code, dup := sh.Webhook(b.URL, sh.clickPayload(sh.WARoom))
	if code != 200 || dup["status"] != "duplicate" || dup["message_status"] != "sent" || dup["delivery_id"] != again["delivery_id"] {
		t.Fatalf("retry of the sent click: %d %v, want a duplicate of %v", code, dup, again["delivery_id"])
	}
	if out := sh.waitOutbox(sh.WARoom, 1); !strings.Contains(out[0].ButtonURL, "/s/") {
		t.Fatalf("the room got %+v, want the microsite link once", out)
	}
}

func TestShareButtonLabel(t *testing.T) {
	runEngineCases(t, []engineCase{{"FollowsRenameUnlessAdminSet", testShareButtonLabel}})
}

// testShareButtonLabel renames the store: the button (here and on the
// sandbox omnichannel) follows, until the admin names it; clearing the
// admin's label follows the store again.
func testShareButtonLabel(t *testing.T, dbURL string) {
	sh := MustRunMain(t, dbURL).NewShop("Toko Kopi Senja")
	store := "/api/v1/stores/" + sh.Store
	label := func(l string) customButton {
		t.Helper()
		var b customButton
		sh.MustJSON(200, "PUT", store+"/message-center/share_microsite_url/custom-button", map[string]string{"label": l}, &b)
		return b
	}
	expect := func(what, want string) {
		t.Helper()
		if b := sh.CustomButton(); b.Label != want {
			t.Errorf("%s: label %q, want %q", what, b.Label, want)
		}
		if bs := sh.SandboxButtons(); len(bs) != 1 || bs[0].Label != want {
			t.Errorf("%s: the omnichannel's button %+v, want label %q", what, bs, want)
		}
	}
	sh.MustJSON(200, "PATCH", store, map[string]string{"name": "Warung Bu Sri 🍜"}, nil)
	expect("after a rename", "Warung Bu Sri 🍜")
	if b := label("Kirim Katalog"); b.Label != "Kirim Katalog" {
		t.Fatalf("admin label answered %+v", b)
	}
	sh.MustJSON(200, "PATCH", store, map[string]string{"name": "Warung Bu Sri"}, nil)
	expect("a rename after the admin's label", "Kirim Katalog")
	if b := label(""); b.Label != "Warung Bu Sri" {
		t.Fatalf("cleared label answered %+v", b)
	}
	expect("after clearing the label", "Warung Bu Sri")
	resp, out := sh.Do("PUT", store+"/message-center/share_microsite_url/custom-button", sh.Token, map[string]string{"label": strings.Repeat("x", 101)})
	if resp.StatusCode != 422 || !strings.Contains(string(out), `"label"`) {
		t.Fatalf("a 101-character label: %d %s, want 422 naming label", resp.StatusCode, out)
	}
}
