package msgcenter

import (
	"strings"
	"time"
	"unicode/utf8"
)

// ChannelType is the messaging platform a channel is on.
type ChannelType string

// The channel types a store may connect.
const (
	ChannelWhatsApp  ChannelType = "whatsapp"
	ChannelInstagram ChannelType = "instagram"
	ChannelMessenger ChannelType = "messenger"
	ChannelTelegram  ChannelType = "telegram"
	ChannelLINE      ChannelType = "line"
	ChannelWeb       ChannelType = "web"
)

// ChannelTypes returns every channel type.
func ChannelTypes() []ChannelType {
	return []ChannelType{ChannelWhatsApp, ChannelInstagram, ChannelMessenger, ChannelTelegram, ChannelLINE, ChannelWeb}
}

// Valid reports whether t is a known channel type.
func (t ChannelType) Valid() bool {
	for _, v := range ChannelTypes() {
		if v == t {
			return true
		}
	}
	return false
}

// SessionWindow is how long after a customer's last message WhatsApp still
// accepts session (non-template) messages.
const SessionWindow = 24 * time.Hour

// SessionOpenSince is the earliest last inbound time whose session is still
// open at now: a customer who wrote at or after it can be sent session
// messages on any channel.
func SessionOpenSince(now time.Time) time.Time { return now.Add(-SessionWindow) }

// SessionExpired reports whether a room on channel type t whose customer last
// wrote at lastInbound can no longer receive session messages at now. It is
// the one place of the WhatsApp 24-hour rule.
func SessionExpired(t ChannelType, lastInbound, now time.Time) bool {
	return t == ChannelWhatsApp && lastInbound.Before(SessionOpenSince(now))
}

// Channel is one connected account of a store on a messaging platform.
type Channel struct {
	ID         int64       `json:"id"`
	StoreID    int64       `json:"-"`
	Type       ChannelType `json:"type"`
	Name       string      `json:"name"`
	Phone      string      `json:"phone,omitempty"`
	ExternalID string      `json:"external_id,omitempty"`
	CreatedAt  time.Time   `json:"created_at"`
}

// Validate checks a channel before it is stored.
func (c *Channel) Validate() error {
	fields := map[string]string{}
	if !c.Type.Valid() {
		fields["type"] = "must be one of whatsapp, instagram, messenger, telegram, line, web"
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(c.Name)); n == 0 || n > 100 {
		fields["name"] = "is required, at most 100 characters"
	} else if !PlainText(c.Name) {
		fields["name"] = NotPlainText
	}
	if len(fields) > 0 {
		return Invalid("The channel is not valid.", fields)
	}
	return nil
}
