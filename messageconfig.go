package msgcenter

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Channel limits on what an admin may write.
const (
	MaxBodyLength        = 4096
	MaxButtonLabelLength = 20
	// MaxTemplateBodyLength is the most characters WhatsApp sends in an
	// approved template's body once its variables are filled; a longer one
	// is refused (error 132005, hydrated text too long).
	MaxTemplateBodyLength = 1024
)

// MessageConfig is how one store sends the message of one event.
type MessageConfig struct {
	StoreID     int64       `json:"-"`
	Event       Event       `json:"event"`
	Type        MessageType `json:"type"`
	Language    Language    `json:"language"`
	Body        string      `json:"body"`
	ButtonLabel string      `json:"button_label"`
	// AutomationEnabled is meaningful on automatic events only.
	AutomationEnabled bool `json:"automation_enabled"`
	// Fallback is set on events that have a WhatsApp fallback.
	Fallback  *FallbackConfig `json:"fallback,omitempty"`
	Version   int             `json:"version"`
	UpdatedBy string          `json:"updated_by"`
	UpdatedAt time.Time       `json:"updated_at"`

	// automationGiven records that an update set AutomationEnabled, so that
	// Validate refuses the toggle on an event without one even when it was
	// set to false.
	automationGiven bool
}

// FallbackConfig is the WhatsApp template sent when a session message cannot be.
type FallbackConfig struct {
	Enabled          bool      `json:"enabled"`
	ChannelID        int64     `json:"channel_id,omitempty"`
	TemplateType     string    `json:"template_type,omitempty"`
	TemplateCategory string    `json:"template_category,omitempty"`
	TemplateName     string    `json:"template_name,omitempty"`
	TemplateLanguage string    `json:"template_language,omitempty"`
	Variables        []Binding `json:"variables,omitempty"`
	// HeaderVariables fill a text header's own {{1}}…{{n}}, numbered apart
	// from the body's as WhatsApp numbers them.
	HeaderVariables []Binding `json:"header_variables,omitempty"`
	Button          *Binding  `json:"button,omitempty"`
}

// Binding fills one template variable with custom text or a placeholder.
type Binding struct {
	Text        string `json:"text,omitempty"`
	Placeholder string `json:"placeholder,omitempty"`
}

// DefaultMessageConfig is the configuration of event on a new store, and
// what "revert to default" returns type, language, body and label to.
func DefaultMessageConfig(storeID int64, event Event) *MessageConfig {
	c := &MessageConfig{
		StoreID:           storeID,
		Event:             event,
		Type:              MessageTypeDefault,
		Language:          LanguageEnglish,
		AutomationEnabled: event.Automatic(),
	}
	if event.HasFallback() {
		c.Fallback = &FallbackConfig{}
	}
	return c
}

// Validate checks c: its event, type and language are known, a custom
// message has a body and a button label within the channels' limits, and c
// sets no automation toggle or fallback its event does not have. It is the
// one place of these rules. Placeholders are checked by the render package,
// which owns their table, and the fallback's template against the provider's
// catalogue by render.CheckFallback. Returns EINVALID with a message per field.
func (c *MessageConfig) Validate() error {
	fields := map[string]string{}
	if !c.Event.Valid() {
		fields["event"] = "must be one of " + EventList()
	}
	if !c.Type.Valid() {
		fields["type"] = "must be one of " + string(MessageTypeDefault) + ", " + string(MessageTypeCustom)
	}
	if !c.Language.Valid() {
		fields["language"] = "must be one of " + joinLanguages()
	}
	if c.Type == MessageTypeCustom {
		switch n := utf8.RuneCountInString(c.Body); {
		case n == 0:
			fields["body"] = "is required for a custom message"
		case n > MaxBodyLength:
			fields["body"] = "must be at most " + strconv.Itoa(MaxBodyLength) + " characters"
		}
		switch n := utf8.RuneCountInString(c.ButtonLabel); {
		case n == 0:
			fields["button_label"] = "is required for a custom message"
		case n > MaxButtonLabelLength:
			fields["button_label"] = "must be at most " + strconv.Itoa(MaxButtonLabelLength) + " characters"
		}
	}
	if c.Event.Valid() && !c.Event.Automatic() && (c.AutomationEnabled || c.automationGiven) {
		fields["automation_enabled"] = "cannot be set on " + string(c.Event) + ", which agents send by hand"
	}
	if c.Event.Valid() && c.Fallback != nil && !c.Event.HasFallback() {
		fields["fallback"] = "is available on " + joinEvents(fallbackEvents()) + " only"
	}
	if len(fields) > 0 {
		return Invalid("The message configuration is not valid.", fields)
	}
	return nil
}

// fallbackEvents returns the events that have a WhatsApp fallback, in tab order.
func fallbackEvents() []Event {
	var out []Event
	for _, e := range Events() {
		if e.HasFallback() {
			out = append(out, e)
		}
	}
	return out
}

// joinEvents lists events as "a, b and c".
func joinEvents(es []Event) string {
	var b strings.Builder
	for i, e := range es {
		switch {
		case i > 0 && i == len(es)-1:
			b.WriteString(" and ")
		case i > 0:
			b.WriteString(", ")
		}
		b.WriteString(string(e))
	}
	return b.String()
}

