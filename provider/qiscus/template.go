package qiscus

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
)

// templatesPath is the platform's WhatsApp template (HSM) list; the package
// doc gives the answer's documented shape.
const templatesPath = "/api/v2/admin/hsm"

// maxTemplatePages bounds the catalogue read: the list pages in fives, so
// this is a thousand templates.
const maxTemplatePages = 200

type templateRequest struct {
	To       string       `json:"to"`
	Type     string       `json:"type"`
	Template templateBody `json:"template"`
}

type templateBody struct {
	Namespace  string      `json:"namespace,omitempty"`
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

// parameter is one Cloud API template parameter: text, or a media header's
// link.
type parameter struct {
	Type     string `json:"type"`
	Text     string `json:"text,omitempty"`
	Image    *media `json:"image,omitempty"`
	Document *media `json:"document,omitempty"`
	Video    *media `json:"video,omitempty"`
}

type media struct {
	Link     string `json:"link"`
	Filename string `json:"filename,omitempty"`
}

// templateAnswer is the Cloud API's answer to a send.
type templateAnswer struct {
	Messages []struct {
		ID flexString `json:"id"`
	} `json:"messages"`
}

// templateComponents builds the header, body and button components of m,
// or a parameter_mismatch error when m's parameters do not fit its template.
func templateComponents(m *msgcenter.TemplateMessage) ([]component, error) {
	t := m.Template
	mismatch := func(what string) error {
		return permanent(msgcenter.ReasonParameterMismatch, "qiscus: template "+t.Name+": "+what)
	}
	if n := t.Variables(); n != len(m.Params) {
		return nil, mismatch("the body has " + strconv.Itoa(n) + " variables, the message " + strconv.Itoa(len(m.Params)) + " parameters")
	}
	if n := t.HeaderVariables(); n != len(m.HeaderParams) {
		return nil, mismatch("the header has " + strconv.Itoa(n) + " variables, the message " + strconv.Itoa(len(m.HeaderParams)) + " parameters")
	}
	var comps []component
	if len(m.HeaderParams) > 0 {
		hc := component{Type: "header"}
		for _, p := range m.HeaderParams {
			hc.Parameters = append(hc.Parameters, parameter{Type: "text", Text: p})
		}
		comps = append(comps, hc)
	}
	if t.MediaHeader() {
		link := media{Link: t.HeaderSample}
		if m.HeaderMedia != nil && m.HeaderMedia.URL != "" {
			link = media{Link: m.HeaderMedia.URL, Filename: m.HeaderMedia.Filename}
		}
		if link.Link == "" {
			return nil, mismatch("its " + t.HeaderFormat + " header needs a link and the message has none")
		}
		p := parameter{Type: t.HeaderFormat}
		switch t.HeaderFormat {
		case msgcenter.HeaderImage:
			link.Filename = ""
			p.Image = &link
		case msgcenter.HeaderDocument:
			p.Document = &link
		case msgcenter.HeaderVideo:
			link.Filename = ""
			p.Video = &link
		}
		comps = append(comps, component{Type: "header", Parameters: []parameter{p}})
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
			return nil, mismatch("it has a dynamic URL button and the message no suffix")
		}
		comps = append(comps, component{Type: "button", SubType: "url", Index: strconv.Itoa(i),
			Parameters: []parameter{{Type: "text", Text: m.ButtonSuffix}}})
	}
	return comps, nil
}

// SendTemplate sends a WhatsApp template message:
// POST {base}/whatsapp/v1/{app_id}/{channel_id}/messages with a Cloud-API
// body carrying the template's namespace and language. Params fill the
// body's {{n}}, HeaderParams a text header's own {{n}}; a media header
// carries HeaderMedia (or the template's sample link); ButtonSuffix completes
// the dynamic URL button. A message whose parameters do not fit the
// template, or whose channel has no platform id, fails without a request. A
// template error from the platform drops the channel's cached catalogue.
func (c *Client) SendTemplate(ctx context.Context, m *msgcenter.TemplateMessage) (*msgcenter.SendResult, error) {
	if m == nil || m.Channel == nil || m.Template == nil {
		return nil, permanent(msgcenter.ReasonUndeliverable, "qiscus: no channel or template to send")
	}
	if m.Channel.ExternalID == "" {
		return nil, permanent(msgcenter.ReasonUndeliverable, "qiscus: channel "+strconv.FormatInt(m.Channel.ID, 10)+
			" has no platform id: set its external_id to the Qiscus channel id")
	}
	to := msgcenter.PhoneDigits(m.To)
	if len(to) < 8 {
		return nil, permanent(msgcenter.ReasonUndeliverable, "qiscus: no phone number to send the template to")
	}
	comps, err := templateComponents(m)
	if err != nil {
		return nil, err
	}
	t := m.Template
	body := templateRequest{To: to, Type: "template", Template: templateBody{
		Namespace: t.Namespace, Name: t.Name, Language: language{Policy: "deterministic", Code: t.Language}, Components: comps,
	}}
	path := "/whatsapp/v1/" + url.PathEscape(c.cfg.AppID) + "/" + url.PathEscape(m.Channel.ExternalID) + "/messages"
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
		id = string(out.Messages[0].ID)
	}
	return &msgcenter.SendResult{ProviderMessageID: id}, nil
}

func (c *Client) dropTemplates(channelID int64) {
	c.mu.Lock()
	delete(c.cache, channelID)
	c.mu.Unlock()
}

