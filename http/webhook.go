package http

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
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

// buttonWebhook is the body of the omnichannel's custom-button webhook. Only
// the fields msgcenter uses are read; any other is ignored. Both the nested
// shape ({"channel": {"id", "type"}}) and flat fields (channel_id, source)
// are understood.
type buttonWebhook struct {
	RoomID  flexString `json:"room_id"`
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
	Agent *struct {
		Email string `json:"email"`
		Name  string `json:"name"`
	} `json:"agent"`
}

// channelTypeOf maps the omnichannel's channel source to a channel type;
// "" when unknown.
func channelTypeOf(source string) msgcenter.ChannelType {
	switch strings.ToLower(strings.TrimSpace(source)) {
	case "wa", "whatsapp":
		return msgcenter.ChannelWhatsApp
	case "ig", "instagram":
		return msgcenter.ChannelInstagram
	case "fb", "facebook", "messenger":
		return msgcenter.ChannelMessenger
	case "telegram", "tg":
		return msgcenter.ChannelTelegram
	case "line":
		return msgcenter.ChannelLINE
	case "qiscus", "web", "widget":
		return msgcenter.ChannelWeb
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
	if in.RoomID == "" {
		return nil, &msgcenter.Error{Code: ebadrequest, Message: "The payload has no room id: the custom button webhook needs room_id.",
			Fields: map[string]string{"room_id": "is required"}}
	}
	c := &msgcenter.ButtonClick{RoomID: string(in.RoomID), Payload: normal}
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
	c.ChannelType = channelTypeOf(source)
	if in.Customer != nil {
		c.CustomerName, c.CustomerUserID = strings.TrimSpace(in.Customer.Name), string(in.Customer.UserID)
	}
	if in.Agent != nil {
		c.AgentEmail, c.AgentName = strings.TrimSpace(in.Agent.Email), strings.TrimSpace(in.Agent.Name)
	}
	return c, nil
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
	// The service checks the secret again inside its transaction, so a
	// rotation that lands meanwhile wins.
	res, err := s.CustomButtons.Click(r.Context(), storeID, secret, click)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": res.Status, "delivery_id": res.DeliveryID, "room_id": res.RoomID})
}
