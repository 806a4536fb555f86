package http

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/provider/qiscus"
)

// integrationRoutes registers the provider connection API and the
// platform's inbound-message webhook. Without an IntegrationService they are
// left out.
func (s *Server) integrationRoutes() {
	if s.Integrations == nil {
		return
	}
	s.handle("GET /api/v1/stores/{store}/integration/qiscus", s.apiStore(s.handleIntegrationGet))
	s.handle("PUT /api/v1/stores/{store}/integration/qiscus", s.apiStore(s.handleIntegrationPut))
	s.handle("DELETE /api/v1/stores/{store}/integration/qiscus", s.apiStore(s.handleIntegrationDelete))
	s.handle("POST /hooks/qiscus/{store}/inbound/{secret}", s.handleQiscusInbound)
	s.statusWebhookRoutes()
}

// integrationJSON is a connection as the API shows it: never the secret key.
type integrationJSON struct {
	Provider          string    `json:"provider"`
	AppID             string    `json:"app_id"`
	BaseURL           string    `json:"base_url"`
	ConnectedAt       time.Time `json:"connected_at"`
	InboundWebhookURL string    `json:"inbound_webhook_url"`
	// StatusWebhookURL is where the platform posts WhatsApp delivery
	// statuses; empty when this server does not take them.
	StatusWebhookURL string `json:"status_webhook_url,omitempty"`
	// CustomButtonAPI is false: the platform has no API to create the
	// custom button, so the admin adds it by hand.
	CustomButtonAPI bool `json:"custom_button_api"`
}

func (s *Server) newIntegrationJSON(in *msgcenter.Integration) integrationJSON {
	return integrationJSON{
		Provider: in.Provider, AppID: in.AppID, BaseURL: in.BaseURL, ConnectedAt: in.ConnectedAt,
		InboundWebhookURL: s.inboundWebhookURL(in), StatusWebhookURL: s.statusWebhookURL(in),
	}
}

// inboundWebhookURL is where the platform posts the store's customer messages.
func (s *Server) inboundWebhookURL(in *msgcenter.Integration) string {
	return s.publicLink(msgcenter.InboundWebhookPath(in.StoreID, in.InboundSecret))
}

func (s *Server) handleIntegrationGet(w http.ResponseWriter, r *http.Request) {
	in, err := s.Integrations.FindIntegration(r.Context(), storeFrom(r.Context()).ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.newIntegrationJSON(in))
}

func (s *Server) handleIntegrationPut(w http.ResponseWriter, r *http.Request) {
	var body struct {
		AppID     string `json:"app_id"`
		SecretKey string `json:"secret_key"`
		BaseURL   string `json:"base_url"`
	}
	if err := decodeJSON(r, &body); err != nil {
		s.Error(w, r, err)
		return
	}
	in, err := s.connectQiscus(r.Context(), storeFrom(r.Context()).ID,
		strings.TrimSpace(body.AppID), strings.TrimSpace(body.SecretKey), strings.TrimSpace(body.BaseURL))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.newIntegrationJSON(in))
}

// connectQiscus connects the store's Qiscus app once its base URL passes the
// deployment's outbound policy: one of the configured Qiscus hosts, never a
// private, loopback or link-local address (unless the operator trusts it).
// The API and the Location tab both connect through it.
func (s *Server) connectQiscus(ctx context.Context, storeID int64, appID, secretKey, baseURL string) (*msgcenter.Integration, error) {
	if s.QiscusPolicy != nil {
		u := baseURL
		if u == "" {
			u = msgcenter.DefaultQiscusBaseURL
		}
		if err := s.QiscusPolicy.CheckURL(ctx, u); err != nil {
			hosts := append(append([]string(nil), s.QiscusPolicy.Hosts...), s.QiscusPolicy.Trusted...)
			return nil, msgcenter.Invalid("The Qiscus connection is not valid.", map[string]string{
				"base_url": "must be a Qiscus API address this server may call: one of " + strings.Join(hosts, ", ")})
		}
	}
	return s.Integrations.ConnectQiscus(ctx, storeID, appID, secretKey, baseURL)
}

