package sandbox

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/qiscus/msgcenter"
)

// statusChoices are the statuses the room page offers for a sent message,
// with the WhatsApp error code a failure reports.
var statusChoices = map[string]struct {
	status string
	code   int
	title  string
}{
	"delivered":     {status: "delivered"},
	"read":          {status: "read"},
	"failed-131047": {status: "failed", code: 131047, title: "Re-engagement message"},
	"failed-131026": {status: "failed", code: 131026, title: "Message undeliverable"},
	"failed-131049": {status: "failed", code: 131049, title: "This message was not delivered to maintain healthy ecosystem engagement"},
}

// StatusWebhook builds the WhatsApp status webhook the platform posts for
// one message, in the Cloud API's shape: status is sent, delivered, read or
// failed, with code and title for a failure.
func StatusWebhook(providerMessageID, status string, at time.Time, code int, title string) []byte {
	st := map[string]any{"id": providerMessageID, "status": status, "timestamp": strconv.FormatInt(at.Unix(), 10)}
	if status == "failed" {
		st["errors"] = []any{map[string]any{"code": code, "title": title, "message": title}}
	}
	value := map[string]any{"messaging_product": "whatsapp", "statuses": []any{st}}
	change := map[string]any{"field": "messages", "value": value}
	body, _ := json.Marshal(map[string]any{"object": "whatsapp_business_account",
		"entry": []any{map[string]any{"changes": []any{change}}}})
	return body
}

// markStatus answers POST /sandbox/rooms/{id}/messages/{mid}/status: a person
// marks a message msgcenter sent delivered, read or failed with a WhatsApp
// error code, as WhatsApp would report it; the status webhook's body goes to
// HandlerConfig.OnStatus, the same reading the platform's webhook gets.
func (h *handler) markStatus(w http.ResponseWriter, r *http.Request) {
	rm, err := h.findRoom(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.error(w, r, err)
		return
	}
	choice, ok := statusChoices[r.PostForm.Get("status")]
	if !ok {
		h.error(w, r, msgcenter.Invalid("The status is not valid.", map[string]string{"status": "must be delivered, read, failed-131047, failed-131026 or failed-131049"}))
		return
	}
	mid, _ := strconv.ParseInt(r.PathValue("mid"), 10, 64)
	ms, err := h.p.Messages(r.Context(), rm.StoreID, rm.ID)
	if err != nil {
		h.error(w, r, err)
		return
	}
	var msg *Message
	for _, m := range ms {
		if m.ID == mid && m.Direction == DirectionOut {
			msg = m
		}
	}
	if msg == nil {
		h.error(w, r, msgcenter.Errorf(msgcenter.ENOTFOUND, "Message not found."))
		return
	}
	if h.cfg.OnStatus == nil {
		h.error(w, r, msgcenter.Errorf(msgcenter.ETEMPORARY, "This sandbox reports no statuses."))
		return
	}
	body := StatusWebhook(msg.ProviderMessageID, choice.status, h.p.now(), choice.code, choice.title)
	if err := h.cfg.OnStatus(r.Context(), rm.StoreID, body); err != nil {
		h.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox/rooms/"+strconv.FormatInt(rm.ID, 10), http.StatusSeeOther)
}