// Templates lists a WhatsApp channel's templates, every status, from every
// page of GET {base}/api/v2/admin/hsm?channel_id=…&page=…, cached per
// channel for at most TemplateTTL. Templates the answer gives for another
// channel are left out. The channel must have a platform id (EINVALID
// otherwise): msgcenter's own id is never sent.
func (c *Client) Templates(ctx context.Context, storeID, channelID int64) ([]*msgcenter.WhatsAppTemplate, error) {
	c.mu.Lock()
	e, ok := c.cache[channelID]
	c.mu.Unlock()
	if ok && c.cfg.Now().Sub(e.at) < c.cfg.TemplateTTL {
		return copyTemplates(e.templates), nil
	}
	if c.cfg.Channels == nil {
		return nil, msgcenter.Errorf(msgcenter.EINTERNAL, "qiscus: the client has no channel finder")
	}
	ch, err := c.cfg.Channels.FindChannel(ctx, storeID, channelID)
	if err != nil {
		return nil, err
	}
	if ch.ExternalID == "" {
		return nil, msgcenter.Invalid("The channel has no Qiscus channel id.", map[string]string{
			"external_id": "is required to read the channel's templates: set it to the channel's id in Qiscus"})
	}
	all := []*msgcenter.WhatsAppTemplate{}
	for page := 1; page <= maxTemplatePages; page++ {
		q := url.Values{"channel_id": {ch.ExternalID}, "page": {strconv.Itoa(page)}}
		var out hsmAnswer
		if _, err := c.do(ctx, http.MethodGet, templatesPath, q, nil, &out); err != nil {
			return nil, err
		}
		list := out.templates()
		for _, h := range list {
			if h.ChannelID != "" && string(h.ChannelID) != ch.ExternalID {
				continue
			}
			all = append(all, h.toDomain(channelID)...)
		}
		total, _ := strconv.Atoi(string(out.Meta.TotalPage))
		if len(list) == 0 || (total > 0 && page >= total) {
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

// flexString is a JSON string or number, read as its text: the platform's
// answers give ids, types and statuses either way.
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
	case bytes.Equal(b, []byte("true")), bytes.Equal(b, []byte("false")):
		*f = flexString(b)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*f = flexString(n.String())
	}
	return nil
}

// hsmAnswer is one page of the template list: templates under
// data.hsm_templates (or data as a list), each with one detail per language.
type hsmAnswer struct {
	Data json.RawMessage `json:"data"`
	Meta struct {
		TotalPage flexString `json:"total_page"`
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
	ChannelID  flexString  `json:"channel_id"`
	Namespace  string      `json:"namespace"`
	Name       string      `json:"name"`
	Category   flexString  `json:"category"`
	Type       flexString  `json:"type"`
	HSMDetails []hsmDetail `json:"hsm_details"`
}

type hsmDetail struct {
	Language       string      `json:"language"`
	Content        string      `json:"content"`
	HeaderType     flexString  `json:"header_type"`
	HeaderContent  string      `json:"header_content"`
	HeaderDefault  string      `json:"header_default_value"`
	ApprovalStatus flexString  `json:"approval_status"`
	Buttons        []hsmButton `json:"buttons"`
}

type hsmButton struct {
	Type        flexString `json:"type"`
	Text        string     `json:"text"`
	URL         string     `json:"url"`
	PhoneNumber string     `json:"phone_number"`
}

func (h hsmTemplate) toDomain(channelID int64) []*msgcenter.WhatsAppTemplate {
	var out []*msgcenter.WhatsAppTemplate
	for _, d := range h.HSMDetails {
		t := &msgcenter.WhatsAppTemplate{
			ChannelID: channelID, Namespace: h.Namespace, Name: h.Name, Language: d.Language,
			Category: normalizeCategory(string(h.Category)), Type: normalizeType(string(h.Type)),
			Status: normalizeStatus(string(d.ApprovalStatus)), Body: d.Content,
		}
		f := words(string(d.HeaderType))
		if f == "" && d.HeaderContent != "" {
			f = msgcenter.HeaderText
		}
		switch f {
		case "", "none":
		case msgcenter.HeaderText:
			t.HeaderFormat, t.Header = f, d.HeaderContent
		case msgcenter.HeaderImage, msgcenter.HeaderDocument, msgcenter.HeaderVideo:
			t.HeaderFormat, t.HeaderSample = f, d.HeaderContent
			if t.HeaderSample == "" {
				t.HeaderSample = d.HeaderDefault
			}
		default:
			// A header msgcenter cannot fill (a location): never usable.
			t.HeaderFormat, t.Status = f, msgcenter.TemplatePending
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

// normalizeType reads the template type, a word or the platform's number (1
// broadcast, 2 24-hour message); templates without one are broadcast
// templates.
func normalizeType(s string) string {
	w := words(s)
	switch {
	case w == "2" || strings.Contains(w, "24"):
		return msgcenter.TemplateType24Hour
	case w == "" || w == "1" || strings.Contains(w, "broadcast"):
		return msgcenter.TemplateTypeBroadcast
	}
	return s
}

// normalizeStatus reads an approval status given as a word (APPROVED,
// pending, IN_APPEAL, …) or as the platform's number (0 pending, 1 approved,
// 2 rejected, 3 paused, 4 disabled). Anything else counts as pending, so an
// unknown template is never used.
func normalizeStatus(s string) string {
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
	switch words(string(b.Type)) {
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
