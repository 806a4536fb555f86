package qiscus

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
)

// templatesPath is the platform's WhatsApp template (HSM) list; see the
// package doc for the answer's assumed shape.
const templatesPath = "/api/v2/admin/hsm"

// templatePageSize and maxTemplatePages bound the catalogue read.
const (
	templatePageSize = 100
	maxTemplatePages = 20
)

type templateRequest struct {
	To       string       `json:"to"`
	Type     string       `json:"type"`
	Template templateBody `json:"template"`
}

type templateBody struct {
	Name       string      `json:"name"`
	Language   language    `json:"language"`
	Components []component `json:"components,omitempty"`
}

type language struct {
	Policy string `json:"policy"`
	Code   string `json:"code"`
}

type component struct {
	Type       string      `json:"type"`
	SubType    string      `json:"sub_type,omitempty"`
	Index      string      `json:"index,omitempty"`
	Parameters []parameter `json:"parameters"`
}

type parameter struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// templateAnswer is the Cloud API's answer to a send.
type templateAnswer struct {
	Messages []struct {
		ID string `json:"id"`
	} `json:"messages"`
}

// digits keeps the digits of a phone number: the Cloud API's "to".
func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// SendTemplate sends a WhatsApp template message:
// POST {base}/whatsapp/v1/{app_id}/{channel_id}/messages with a Cloud-API
// body. Params, already flattened by the caller (msgcenter.TemplateMessage),
// fill the body's {{n}} and a header's {{n}} by the same numbers; ButtonSuffix completes the dynamic URL button. A message whose
// parameters do not fit the template fails as parameter_mismatch without a
// request. A template error from the platform drops the channel's cached
// catalogue.
func (c *Client) SendTemplate(ctx context.Context, m *msgcenter.TemplateMessage) (*msgcenter.SendResult, error) {
	if m == nil || m.Channel == nil || m.Template == nil {
		return nil, permanent(msgcenter.ReasonUndeliverable, "qiscus: no channel or template to send")
	}
	to := digits(m.To)
	if len(to) < 8 {
		return nil, permanent(msgcenter.ReasonUndeliverable, "qiscus: no phone number to send the template to")
	}
	t := m.Template
	if n := t.Variables(); n != len(m.Params) {
		return nil, permanent(msgcenter.ReasonParameterMismatch,
			"qiscus: template "+t.Name+" has "+strconv.Itoa(n)+" body variables, the message "+strconv.Itoa(len(m.Params))+" parameters")
	}
	var comps []component
	if vars := msgcenter.TemplateVariableNumbers(t.Header); len(vars) > 0 {
		hc := component{Type: "header"}
		for _, i := range vars {
			if i < 1 || i > len(m.Params) {
				return nil, permanent(msgcenter.ReasonParameterMismatch, "qiscus: template "+t.Name+" header variable "+msgcenter.TemplateVariable(i)+" has no parameter")
			}
			hc.Parameters = append(hc.Parameters, parameter{Type: "text", Text: m.Params[i-1]})
		}
		comps = append(comps, hc)
	}
	if len(m.Params) > 0 {
		bc := component{Type: "body"}
		for _, p := range m.Params {
			bc.Parameters = append(bc.Parameters, parameter{Type: "text", Text: p})
		}
		comps = append(comps, bc)
	}
	if i, _ := t.DynamicButton(); i >= 0 {
		if m.ButtonSuffix == "" {
			return nil, permanent(msgcenter.ReasonParameterMismatch, "qiscus: template "+t.Name+" has a dynamic URL button but the message no suffix")
		}
		comps = append(comps, component{Type: "button", SubType: "url", Index: strconv.Itoa(i),
			Parameters: []parameter{{Type: "text", Text: m.ButtonSuffix}}})
	}
	body := templateRequest{To: to, Type: "template", Template: templateBody{
		Name: t.Name, Language: language{Policy: "deterministic", Code: t.Language}, Components: comps,
	}}
	channelID := m.Channel.ExternalID
	if channelID == "" {
		channelID = strconv.FormatInt(m.Channel.ID, 10)
	}
	path := "/whatsapp/v1/" + url.PathEscape(c.cfg.AppID) + "/" + url.PathEscape(channelID) + "/messages"
	var out templateAnswer
	if _, err := c.do(ctx, http.MethodPost, path, nil, body, &out); err != nil {
		if pe := msgcenter.ProviderErrorOf(err); pe.Kind == msgcenter.ProviderPermanent &&
			(pe.Reason == msgcenter.ReasonTemplateNotApproved || pe.Reason == msgcenter.ReasonParameterMismatch) {
			// The catalogue we hold is out of date: read it again next time.
			c.dropTemplates(m.Channel.ID)
		}
		return nil, err
	}
	var id string
	if len(out.Messages) > 0 {
		id = out.Messages[0].ID
	}
	return &msgcenter.SendResult{ProviderMessageID: id}, nil
}

func (c *Client) dropTemplates(channelID int64) {
	c.mu.Lock()
	delete(c.cache, channelID)
	c.mu.Unlock()
}

