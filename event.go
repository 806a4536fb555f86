package msgcenter

import "strings"

// Event names one moment of the order flow at which a message can be sent.
type Event string

// The five events of the Message Center, in the order of its tabs.
const (
	EventShareMicrositeURL Event = "share_microsite_url"
	EventOrderFailed       Event = "order_failed"
	EventOrderIncomplete   Event = "order_incomplete"
	EventOrderPlaced       Event = "order_placed"
	EventOrderPaid         Event = "order_paid"
)

// Events returns the five events in the order of the Message Center tabs.
// The list lives here and only here.
func Events() []Event {
	return []Event{EventShareMicrositeURL, EventOrderFailed, EventOrderIncomplete, EventOrderPlaced, EventOrderPaid}
}

// EventList returns the event keys as one readable list for error messages.
func EventList() string {
	var b strings.Builder
	for i, e := range Events() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(e))
	}
	return b.String()
}

// Valid reports whether e is one of the five events.
func (e Event) Valid() bool {
	for _, v := range Events() {
		if v == e {
			return true
		}
	}
	return false
}

// Automatic reports whether the order flow raises e by itself, and so
// whether it has an automation toggle. Share Microsite URL is manual.
func (e Event) Automatic() bool { return e.Valid() && e != EventShareMicrositeURL }

// HasFallback reports whether e may be configured with a WhatsApp fallback.
func (e Event) HasFallback() bool { return e == EventOrderPlaced || e == EventOrderPaid }

// Title returns the event's tab title in English.
func (e Event) Title() string {
	switch e {
	case EventShareMicrositeURL:
		return "Share Microsite URL"
	case EventOrderFailed:
		return "Order Failed"
	case EventOrderIncomplete:
		return "Order Incomplete"
	case EventOrderPlaced:
		return "Order Placed"
	case EventOrderPaid:
		return "Order Paid"
	}
	return string(e)
}

// Language is a message or page language.
type Language string

// The languages of default messages and customer pages.
const (
	LanguageEnglish    Language = "en"
	LanguageIndonesian Language = "id"
)

// Languages returns the supported languages, English first.
func Languages() []Language { return []Language{LanguageEnglish, LanguageIndonesian} }

// Valid reports whether l is a supported language.
func (l Language) Valid() bool { return l == LanguageEnglish || l == LanguageIndonesian }

// Locale returns the CLDR locale used to format money in l for Indonesia.
func (l Language) Locale() string {
	if l == LanguageIndonesian {
		return "id-ID"
	}
	return "en-ID"
}

// MessageType says whether an event uses a built-in template or the admin's text.
type MessageType string

// The two message types.
const (
	MessageTypeDefault MessageType = "default"
	MessageTypeCustom  MessageType = "custom"
)

// Valid reports whether t is a known message type.
func (t MessageType) Valid() bool { return t == MessageTypeDefault || t == MessageTypeCustom }
