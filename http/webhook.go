package http

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/provider/qiscus"
)

// flexString is a JSON string or number, as the omnichannel sends ids
// either way.
type flexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(strings.TrimSpace(s))
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return errors.New("must be a string or a number")
		}
		*f = flexString(n.String())
	}
	return nil
}

// buttonWebhook is the body of the omnichannel's custom-button webhook, as
// documented at documentation.qiscus.com/omnichannel-chat/webhook ([QD] in
// the qiscus package's doc, which lists every shape and its source). Only
// the fields msgcenter uses are read; any other is ignored. The room is
// room_id, room.id (or room.room_id), or an additional_info entry keyed
// room_id; the channel is nested ({"channel": {"id", "type"}}) or flat
// (channel_id, source); the customer is nested or flat (user_id, name).
type buttonWebhook struct {
	RoomID flexString `json:"room_id"`
	Room   *struct {
		ID     flexString `json:"id"`
		RoomID flexString `json:"room_id"`
	} `json:"room"`
	Channel *struct {
		ID     flexString `json:"id"`
		Type   string     `json:"type"`
		Source string     `json:"source"`
	} `json:"channel"`
	ChannelID flexString `json:"channel_id"`
	Source    string     `json:"source"`
	Customer  *struct {
		Name   string     `json:"name"`
		UserID flexString `json:"user_id"`
	} `json:"customer"`
	UserID flexString `json:"user_id"`
	Name   string     `json:"name"`
	Agent  *struct {
		Email string `json:"email"`
		Name  string `json:"name"`
	} `json:"agent"`
	// AdditionalInfo is the room's additional information: a list of
	// {"key", "value"} or an object.
	AdditionalInfo json.RawMessage `json:"additional_info"`
}

// infoValue returns the additional_info value under key (any case), "" when
// absent or not of a known shape.
func infoValue(raw json.RawMessage, key string) string {
	var list []struct {
		Key   string     `json:"key"`
		Value flexString `json:"value"`
	}
	if json.Unmarshal(raw, &list) == nil {
		for _, kv := range list {
			if strings.EqualFold(strings.TrimSpace(kv.Key), key) {
				return string(kv.Value)
			}
		}
		return ""
	}
	var obj map[string]flexString
	if json.Unmarshal(raw, &obj) == nil {
		for k, v := range obj {
			if strings.EqualFold(k, key) {
				return string(v)
			}
		}
	}
	return ""
}

// canonicalPayload returns v with every number as its written string and
// every string under a key naming an e-mail trimmed and in lower case, so
// two payloads that mean the same click compare equal. key is v's key in
// its object.
func canonicalPayload(v any, key string) any {
	switch v := v.(type) {
	case json.Number:
		return v.String()
	case string:
		if strings.Contains(strings.ToLower(key), "email") {
			return strings.ToLower(strings.TrimSpace(v))
		}
		return v
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = canonicalPayload(e, key)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = canonicalPayload(e, k)
		}
		return out
	}
	return v
}

