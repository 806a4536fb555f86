package msgcenter

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Room is one customer's conversation on one channel.
type Room struct {
	ID            int64       `json:"id"`
	StoreID       int64       `json:"-"`
	ChannelID     int64       `json:"channel_id"`
	ChannelType   ChannelType `json:"channel_type"`
	ExternalID    string      `json:"external_id,omitempty"`
	CustomerName  string      `json:"customer_name"`
	CustomerPhone string      `json:"customer_phone,omitempty"`
	LastInboundAt time.Time   `json:"last_inbound_at"`
	CreatedAt     time.Time   `json:"created_at"`
}

// Validate checks a room before it is stored.
func (r *Room) Validate() error {
	fields := map[string]string{}
	if r.ChannelID <= 0 {
		fields["channel_id"] = "is required"
	}
	if utf8.RuneCountInString(r.CustomerName) > 100 {
		fields["customer_name"] = "must be at most 100 characters"
	} else if !PlainText(r.CustomerName) {
		fields["customer_name"] = NotPlainText
	}
	if r.CustomerPhone != "" && !ValidPhone(r.CustomerPhone) {
		fields["customer_phone"] = "must be a phone number in international form, such as +6281234567890"
	}
	if len(fields) > 0 {
		return Invalid("The room is not valid.", fields)
	}
	return nil
}

// MaxClockSkew is how far in the future a time a client reports may be,
// for clocks that run a little ahead.
const MaxClockSkew = time.Minute

// CheckInboundTime refuses a last inbound time (when the customer wrote)
// later than now: it would hold the WhatsApp session open past the 24-hour
// rule. It is EINVALID naming last_inbound_at.
func CheckInboundTime(at, now time.Time) error {
	if at.After(now.Add(MaxClockSkew)) {
		return Invalid("The room is not valid.", map[string]string{"last_inbound_at": "must not be in the future: it is when the customer last wrote"})
	}
	return nil
}

// PhoneDigits keeps the digits of a phone number: how WhatsApp's Cloud API
// writes a recipient ("to": "6281234567890").
func PhoneDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ValidPhone reports whether s looks like an international phone number:
// an optional +, then 8 to 15 digits.
func ValidPhone(s string) bool {
	s = strings.TrimPrefix(s, "+")
	if len(s) < 8 || len(s) > 15 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// RoomUpdate holds the room fields to change.
type RoomUpdate struct {
	CustomerName  *string    `json:"customer_name"`
	CustomerPhone *string    `json:"customer_phone"`
	LastInboundAt *time.Time `json:"last_inbound_at"`
	// InboundAt records a customer message written at this time: it moves
	// LastInboundAt forward and never back, since a platform's webhooks can
	// arrive out of order. It is not part of the API's JSON.
	InboundAt *time.Time `json:"-"`
}
