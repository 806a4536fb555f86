package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
)

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

// defaultFailureCode is the WhatsApp error a failure reports unless the
// person names another: 131047, re-engagement (the 24-hour window closed).
const defaultFailureCode = 131047

// failureTitles are the titles of the WhatsApp error codes the page names.
var failureTitles = map[int]string{
	131047: "Re-engagement message",
	131026: "Message undeliverable",
	131049: "This message was not delivered to maintain healthy ecosystem engagement",
}

// markStatus answers POST /sandbox/rooms/{id}/messages/{mid}/status: a person
// marks a message the store's app sent delivered, read or failed with a
// WhatsApp error code (code, 131047 unless given; "failed-131026" names it
// too), and the platform posts the status webhook to msgcenter (MarkStatus).
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
	status, code := r.PostForm.Get("status"), 0
	if c, ok := strings.CutPrefix(status, "failed-"); ok {
		status, r.PostForm["code"] = "failed", []string{c}
	}
	if status == "failed" {
		code = defaultFailureCode
		if c := strings.TrimSpace(r.PostForm.Get("code")); c != "" {
			if code, err = strconv.Atoi(c); err != nil || code <= 0 {
				h.error(w, r, msgcenter.Invalid("The status is not valid.", map[string]string{"code": "must be a WhatsApp error code such as 131047"}))
				return
			}
		}
	}
	mid, _ := strconv.ParseInt(r.PathValue("mid"), 10, 64)
	ms, err := h.p.PlatformMessages(r.Context(), rm.StoreID, rm.ID)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if !slices.ContainsFunc(ms, func(m *Message) bool { return m.ID == mid && m.Direction == DirectionOut }) {
		h.error(w, r, msgcenter.Errorf(msgcenter.ENOTFOUND, "Message not found."))
		return
	}
	if err := h.p.MarkStatus(r.Context(), rm.StoreID, mid, status, code, failureTitles[code]); err != nil {
		h.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox/rooms/"+strconv.FormatInt(rm.ID, 10), http.StatusSeeOther)
}
