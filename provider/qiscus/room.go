package qiscus

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/qiscus/msgcenter"
)

type cachedRoom struct {
	at    time.Time
	facts msgcenter.RoomFacts
}

// customerRoomAnswer is the part of GET /api/v2/customer_rooms/{room_id}
// read: the room's channel, source and the customer's last message time.
type customerRoomAnswer struct {
	Data struct {
		CustomerRoom struct {
			ChannelID             flexString `json:"channel_id"`
			RoomID                flexString `json:"room_id"`
			Source                string     `json:"source"`
			LastCustomerTimestamp string     `json:"last_customer_timestamp"`
		} `json:"customer_room"`
	} `json:"data"`
}

// ChannelTypeOf maps the platform's room or channel source ("wa", "ig",
// "fb", "telegram", "line", "qiscus", …) to a channel type; "" when unknown.
func ChannelTypeOf(source string) msgcenter.ChannelType {
	switch words(source) {
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

// RoomFacts returns what the platform knows of a room, from
// GET {base}/api/v2/customer_rooms/{room_id}, cached per room for at most
// RoomTTL. A 404 is ProviderPermanent with ReasonNoRoom.
func (c *Client) RoomFacts(ctx context.Context, storeID int64, externalRoomID string) (*msgcenter.RoomFacts, error) {
	if externalRoomID == "" {
		return nil, permanent(msgcenter.ReasonNoRoom, "qiscus: no room id to look up")
	}
	c.mu.Lock()
	e, ok := c.rooms[externalRoomID]
	c.mu.Unlock()
	if ok && c.cfg.Now().Sub(e.at) < c.cfg.RoomTTL {
		f := e.facts
		return &f, nil
	}
	var out customerRoomAnswer
	status, err := c.do(ctx, http.MethodGet, "/api/v2/customer_rooms/"+url.PathEscape(externalRoomID), nil, nil, &out)
	if status == http.StatusNotFound {
		return nil, permanent(msgcenter.ReasonNoRoom, "qiscus: room "+externalRoomID+" is not known to the platform")
	} else if err != nil {
		return nil, err
	}
	r := out.Data.CustomerRoom
	f := msgcenter.RoomFacts{ChannelExternalID: string(r.ChannelID), ChannelType: ChannelTypeOf(r.Source)}
	if r.LastCustomerTimestamp != "" {
		t, err := time.Parse(time.RFC3339Nano, r.LastCustomerTimestamp)
		if err != nil {
			return nil, c.transient("customer room %s: last_customer_timestamp %s is not a time", externalRoomID, strconv.Quote(r.LastCustomerTimestamp))
		}
		f.LastCustomerAt = t.UTC()
	}
	c.mu.Lock()
	c.rooms[externalRoomID] = cachedRoom{at: c.cfg.Now(), facts: f}
	c.mu.Unlock()
	return &f, nil
}