// parseButtonClick reads the webhook body: malformed JSON or a missing
// room id is ebadrequest (400) with a message saying what is wrong.
func parseButtonClick(body []byte) (*msgcenter.ButtonClick, error) {
	// The payload normalised (keys sorted, no spaces, numbers as the
	// strings they are written as, e-mail addresses in lower case)
	// identifies a retried click whatever the formatting of the retry: the
	// platform sends an id as 4 or "4", an agent's e-mail in any case.
	var generic any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&generic); err != nil {
		return nil, msgcenter.Errorf(ebadrequest, "Malformed JSON: %v. Send the omnichannel's custom button payload, such as {\"room_id\": \"123\", ...}.", err)
	}
	if dec.More() {
		return nil, msgcenter.Errorf(ebadrequest, "Malformed JSON: more than one value in the body.")
	}
	if _, ok := generic.(map[string]any); !ok {
		return nil, msgcenter.Errorf(ebadrequest, "Malformed JSON: the body must be an object with a room_id.")
	}
	normal, err := json.Marshal(canonicalPayload(generic, ""))
	if err != nil {
		return nil, msgcenter.Errorf(ebadrequest, "Malformed JSON: %v.", err)
	}
	var in buttonWebhook
	if err := json.Unmarshal(body, &in); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) {
			return nil, &msgcenter.Error{Code: ebadrequest, Message: "Malformed JSON: a field has the wrong type.",
				Fields: map[string]string{typ.Field: "must be " + typeWords(typ.Type)}}
		}
		return nil, msgcenter.Errorf(ebadrequest, "Malformed JSON: %v.", err)
	}
	roomID := in.RoomID
	if roomID == "" && in.Room != nil {
		roomID = cmpOr(in.Room.ID, in.Room.RoomID)
	}
	if roomID == "" {
		roomID = flexString(strings.TrimSpace(infoValue(in.AdditionalInfo, "room_id")))
	}
	// A click without a room is returned with an empty RoomID: the caller
	// keeps it for the admin instead of dropping it.
	c := &msgcenter.ButtonClick{RoomID: string(roomID), Payload: normal}
	channelID, source := in.ChannelID, in.Source
	if in.Channel != nil {
		if in.Channel.ID != "" {
			channelID = in.Channel.ID
		}
		if in.Channel.Type != "" {
			source = in.Channel.Type
		} else if in.Channel.Source != "" {
			source = in.Channel.Source
		}
	}
	c.ChannelID, _ = strconv.ParseInt(string(channelID), 10, 64)
	c.ChannelType = qiscus.ChannelTypeOf(source)
	c.CustomerName, c.CustomerUserID = strings.TrimSpace(in.Name), string(in.UserID)
	if in.Customer != nil {
		c.CustomerName, c.CustomerUserID = strings.TrimSpace(in.Customer.Name), string(cmpOr(in.Customer.UserID, in.UserID))
	}
	if in.Agent != nil {
		c.AgentEmail, c.AgentName = strings.TrimSpace(in.Agent.Email), strings.TrimSpace(in.Agent.Name)
	}
	return c, nil
}