func (s *Server) handleIntegrationDelete(w http.ResponseWriter, r *http.Request) {
	if err := s.Integrations.DisconnectIntegration(r.Context(), storeFrom(r.Context()).ID); err != nil {
		s.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// qiscusInbound is the part of the platform's message webhook (the bot
// webhook and the new-session webhook share it) that msgcenter reads.
type qiscusInbound struct {
	Payload struct {
		From struct {
			Email string `json:"email"`
			Name  string `json:"name"`
		} `json:"from"`
		Room struct {
			ID    flexString `json:"id"`
			IDStr flexString `json:"id_str"`
			// Options is an object or an object encoded in a string.
			Options json.RawMessage `json:"options"`
		} `json:"room"`
		Message struct {
			Timestamp string `json:"timestamp"`
		} `json:"message"`
	} `json:"payload"`
}

// roomOptions is the room's options: its channel.
type roomOptions struct {
	Source         string `json:"source"`
	Channel        string `json:"channel"`
	ChannelDetails struct {
		ChannelID flexString `json:"channel_id"`
	} `json:"channel_details"`
}

func (in *qiscusInbound) options() roomOptions {
	var o roomOptions
	raw := in.Payload.Room.Options
	var s string
	if json.Unmarshal(raw, &s) == nil {
		raw = []byte(s)
	}
	_ = json.Unmarshal(raw, &o)
	return o
}

// qiscusHook authenticates a connected app's webhook by its path's store and
// secret, the store's connection secret compared in constant time, and
// returns the store's id. An unknown store and a wrong secret get
// the same 404, which names the webhook (what) whose URL to copy; ok is
// false when the answer has been written.
func (s *Server) qiscusHook(w http.ResponseWriter, r *http.Request, what string) (storeID int64, ok bool) {
	notFound := msgcenter.Errorf(msgcenter.ENOTFOUND, "Unknown webhook: copy the %s webhook URL from the store's integration settings.", what)
	storeID, err := strconv.ParseInt(r.PathValue("store"), 10, 64)
	secret := r.PathValue("secret")
	if err != nil || storeID <= 0 || secret == "" || len(secret) > 200 {
		s.Error(w, r, notFound)
		return 0, false
	}
	conn, err := s.Integrations.FindIntegration(r.Context(), storeID)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND ||
		(err == nil && subtle.ConstantTimeCompare([]byte(conn.InboundSecret), []byte(secret)) != 1) {
		s.Error(w, r, notFound)
		return 0, false
	} else if err != nil {
		s.Error(w, r, err)
		return 0, false
	}
	return storeID, true
}

// handleQiscusInbound answers POST /hooks/qiscus/{store}/inbound/{secret}: a
// customer wrote in a room of the store's app. It sets the room's last
// inbound time, which the 24-hour rule reads, creating the room on the
// matching channel when msgcenter does not know it yet. An unknown store and
// a wrong secret get the same 404. Messages of the app's admin bot
// ({app_id}_admin@qismo.com, and any other @qismo.com sender) change nothing.
func (s *Server) handleQiscusInbound(w http.ResponseWriter, r *http.Request) {
	storeID, ok := s.qiscusHook(w, r, "inbound")
	if !ok {
		return
	}
	var in qiscusInbound
	if err := decodePayload(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	roomExt := string(in.Payload.Room.ID)
	if roomExt == "" {
		roomExt = string(in.Payload.Room.IDStr)
	}
	if roomExt == "" {
		s.Error(w, r, &msgcenter.Error{Code: ebadrequest, Message: "The payload has no room: the message webhook needs payload.room.id.",
			Fields: map[string]string{"payload.room.id": "is required"}})
		return
	}
	from := strings.TrimSpace(in.Payload.From.Email)
	if strings.HasSuffix(strings.ToLower(from), "@qismo.com") {
		writeJSON(w, http.StatusOK, map[string]any{"updated": false, "reason": "not a customer message"})
		return
	}

	now := s.Now().UTC()
	at := now
	if t, err := time.Parse(time.RFC3339, in.Payload.Message.Timestamp); err == nil && t.Before(now) {
		at = t.UTC()
	}
	room, err := s.inboundRoom(r, storeID, roomExt, at, &in)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	if room == nil {
		writeJSON(w, http.StatusOK, map[string]any{"updated": false, "reason": "no channel of the store matches the room's channel"})
		return
	}
	if room.LastInboundAt.Before(at) {
		// Re-checked under the room's lock: a message older than one
		// recorded meanwhile leaves the room as it is.
		if room, err = s.Commerce.UpdateRoom(r.Context(), storeID, room.ID, msgcenter.RoomUpdate{InboundAt: &at}); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"updated": true, "room_id": room.ID, "last_inbound_at": room.LastInboundAt})
}

// inboundRoom finds the store's room with the platform's room id, or creates
// it (its window opening at at) on the channel the payload names: the one with
// that external id, else the store's only channel of that type. It returns
// nil when no channel matches.
func (s *Server) inboundRoom(r *http.Request, storeID int64, roomExt string, at time.Time, in *qiscusInbound) (*msgcenter.Room, error) {
	ctx := r.Context()
	if room, err := s.Commerce.FindRoomByExternalID(ctx, storeID, roomExt); err == nil {
		return room, nil
	} else if msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
		return nil, err
	}
	channels, err := s.Commerce.FindChannels(ctx, storeID)
	if err != nil {
		return nil, err
	}
	opts := in.options()
	source := opts.Source
	if source == "" {
		source = opts.Channel
	}
	var channel *msgcenter.Channel
	if ext := string(opts.ChannelDetails.ChannelID); ext != "" {
		for _, c := range channels {
			if c.ExternalID == ext {
				channel = c
			}
		}
	}
	if t := qiscus.ChannelTypeOf(source); channel == nil && t != "" {
		var ofType []*msgcenter.Channel
		for _, c := range channels {
			if c.Type == t {
				ofType = append(ofType, c)
			}
		}
		if len(ofType) == 1 {
			channel = ofType[0]
		}
	}
	if channel == nil {
		return nil, nil
	}
	room := &msgcenter.Room{StoreID: storeID, ChannelID: channel.ID, ExternalID: roomExt, LastInboundAt: at}
	if name := strings.TrimSpace(in.Payload.From.Name); utf8.RuneCountInString(name) <= 100 {
		room.CustomerName = name
	}
	// On WhatsApp the platform names the customer by phone number.
	if phone := "+" + strings.TrimPrefix(strings.TrimSpace(in.Payload.From.Email), "+"); channel.Type == msgcenter.ChannelWhatsApp && msgcenter.ValidPhone(phone) {
		room.CustomerPhone = phone
	}
	// Another message of the same new room may be creating it right now:
	// EnsureRoom makes one room of the two.
	if _, err := s.Commerce.EnsureRoom(ctx, room); err != nil {
		return nil, err
	}
	return room, nil
}