// joinLanguages lists the supported languages as "en, id".
func joinLanguages() string {
	var b strings.Builder
	for i, l := range Languages() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(l))
	}
	return b.String()
}

// MessageConfigUpdate is a draft of one event's configuration, as the admin
// saves or previews it: nil fields keep their current value.
type MessageConfigUpdate struct {
	Type              *MessageType    `json:"type"`
	Language          *Language       `json:"language"`
	Body              *string         `json:"body"`
	ButtonLabel       *string         `json:"button_label"`
	AutomationEnabled *bool           `json:"automation_enabled"`
	Fallback          *FallbackUpdate `json:"fallback"`
	Version           *int            `json:"version"`
}

// FallbackUpdate is a draft of the WhatsApp fallback: nil fields (absent or
// null in JSON) keep their current value, so {"enabled": false} turns the
// fallback off and keeps its template for when it is turned on again. An
// empty list of variables unbinds them all, and an empty button binding
// ({}) unbinds the button.
type FallbackUpdate struct {
	Enabled          *bool      `json:"enabled"`
	ChannelID        *int64     `json:"channel_id"`
	TemplateType     *string    `json:"template_type"`
	TemplateCategory *string    `json:"template_category"`
	TemplateName     *string    `json:"template_name"`
	TemplateLanguage *string    `json:"template_language"`
	Variables        *[]Binding `json:"variables"`
	HeaderVariables  *[]Binding `json:"header_variables"`
	Button           *Binding   `json:"button"`
}

// Apply returns a copy of fb (nil is the empty fallback) with u's fields set.
func (u FallbackUpdate) Apply(fb *FallbackConfig) *FallbackConfig {
	n := FallbackConfig{}
	if fb != nil {
		n = *fb
		n.Variables = append([]Binding(nil), fb.Variables...)
		n.HeaderVariables = append([]Binding(nil), fb.HeaderVariables...)
		if fb.Button != nil {
			b := *fb.Button
			n.Button = &b
		}
	}
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	if u.Enabled != nil {
		n.Enabled = *u.Enabled
	}
	if u.ChannelID != nil {
		n.ChannelID = *u.ChannelID
	}
	set(&n.TemplateType, u.TemplateType)
	set(&n.TemplateCategory, u.TemplateCategory)
	set(&n.TemplateName, u.TemplateName)
	set(&n.TemplateLanguage, u.TemplateLanguage)
	if u.Variables != nil {
		n.Variables = append([]Binding(nil), *u.Variables...)
	}
	if u.HeaderVariables != nil {
		n.HeaderVariables = append([]Binding(nil), *u.HeaderVariables...)
	}
	if u.Button != nil {
		b := *u.Button
		n.Button = &b
		if b == (Binding{}) {
			n.Button = nil
		}
	}
	return &n
}

// Apply returns a copy of c with u's fields set. Validate on the copy also
// refuses an automation toggle u sets on an event without one, whatever its
// value.
func (u MessageConfigUpdate) Apply(c *MessageConfig) *MessageConfig {
	n := *c
	if u.Type != nil {
		n.Type = *u.Type
	}
	if u.Language != nil {
		n.Language = *u.Language
	}
	if u.Body != nil {
		n.Body = *u.Body
	}
	if u.ButtonLabel != nil {
		n.ButtonLabel = *u.ButtonLabel
	}
	if u.AutomationEnabled != nil {
		n.AutomationEnabled, n.automationGiven = *u.AutomationEnabled, true
	}
	if u.Fallback != nil {
		n.Fallback = u.Fallback.Apply(c.Fallback)
	}
	if u.Version != nil {
		n.Version = *u.Version
	}
	return &n
}

// FallbackEnabled reports whether c sends its WhatsApp fallback when a
// session message cannot be sent: the event has one and the admin turned it on.
func (c *MessageConfig) FallbackEnabled() bool {
	return c.Event.HasFallback() && c.Fallback != nil && c.Fallback.Enabled
}

// MessageConfigVersion is one saved state of an event's configuration.
type MessageConfigVersion struct {
	Version   int            `json:"version"`
	Config    *MessageConfig `json:"config"`
	CreatedBy string         `json:"created_by"`
	CreatedAt time.Time      `json:"created_at"`
}

// MessageConfigService stores message configurations and their history.
// Every method is scoped by store id; callers resolve the store for the admin first.
type MessageConfigService interface {
	// FindMessageConfigs returns the five configurations of the store in tab order.
	FindMessageConfigs(ctx context.Context, storeID int64) ([]*MessageConfig, error)

	// FindMessageConfig returns ENOTFOUND for an unknown store or event.
	FindMessageConfig(ctx context.Context, storeID int64, event Event) (*MessageConfig, error)

	// SaveMessageConfig stores c as the next version, made by editor. The
	// caller has validated c. Returns ECONFLICT when the current version is
	// no longer c.Version (someone saved in between), ENOTFOUND for an
	// unknown store or event. On success c holds the new version.
	SaveMessageConfig(ctx context.Context, c *MessageConfig, editor string) error

	// FindMessageConfigVersions lists the versions of one event, newest first.
	FindMessageConfigVersions(ctx context.Context, storeID int64, event Event) ([]*MessageConfigVersion, error)

	// FindMessageConfigVersion returns ENOTFOUND for an unknown version.
	FindMessageConfigVersion(ctx context.Context, storeID int64, event Event, version int) (*MessageConfigVersion, error)
}