func cmpOr[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

// handleCustomButtonWebhook answers POST /hooks/omnichannel/{store}/custom-button/{secret}:
// an agent clicked the store's custom button in a room. An unknown store
// and a wrong secret get the same 404, checked before the body is read.
func (s *Server) handleCustomButtonWebhook(w http.ResponseWriter, r *http.Request) {
	notFound := msgcenter.Errorf(msgcenter.ENOTFOUND, "Unknown custom button: check the Custom Button URL in the Message Center.")
	storeID, err := strconv.ParseInt(r.PathValue("store"), 10, 64)
	secret := r.PathValue("secret")
	if err != nil || storeID <= 0 || secret == "" || len(secret) > maxTokenLen {
		s.Error(w, r, notFound)
		return
	}
	b, err := s.CustomButtons.FindCustomButton(r.Context(), storeID)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND || (err == nil && subtle.ConstantTimeCompare([]byte(b.Secret), []byte(secret)) != 1) {
		s.Error(w, r, notFound)
		return
	} else if err != nil {
		s.Error(w, r, err)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	click, err := parseButtonClick(body)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if click.RoomID == "" {
		s.keepUnplaced(w, r, storeID, click.Payload, "the payload names no room: it needs room_id (or room.id, or an additional_info entry room_id)")
		return
	}
	// The service checks the secret again inside its transaction, so a
	// rotation that lands meanwhile wins.
	res, err := s.CustomButtons.Click(r.Context(), storeID, secret, click)
	if msgcenter.ErrorCode(err) == msgcenter.EINVALID {
		s.keepUnplaced(w, r, storeID, click.Payload, msgcenter.ErrorMessage(err)+" "+fieldsText(msgcenter.ErrorFields(err)))
		return
	} else if err != nil {
		s.Error(w, r, err)
		return
	}
	ans, err := s.clickAnswer(r.Context(), storeID, res)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

// clickOutcomeWait bounds how long the button's webhook waits for its
// message to be sent or to fail before it answers that it is queued.
const clickOutcomeWait = 5 * time.Second

// clickAnswerJSON is the custom button webhook's answer: what happened to
// the message, said so the agent who clicked can read it.
type clickAnswerJSON struct {
	// Status is the message's status (sent, failed, or queued when it has
	// not gone out within clickOutcomeWait), or duplicate for a retry of a
	// click whose message is queued or sent, which sends nothing new.
	Status string `json:"status"`
	// MessageStatus is the status of the message the click is answered
	// with: the new one, or the first click's for a duplicate.
	MessageStatus msgcenter.DeliveryStatus `json:"message_status"`
	Reason        msgcenter.Reason         `json:"reason,omitempty"`
	ReasonText    string                   `json:"reason_text,omitempty"`
	// Message says it in a sentence, in the store's language.
	Message    string `json:"message"`
	DeliveryID int64  `json:"delivery_id"`
	RoomID     int64  `json:"room_id"`
}

// clickAnswer waits, at most clickOutcomeWait, for the click's message to
// leave the queue, and says what became of it. The message is sent by the
// delivery workers (of any process), so the wait reads its row.
func (s *Server) clickAnswer(ctx context.Context, storeID int64, res *msgcenter.ClickResult) (*clickAnswerJSON, error) {
	st, err := s.Stores.FindStoreByID(ctx, storeID)
	if err != nil {
		return nil, err
	}
	t := i18n.For(st.Language).T
	d, err := s.awaitOutcome(ctx, storeID, res.DeliveryID)
	if err != nil {
		return nil, err
	}
	ans := &clickAnswerJSON{Status: string(d.Status), MessageStatus: d.Status, Reason: d.Reason, DeliveryID: res.DeliveryID, RoomID: res.RoomID}
	if d.Reason != "" {
		ans.ReasonText = d.Reason.Text(st.Language)
	}
	switch {
	case res.Status == msgcenter.ClickDuplicate && d.Status == msgcenter.StatusSent:
		ans.Status, ans.Message = msgcenter.ClickDuplicate, t("click.duplicate_sent")
	case res.Status == msgcenter.ClickDuplicate && d.Status == msgcenter.StatusQueued:
		ans.Status, ans.Message = msgcenter.ClickDuplicate, t("click.duplicate_queued")
	case d.Status == msgcenter.StatusSent:
		ans.Message = t("click.sent")
	case d.Status == msgcenter.StatusFailed:
		// A duplicate whose first message failed meanwhile is told so too.
		ans.Message = t("click.failed", ans.ReasonText)
	case d.Reason != "":
		ans.Message = t("click.queued_because", ans.ReasonText)
	default:
		ans.Message = t("click.queued")
	}
	return ans, nil
}

// awaitOutcome reads the message until it is no longer queued, or
// clickOutcomeWait has passed (then it is answered as it is).
func (s *Server) awaitOutcome(ctx context.Context, storeID, deliveryID int64) (*msgcenter.Delivery, error) {
	wait, cancel := context.WithTimeout(ctx, clickOutcomeWait)
	defer cancel()
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	var last *msgcenter.Delivery
	for {
		d, err := s.Deliveries.FindDelivery(wait, storeID, deliveryID)
		switch {
		case err != nil && last != nil && wait.Err() != nil:
			return last, nil
		case err != nil:
			return nil, err
		case d.Status != msgcenter.StatusQueued:
			return d, nil
		}
		last = d
		select {
		case <-wait.Done():
			return last, nil
		case <-tick.C:
		}
	}
}

// keepUnplaced keeps a click that cannot be placed in a room and answers
// 422 saying why and that it was kept: the platform gets a clear error and
// the store's admin finds the click under the unplaced clicks.
func (s *Server) keepUnplaced(w http.ResponseWriter, r *http.Request, storeID int64, payload []byte, reason string) {
	reason = strings.TrimSpace(reason)
	kept, err := s.CustomButtons.KeepUnplacedClick(r.Context(), storeID, payload, reason)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	s.Error(w, r, &msgcenter.Error{Code: msgcenter.EINVALID,
		Message: "The click could not be placed in a room: " + reason + ". It was kept (unplaced click " + strconv.FormatInt(kept.ID, 10) +
			") for the store's admin to see.",
		Fields: map[string]string{"room_id": reason}})
}

// fieldsText is an error's field messages as "field: message; …", sorted.
func fieldsText(fields map[string]string) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + fields[k]
	}
	return strings.Join(parts, "; ")
}

// handleUnplacedClicks answers GET /api/v1/stores/{store}/custom-button/unplaced-clicks:
// the custom button clicks msgcenter kept because it could not place them.
func (s *Server) handleUnplacedClicks(w http.ResponseWriter, r *http.Request) {
	cs, err := s.CustomButtons.FindUnplacedClicks(r.Context(), storeFrom(r.Context()).ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"unplaced_clicks": cs})
}
