package msgcenter

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DeliveryKind tells an automation message from the WhatsApp fallback sent in its place.
type DeliveryKind string

// The delivery kinds.
const (
	KindAutomation DeliveryKind = "automation"
	KindFallback   DeliveryKind = "fallback"
)

// DeliveryStatus is where one message is.
type DeliveryStatus string

// The delivery statuses. Summaries count sent and failed; skipped is not counted.
const (
	StatusQueued  DeliveryStatus = "queued"
	StatusSent    DeliveryStatus = "sent"
	StatusFailed  DeliveryStatus = "failed"
	StatusSkipped DeliveryStatus = "skipped"
)

// Reason says why a message was not sent. The list is closed.
type Reason string

// The reasons, each with human text in English and Indonesian (ReasonText).
const (
	ReasonSessionExpired      Reason = "session_expired"
	ReasonAutomationDisabled  Reason = "automation_disabled"
	ReasonNoRoom              Reason = "no_room"
	ReasonUndeliverable       Reason = "undeliverable"
	ReasonProviderError       Reason = "provider_error"
	ReasonTemplateNotApproved Reason = "template_not_approved"
	ReasonInsufficientCredits Reason = "insufficient_credits"
	ReasonParameterMismatch   Reason = "parameter_mismatch"
	ReasonFallbackDisabled    Reason = "fallback_disabled"
	// ReasonProviderUnavailable is the reason a queued message waits: the
	// platform is down, slow or rate-limiting; it fails with it only after
	// the longest wait.
	ReasonProviderUnavailable Reason = "provider_unavailable"
	// ReasonProviderUnauthorized is the reason a queued message is parked:
	// the platform rejected the store's key; it goes out once the store
	// reconnects its app, or fails with it after the longest wait.
	ReasonProviderUnauthorized Reason = "provider_unauthorized"
)

// reasonTexts is the human text of every reason: English, then Indonesian.
func reasonTexts() map[Reason][2]string {
	return map[Reason][2]string{
		ReasonSessionExpired: {"WhatsApp session expired: the customer has not written in the last 24 hours.",
			"Sesi WhatsApp berakhir: pelanggan belum mengirim pesan dalam 24 jam terakhir."},
		ReasonAutomationDisabled: {"Automation message is turned off for this event.",
			"Pesan otomatis dinonaktifkan untuk peristiwa ini."},
		ReasonNoRoom: {"No chat room: the order did not come from a chat and no room matches the customer's phone.",
			"Tidak ada ruang obrolan: pesanan tidak berasal dari chat dan tidak ada ruang yang cocok dengan nomor pelanggan."},
		ReasonUndeliverable: {"The channel refused the message for this customer.",
			"Kanal menolak pesan untuk pelanggan ini."},
		ReasonProviderError: {"The messaging provider kept failing; the message was not delivered.",
			"Penyedia pesan terus gagal; pesan tidak terkirim."},
		ReasonTemplateNotApproved: {"The WhatsApp fallback template is no longer approved.",
			"Template fallback WhatsApp tidak lagi disetujui."},
		ReasonInsufficientCredits: {"Not enough WhatsApp credits to send the fallback template.",
			"Kredit WhatsApp tidak cukup untuk mengirim template fallback."},
		ReasonParameterMismatch: {"The template's variables do not match what WhatsApp expects.",
			"Variabel template tidak sesuai dengan yang diharapkan WhatsApp."},
		ReasonFallbackDisabled: {"WhatsApp Fallback was turned off before the fallback could be sent.",
			"WhatsApp Fallback dinonaktifkan sebelum pesan fallback terkirim."},
		ReasonProviderUnavailable: {"The messaging platform is unavailable; the message waits and is sent when it answers again.",
			"Platform pesan sedang tidak tersedia; pesan menunggu dan dikirim saat platform kembali menjawab."},
		ReasonProviderUnauthorized: {"The messaging platform rejected the store's app key; the message waits until the app is reconnected.",
			"Platform pesan menolak kunci aplikasi toko; pesan menunggu sampai aplikasi dihubungkan kembali."},
	}
}

// Valid reports whether r is in the closed list (the empty reason is not).
func (r Reason) Valid() bool { _, ok := reasonTexts()[r]; return ok }