// Templates lists a WhatsApp channel's templates, every status, from
// GET {base}/api/v2/admin/hsm?channel_id=…, cached per channel for at most
// TemplateTTL.
func (c *Client) Templates(ctx context.Context, storeID, channelID int64) ([]*msgcenter.WhatsAppTemplate, error) {
	c.mu.Lock()
	e, ok := c.cache[channelID]
	c.mu.Unlock()
	if ok && c.cfg.Now().Sub(e.at) < c.cfg.TemplateTTL {
		return copyTemplates(e.templates), nil
	}

	external := strconv.FormatInt(channelID, 10)
	if c.cfg.Channels != nil {
		ch, err := c.cfg.Channels.FindChannel(ctx, storeID, channelID)
		if err != nil {
			return nil, err
		}
		if ch.ExternalID != "" {
			external = ch.ExternalID
		}
	}
	var all []*msgcenter.WhatsAppTemplate
	for page := 1; page <= maxTemplatePages; page++ {
		q := url.Values{"channel_id": {external}, "page": {strconv.Itoa(page)}, "limit": {strconv.Itoa(templatePageSize)}}
		var out hsmAnswer
		if _, err := c.do(ctx, http.MethodGet, templatesPath, q, nil, &out); err != nil {
			return nil, err
		}
		list := out.templates()
		for _, h := range list {
			all = append(all, h.toDomain(channelID)...)
		}
		if len(list) < templatePageSize || (out.Meta.TotalPage > 0 && page >= out.Meta.TotalPage) {
			break
		}
	}
	c.mu.Lock()
	c.cache[channelID] = cachedTemplates{at: c.cfg.Now(), templates: all}
	c.mu.Unlock()
	return copyTemplates(all), nil
}

func copyTemplates(ts []*msgcenter.WhatsAppTemplate) []*msgcenter.WhatsAppTemplate {
	out := make([]*msgcenter.WhatsAppTemplate, len(ts))
	for i, t := range ts {
		cp := *t
		cp.Buttons = append([]msgcenter.TemplateButton(nil), t.Buttons...)
		out[i] = &cp
	}
	return out
}

// hsmAnswer is the assumed answer of the template list: templates under
// data.hsm_templates (or data as a list), each with one detail per language.
type hsmAnswer struct {
	Data json.RawMessage `json:"data"`
	Meta struct {
		TotalPage int `json:"total_page"`
	} `json:"meta"`
}

func (a *hsmAnswer) templates() []hsmTemplate {
	var wrapped struct {
		HSMTemplates []hsmTemplate `json:"hsm_templates"`
	}
	if json.Unmarshal(a.Data, &wrapped) == nil && wrapped.HSMTemplates != nil {
		return wrapped.HSMTemplates
	}
	var list []hsmTemplate
	_ = json.Unmarshal(a.Data, &list)
	return list
}

type hsmTemplate struct {
	Name       string      `json:"name"`
	Category   string      `json:"category"`
	Type       string      `json:"type"`
	HSMDetails []hsmDetail `json:"hsm_details"`
}

type hsmDetail struct {
	Language       string          `json:"language"`
	Content        string          `json:"content"`
	HeaderType     string          `json:"header_type"`
	HeaderContent  string          `json:"header_content"`
	ApprovalStatus json.RawMessage `json:"approval_status"`
	Buttons        []hsmButton     `json:"buttons"`
}

type hsmButton struct {
	Type        string `json:"type"`
	Text        string `json:"text"`
	URL         string `json:"url"`
	PhoneNumber string `json:"phone_number"`
}

func (h hsmTemplate) toDomain(channelID int64) []*msgcenter.WhatsAppTemplate {
	var out []*msgcenter.WhatsAppTemplate
	for _, d := range h.HSMDetails {
		t := &msgcenter.WhatsAppTemplate{
			ChannelID: channelID, Name: h.Name, Language: d.Language,
			Category: normalizeCategory(h.Category), Type: normalizeType(h.Type),
			Status: normalizeStatus(d.ApprovalStatus), Body: d.Content,
		}
		if d.HeaderType == "" || strings.EqualFold(d.HeaderType, "text") {
			t.Header = d.HeaderContent
		}
		for _, b := range d.Buttons {
			t.Buttons = append(t.Buttons, normalizeButton(b))
		}
		out = append(out, t)
	}
	return out
}

// words lowers s and turns "_" and "-" into spaces.
func words(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.NewReplacer("_", " ", "-", " ").Replace(s))), " ")
}

func normalizeCategory(s string) string {
	for _, c := range msgcenter.TemplateCategories() {
		if words(s) == words(c) {
			return c
		}
	}
	return s
}

// normalizeType reads the template type; the platform's templates without
// one are broadcast templates.
func normalizeType(s string) string {
	w := words(s)
	switch {
	case strings.Contains(w, "24"):
		return msgcenter.TemplateType24Hour
	case w == "" || strings.Contains(w, "broadcast"):
		return msgcenter.TemplateTypeBroadcast
	}
	return s
}

// normalizeStatus reads an approval status given as a word (APPROVED,
// pending, IN_APPEAL, …) or as the platform's number (0 pending, 1 approved,
// 2 rejected, 3 paused, 4 disabled). Anything else counts as pending, so an
// unknown template is never used.
func normalizeStatus(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		var n json.Number
		if json.Unmarshal(raw, &n) == nil {
			s = n.String()
		}
	}
	switch words(s) {
	case "approved", "1", "active":
		return msgcenter.TemplateApproved
	case "rejected", "2":
		return msgcenter.TemplateRejected
	case "paused", "3":
		return msgcenter.TemplatePaused
	case "disabled", "deleted", "4":
		return msgcenter.TemplateDisabled
	}
	return msgcenter.TemplatePending
}

func normalizeButton(b hsmButton) msgcenter.TemplateButton {
	switch words(b.Type) {
	case "url", "visit website", "call to action url":
		tb := msgcenter.TemplateButton{Type: msgcenter.ButtonURL, Text: b.Text, URL: b.URL}
		if i := msgcenter.TemplateVariableIndex(b.URL); i >= 0 {
			tb.Dynamic, tb.URL = true, b.URL[:i]
		}
		return tb
	case "phone number", "phone", "call phone number":
		return msgcenter.TemplateButton{Type: msgcenter.ButtonPhone, Text: b.Text, Phone: b.PhoneNumber}
	}
	return msgcenter.TemplateButton{Type: msgcenter.ButtonQuickReply, Text: b.Text}
}
