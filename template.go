package msgcenter

import (
	"context"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// WhatsApp template types, categories and statuses, as the platform names them.
const (
	TemplateType24Hour    = "24-Hour Message"
	TemplateTypeBroadcast = "Broadcast Message"

	CategoryMarketing         = "Marketing"
	CategoryUtility           = "Utility"
	CategoryAuthentication    = "Authentication"
	CategoryMarketingFlow     = "Marketing Flow"
	CategoryMarketingCarousel = "Marketing Carousel"
	CategoryUtilityFlow       = "Utility Flow"

	TemplateApproved = "approved"
	TemplatePending  = "pending"
	TemplateRejected = "rejected"
	TemplatePaused   = "paused"
	TemplateDisabled = "disabled"
)

// TemplateTypes returns the template types a fallback may use.
func TemplateTypes() []string { return []string{TemplateType24Hour, TemplateTypeBroadcast} }

// TemplateCategories returns every category, usable or not.
func TemplateCategories() []string {
	return []string{CategoryMarketing, CategoryUtility, CategoryAuthentication, CategoryMarketingFlow, CategoryMarketingCarousel, CategoryUtilityFlow}
}

// TemplateStatuses returns every template status.
func TemplateStatuses() []string {
	return []string{TemplateApproved, TemplatePending, TemplateRejected, TemplatePaused, TemplateDisabled}
}

// FallbackCategoryAllowed reports whether templates of category may serve
// as fallback: the spec excludes Authentication, Marketing Flow, Marketing
// Carousel and Utility Flow.
func FallbackCategoryAllowed(category string) bool {
	return category == CategoryMarketing || category == CategoryUtility
}

// Template button types.
const (
	ButtonURL        = "url"
	ButtonQuickReply = "quick_reply"
	ButtonPhone      = "phone"
)

// TemplateButton is one button of a WhatsApp template.
type TemplateButton struct {
	Type string `json:"type"`
	Text string `json:"text"`
	// URL is the whole link of a static URL button, or the base of a dynamic
	// one, to which the message's suffix is appended.
	URL     string `json:"url,omitempty"`
	Dynamic bool   `json:"dynamic,omitempty"`
	Phone   string `json:"phone,omitempty"`
}

// Link returns where a URL button leads: its URL, or for a dynamic button
// its base joined to suffix with exactly one slash.
func (b TemplateButton) Link(suffix string) string {
	if !b.Dynamic {
		return b.URL
	}
	return strings.TrimRight(b.URL, "/") + "/" + strings.TrimLeft(suffix, "/")
}

// Template header formats, as WhatsApp names them (lower case).
const (
	HeaderText     = "text"
	HeaderImage    = "image"
	HeaderDocument = "document"
	HeaderVideo    = "video"
)

// WhatsAppTemplate is a message template of one WhatsApp channel.
type WhatsAppTemplate struct {
	ChannelID int64 `json:"channel_id"`
	// Namespace is the WhatsApp Business Account's template namespace, sent
	// with every template message; empty where the platform gives none.
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Language  string `json:"language"`
	Category  string `json:"category"`
	Type      string `json:"type"`
	Status    string `json:"status"`
	// HeaderFormat is "" (no header), text, image, document or video.
	HeaderFormat string `json:"header_format,omitempty"`
	// Header is a text header's content, with its own {{1}}.
	Header string `json:"header,omitempty"`
	// HeaderSample is the sample media link a media header was approved
	// with; a message sends it unless it has media of its own.
	HeaderSample string           `json:"header_sample,omitempty"`
	Body         string           `json:"body"`
	Buttons      []TemplateButton `json:"buttons,omitempty"`
}

var templateVar = regexp.MustCompile(`\{\{\s*(\d+)\s*\}\}`)

// Variables returns how many body variables ({{1}}…{{n}}) the template has:
// the highest number used.
func (t *WhatsAppTemplate) Variables() int { return highestVariable(t.Body) }

// HeaderVariables returns how many variables a text header has, numbered
// apart from the body's as WhatsApp numbers them ({{1}} of the header is not
// {{1}} of the body).
func (t *WhatsAppTemplate) HeaderVariables() int {
	if t.HeaderFormat != "" && t.HeaderFormat != HeaderText {
		return 0
	}
	return highestVariable(t.Header)
}

// MediaHeader reports whether the template's header is an image, a
// document or a video, which a message must carry a link for.
func (t *WhatsAppTemplate) MediaHeader() bool {
	return t.HeaderFormat == HeaderImage || t.HeaderFormat == HeaderDocument || t.HeaderFormat == HeaderVideo
}

func highestVariable(s string) int {
	n := 0
	for _, m := range templateVar.FindAllStringSubmatch(s, -1) {
		if v, err := strconv.Atoi(m[1]); err == nil && v > n {
			n = v
		}
	}
	return n
}

// DynamicButton returns the index and button of the dynamic URL button, if any.
func (t *WhatsAppTemplate) DynamicButton() (int, *TemplateButton) {
	for i := range t.Buttons {
		if t.Buttons[i].Type == ButtonURL && t.Buttons[i].Dynamic {
			return i, &t.Buttons[i]
		}
	}
	return -1, nil
}

// Identical reports whether o is the same template on another channel:
// same name, language, header, body and buttons.
func (t *WhatsAppTemplate) Identical(o *WhatsAppTemplate) bool {
	return t.Name == o.Name && t.Language == o.Language && t.HeaderFormat == o.HeaderFormat && t.Header == o.Header &&
		t.Body == o.Body && slices.Equal(t.Buttons, o.Buttons)
}

// TemplateMessage is a WhatsApp template sent to a phone on a channel.
type TemplateMessage struct {
	StoreID  int64
	Channel  *Channel
	To       string
	Template *WhatsAppTemplate
	// Params fill the body's {{1}}…{{n}}, flattened to one line each.
	Params []string
	// HeaderParams fill a text header's own {{1}}…{{n}}.
	HeaderParams []string
	// HeaderMedia is the link a media header carries (an Order Paid
	// receipt's PDF for a document header); nil sends the template's sample.
	HeaderMedia *MediaLink
	// ButtonSuffix completes the dynamic URL button, if the template has one.
	ButtonSuffix string
	Key          string
}

// MediaLink is a media header's file: a public link and, for a document,
// the file name the customer sees.
type MediaLink struct {
	URL      string
	Filename string
}

// RoomFacts is what the platform knows of one of its rooms.
type RoomFacts struct {
	// ChannelExternalID is the platform's id of the room's channel.
	ChannelExternalID string
	// ChannelType is "" when the platform's source is not one msgcenter knows.
	ChannelType ChannelType
	// LastCustomerAt is when the customer last wrote; zero when never.
	LastCustomerAt time.Time
}

// RoomFactsProvider is the side of a provider that reports what the
// platform knows of a room, by the platform's room id.
type RoomFactsProvider interface {
	// RoomFacts returns the room's facts. Errors are *ProviderError; an
	// unknown room is ProviderPermanent with ReasonUndeliverable.
	RoomFacts(ctx context.Context, storeID int64, externalRoomID string) (*RoomFacts, error)
}

// TemplateProvider is the WhatsApp template side of a provider.
type TemplateProvider interface {
	// SendTemplate sends a template message, debiting the store's WhatsApp
	// credits. Errors are *ProviderError: insufficient_credits,
	// template_not_approved and parameter_mismatch are permanent.
	SendTemplate(ctx context.Context, m *TemplateMessage) (*SendResult, error)
	// Templates lists a WhatsApp channel's templates, every status.
	Templates(ctx context.Context, storeID, channelID int64) ([]*WhatsAppTemplate, error)
	// Credits returns the store's WhatsApp credit balance.
	Credits(ctx context.Context, storeID int64) (int64, error)
}

// ButtonProvider creates the omnichannel custom button, where the platform allows.
type ButtonProvider interface {
	// EnsureCustomButton creates or updates the store's Share Microsite URL
	// button. It returns false, nil where the platform has no API for it.
	EnsureCustomButton(ctx context.Context, storeID int64, label, webhookURL string) (bool, error)
}

// Providers resolves the provider that carries a store's messages: the
// store's own connected app, or the deployment's default.
type Providers interface {
	ProviderFor(ctx context.Context, storeID int64) (FullProvider, error)
}

// FullProvider is every capability a provider offers.
type FullProvider interface {
	Provider
	TemplateProvider
	ButtonProvider
}

// Fill returns the template's body with {{1}}…{{n}} replaced by params, as
// the customer reads it. A variable without a parameter is left as is.
func (t *WhatsAppTemplate) Fill(params []string) string {
	return templateVar.ReplaceAllStringFunc(t.Body, func(s string) string {
		i, err := strconv.Atoi(templateVar.FindStringSubmatch(s)[1])
		if err != nil || i < 1 || i > len(params) {
			return s
		}
		return params[i-1]
	})
}

var blanks = regexp.MustCompile(`[\t\r\n ]+`)

// FlattenParam makes a value fit a WhatsApp template parameter, which may hold
// no new lines, no tabs and no more than four spaces in a row: every run of
// white space becomes one space, and multi-line lists read "a; b".
func FlattenParam(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\n", "; ")
	return blanks.ReplaceAllString(s, " ")
}

// ValidTemplateParam reports whether s may fill a WhatsApp template
// parameter as WhatsApp accepts one: not empty, no new lines, no tabs and no
// more than four spaces in a row. FlattenParam makes any non-blank value so.
func ValidTemplateParam(s string) bool {
	return s != "" && !strings.ContainsAny(s, "\n\t") && !strings.Contains(s, "     ")
}

// TemplateVariable writes variable n of a WhatsApp template as the
// template's text holds it: {{n}}. Together with templateVar it is the one
// place of the variable's form.
func TemplateVariable(n int) string { return "{{" + strconv.Itoa(n) + "}}" }

// TemplateVariableNumbers returns the numbers of the {{n}} variables of s (a
// body, a header or a button's URL), in order of appearance.
func TemplateVariableNumbers(s string) []int {
	var out []int
	for _, m := range templateVar.FindAllStringSubmatch(s, -1) {
		if v, err := strconv.Atoi(m[1]); err == nil {
			out = append(out, v)
		}
	}
	return out
}

// TemplateVariableIndex returns the byte offset of the first {{n}} variable
// of s, or -1 when s has none: a URL button's dynamic suffix starts there.
func TemplateVariableIndex(s string) int {
	if loc := templateVar.FindStringIndex(s); loc != nil {
		return loc[0]
	}
	return -1
}