// Text returns the human text of r in lang.
func (r Reason) Text(lang Language) string {
	t, ok := reasonTexts()[r]
	if !ok {
		return string(r)
	}
	if lang == LanguageIndonesian {
		return t[1]
	}
	return t[0]
}

// SubjectType names what an event occurrence is about.
type SubjectType string

// The subject types.
const (
	SubjectOrder          SubjectType = "order"
	SubjectFailedCheckout SubjectType = "failed_checkout"
	SubjectCheckout       SubjectType = "checkout"
	SubjectClick          SubjectType = "click"
	SubjectTest           SubjectType = "test"
)

// Delivery is one message: one per (subject, event, room, kind).
type Delivery struct {
	ID          int64          `json:"id"`
	StoreID     int64          `json:"-"`
	SubjectType SubjectType    `json:"subject_type"`
	SubjectID   int64          `json:"subject_id"`
	OrderID     *int64         `json:"order_id,omitempty"`
	Event       Event          `json:"event"`
	RoomID      *int64         `json:"room_id"`
	Kind        DeliveryKind   `json:"kind"`
	Status      DeliveryStatus `json:"status"`
	Reason      Reason         `json:"reason,omitempty"`
	ChannelID   *int64         `json:"channel_id,omitempty"`
	ChannelType ChannelType    `json:"channel_type,omitempty"`
	// Content is exactly what was (or would have been) sent.
	Text        string     `json:"text"`
	ButtonLabel string     `json:"button_label,omitempty"`
	ButtonURL   string     `json:"button_url,omitempty"`
	Attempts    []Attempt  `json:"attempts"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	SentAt      *time.Time `json:"sent_at,omitempty"`
	// DeliveredAt and ReadAt are when the platform reported the sent
	// message delivered to the customer's device and read.
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
	ReadAt      *time.Time `json:"read_at,omitempty"`
}

// Attempt is one try at handing a message to the provider.
type Attempt struct {
	N                 int            `json:"n"`
	At                time.Time      `json:"at"`
	Outcome           AttemptOutcome `json:"outcome"`
	ProviderMessageID string         `json:"provider_message_id,omitempty"`
	Error             string         `json:"error,omitempty"`
}

// AttemptOutcome is how one try at handing a message to the provider ended.
type AttemptOutcome string

// The attempt outcomes.
const (
	// OutcomeSent: the provider accepted the message.
	OutcomeSent AttemptOutcome = "sent"
	// OutcomeRetry: the try failed and another follows.
	OutcomeRetry AttemptOutcome = "retry"
	// OutcomeFailed: the try failed and the message with it.
	OutcomeFailed AttemptOutcome = "failed"
)

// DeliverySummary counts an order's messages by final status. Each message
// is counted once: an automation message that failed but whose WhatsApp
// fallback was sent in its place (the customer got the update) is counted
// in CoveredByFallback, not in Failed; the fallback itself is in Sent.
type DeliverySummary struct {
	Sent   int `json:"sent"`
	Failed int `json:"failed"`
	Queued int `json:"queued"`
	// CoveredByFallback counts the failed automation messages whose
	// fallback was sent.
	CoveredByFallback int `json:"covered_by_fallback"`
}

// Summarize counts deliveries by status; skipped ones are not counted.
func Summarize(ds []*Delivery) DeliverySummary {
	var s DeliverySummary
	covered := FallbackCovered(ds)
	for _, d := range ds {
		switch {
		case covered[d.ID]:
			s.CoveredByFallback++
		case d.Status == StatusSent:
			s.Sent++
		case d.Status == StatusFailed:
			s.Failed++
		case d.Status == StatusQueued:
			s.Queued++
		}
	}
	return s
}

// FallbackCovered returns the ids of the automation messages of ds that
// failed and whose WhatsApp fallback (same subject, event and room) was
// sent: delivered by fallback, not a failure the customer felt.
func FallbackCovered(ds []*Delivery) map[int64]bool {
	type occurrence struct {
		subject   SubjectType
		subjectID int64
		event     Event
		room      int64
	}
	key := func(d *Delivery) occurrence {
		o := occurrence{subject: d.SubjectType, subjectID: d.SubjectID, event: d.Event}
		if d.RoomID != nil {
			o.room = *d.RoomID
		}
		return o
	}
	sentFallback := map[occurrence]bool{}
	for _, d := range ds {
		if d.Kind == KindFallback && d.Status == StatusSent {
			sentFallback[key(d)] = true
		}
	}
	covered := map[int64]bool{}
	for _, d := range ds {
		if d.Kind == KindAutomation && d.Status == StatusFailed && sentFallback[key(d)] {
			covered[d.ID] = true
		}
	}
	return covered
}

// DeliveryFilter narrows FindDeliveries.
type DeliveryFilter struct {
	OrderID *int64
	// NoOrder selects deliveries that belong to no order.
	NoOrder bool
	Event   *Event
	RoomID  *int64
	Limit   int
}

// Button is a message's call to action.
type Button struct {
	Label string `json:"label"`
	URL   string `json:"url"`
}

// OutboundMessage is a session message to a room.
type OutboundMessage struct {
	StoreID int64
	Room    *Room
	Text    string
	Button  *Button
	// Key identifies the message across retries, for providers that de-duplicate.
	Key string
}

// SendResult is the provider's answer to a send.
type SendResult struct {
	ProviderMessageID string
}

// ProviderErrorKind says what a provider failure means for the message.
type ProviderErrorKind int

// The provider error kinds.
const (
	// ProviderTransient failures may succeed on retry.
	ProviderTransient ProviderErrorKind = iota + 1
	// ProviderPermanent failures will fail again; Reason says why.
	ProviderPermanent
	// ProviderSessionExpired: the WhatsApp 24-hour window is closed.
	ProviderSessionExpired
	// ProviderUnavailable: the platform is out of reach, overloaded or
	// rate-limiting (an open circuit breaker, 429, 5xx, a timeout). The
	// message waits (RetryAfter when the platform said how long) without
	// using one of its tries.
	ProviderUnavailable
	// ProviderUnauthorized: the platform rejected the app's credentials
	// (401, 403). The store's messages wait until it reconnects its app.
	ProviderUnauthorized
)

// ProviderError is the typed error every provider returns, so that retries
// are decided by kind, never by matching text.
type ProviderError struct {
	Kind    ProviderErrorKind
	Reason  Reason
	Message string
	// RetryAfter is how long the platform asked to be left alone (a 429's
	// Retry-After, an open breaker's remaining time); zero when it did not say.
	RetryAfter time.Duration
}

// Error implements error.
func (e *ProviderError) Error() string {
	kind := map[ProviderErrorKind]string{ProviderTransient: "transient", ProviderPermanent: "permanent", ProviderSessionExpired: "session expired",
		ProviderUnavailable: "unavailable", ProviderUnauthorized: "unauthorized"}[e.Kind]
	return fmt.Sprintf("provider: %s: %s", kind, e.Message)
}

// ProviderErrorOf returns the *ProviderError in err's chain; any other error
// counts as transient (a timeout, a reset connection).
func ProviderErrorOf(err error) *ProviderError {
	var pe *ProviderError
	if errors.As(err, &pe) {
		return pe
	}
	return &ProviderError{Kind: ProviderTransient, Reason: ReasonProviderError, Message: err.Error()}
}

// Provider is the omnichannel platform messages go out through. It is never
// called inside a database transaction.
type Provider interface {
	// Send sends a session message to a room. Errors are *ProviderError.
	Send(ctx context.Context, m *OutboundMessage) (*SendResult, error)
}

// ReceiptStatus is what a platform's status webhook reports of a message it
// accepted.
type ReceiptStatus string

// The receipt statuses, in the order a message passes them; failed may
// follow sent only.
const (
	ReceiptSent      ReceiptStatus = "sent"
	ReceiptDelivered ReceiptStatus = "delivered"
	ReceiptRead      ReceiptStatus = "read"
	ReceiptFailed    ReceiptStatus = "failed"
)

// DeliveryReceipt is one status the platform reported for a message, found
// by the id the platform gave it when it accepted the send.
type DeliveryReceipt struct {
	ProviderMessageID string
	Status            ReceiptStatus
	At                time.Time
	// Reason and Error say why a failed message failed: the reason from the
	// closed list (session_expired for WhatsApp 131047) and the platform's
	// code and words.
	Reason Reason
	Error  string
}

// ReceiptOutcome is what a receipt changed.
type ReceiptOutcome struct {
	// Delivery is the message the receipt is about, as it is after it.
	Delivery *Delivery
	// Changed is false when the receipt said nothing new: a repeat, or a
	// status the message had already passed (statuses only move forward).
	Changed bool
}
