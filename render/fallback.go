package render

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
)

// The WhatsApp fallback's rules live here, shared by the admin's save and
// preview and by the delivery worker: how a configured template is found,
// which language fills it, how its variables and button are filled, and
// which configurations may be saved.

// FindTemplate returns the template named name in language on the store's
// channel, from the provider's catalogue as it is now, or ENOTFOUND.
func FindTemplate(ctx context.Context, p msgcenter.TemplateProvider, storeID, channelID int64, name, language string) (*msgcenter.WhatsAppTemplate, error) {
	list, err := p.Templates(ctx, storeID, channelID)
	if err != nil {
		return nil, err
	}
	for _, t := range list {
		if t.Name == name && t.Language == language {
			return t, nil
		}
	}
	return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Template %s (%s) not found on channel %d.", name, language, channelID)
}

// MessageLanguage is the language a message's and its fallback's
// placeholders (money, product lines, an unprocessed line's cause) are
// formatted in: the default message's language, or the store's for a
// custom message, whose language the admin did not choose.
func MessageLanguage(c *msgcenter.MessageConfig, storeLanguage msgcenter.Language) msgcenter.Language {
	if c.Type == msgcenter.MessageTypeCustom {
		return storeLanguage
	}
	return c.Language
}

// FallbackMessage is a fallback template filled for one message: what the
// provider is sent (Params, ButtonSuffix) and what the customer reads.
// Message.Button is the button the delivery records: the dynamic URL
// button, else the template's first static URL button.
type FallbackMessage struct {
	Message
	// Header is a text header filled with HeaderParams, as the customer
	// reads it above the text; "" when the template has none.
	Header string `json:"header,omitempty"`
	// Buttons are every button of the template, in its order, as the
	// customer sees them: a URL button with its link (a static one as
	// approved, a dynamic one on its own base with the suffix), a phone
	// button with a tel: link, a quick reply with its label alone. Static
	// buttons are part of the approved template: WhatsApp shows them
	// without any parameter in the message.
	Buttons []Button `json:"buttons,omitempty"`
	// Params fill the template's {{1}}…{{n}}, flattened as WhatsApp requires.
	Params []string `json:"-"`
	// HeaderParams fill a text header's own {{1}}…{{n}}, numbered apart
	// from the body's as WhatsApp numbers them.
	HeaderParams []string `json:"-"`
	// ButtonSuffix completes the dynamic URL button; "" when there is none.
	ButtonSuffix string `json:"-"`
}

// RenderFallback fills tpl with the bindings of c's fallback and the values
// of d, in MessageLanguage, its product lists shortened as Fit shortens them
// when the filled body would pass msgcenter.MaxTemplateBodyLength. The preview uses it too, so what the admin sees
// is what is sent. The dynamic URL button's link is built on the template's
// own base URL, as WhatsApp builds it.
func RenderFallback(tpl *msgcenter.WhatsAppTemplate, c *msgcenter.MessageConfig, storeLanguage msgcenter.Language, d *Data) *FallbackMessage {
	fb := c.Fallback
	if fb == nil {
		fb = &msgcenter.FallbackConfig{}
	}
	values := NewValues(d, MessageLanguage(c, storeLanguage))
	// The filled body is held to WhatsApp's limit by the product lists'
	// part of the length rule (Fit); a template cannot be cut.
	values, _, _ = fitLists(values, msgcenter.MaxTemplateBodyLength, func(v *Values) string {
		params, _ := FallbackParams(tpl, fb, v)
		return tpl.Fill(params)
	})
	params, suffix := FallbackParams(tpl, fb, values)
	m := &FallbackMessage{Message: Message{Text: tpl.Fill(params)}, Params: params, ButtonSuffix: suffix,
		HeaderParams: bindAll(fb.HeaderVariables, tpl.HeaderVariables(), values)}
	if tpl.HeaderFormat == "" || tpl.HeaderFormat == msgcenter.HeaderText {
		// The header's own {{n}} are filled as the body's are.
		m.Header = (&msgcenter.WhatsAppTemplate{Body: tpl.Header}).Fill(m.HeaderParams)
	}
	_, dyn := tpl.DynamicButton()
	chosen := false
	for i := range tpl.Buttons {
		b := &tpl.Buttons[i]
		out := Button{Label: b.Text}
		switch b.Type {
		case msgcenter.ButtonURL:
			if b.Dynamic {
				out.URL = b.Link(suffix)
			} else {
				out.URL = b.URL
			}
			if b == dyn || (dyn == nil && !chosen) {
				m.Button, chosen = out, true
			}
		case msgcenter.ButtonPhone:
			if b.Phone != "" {
				out.URL = "tel:" + b.Phone
			}
		}
		m.Buttons = append(m.Buttons, out)
	}
	return m
}

// FallbackParams fills a template's variables and its dynamic button's
// suffix from the configuration's bindings, flattened as WhatsApp requires.
func FallbackParams(tpl *msgcenter.WhatsAppTemplate, fb *msgcenter.FallbackConfig, v *Values) ([]string, string) {
	value := func(b msgcenter.Binding) string {
		if b.Placeholder != "" {
			s, _ := v.Get(b.Placeholder)
			return s
		}
		return b.Text
	}
	n := tpl.Variables()
	params := make([]string, n)
	for i := 0; i < n && i < len(fb.Variables); i++ {
		params[i] = msgcenter.FlattenParam(value(fb.Variables[i]))
	}
	suffix := ""
	if _, b := tpl.DynamicButton(); b != nil && fb.Button != nil {
		suffix = value(*fb.Button)
	}
	return params, suffix
}

// bindAll fills n variables from bindings, flattened; one left unbound is
// empty (the save checks refuse that).
func bindAll(bindings []msgcenter.Binding, n int, v *Values) []string {
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := 0; i < n && i < len(bindings); i++ {
		b := bindings[i]
		if b.Placeholder != "" {
			s, _ := v.Get(b.Placeholder)
			out[i] = msgcenter.FlattenParam(s)
		} else {
			out[i] = msgcenter.FlattenParam(b.Text)
		}
	}
	return out
}

// PathPlaceholders are the placeholders a dynamic CTA button may carry on
// event: the link paths the placeholder table makes available for it.
func PathPlaceholders(e msgcenter.Event) []string {
	var out []string
	for _, name := range []string{"order.details_path", "order.receipt_path"} {
		if Available(e, name) {
			out = append(out, name)
		}
	}
	return out
}

// SpecCTABase is the base URL the spec asks a fallback template's CTA
// button to be created with; by default it is accepted beside the public URL.
const SpecCTABase = "https://shop.qiscus.com/"

// CTABases returns the base URLs a fallback template's dynamic URL button
// may have: the deployment's configured list, or when it sets none the
// public URL and SpecCTABase, as the spec says.
func CTABases(configured []string, publicBase string) []string {
	if len(configured) > 0 {
		return configured
	}
	if sameBase(publicBase, SpecCTABase) {
		return []string{SpecCTABase}
	}
	return []string{publicBase, SpecCTABase}
}

// TemplateProblems returns why tpl cannot serve as a WhatsApp fallback,
// keyed by the fallback field the admin chose it with; none when it can.
// bases are the CTA base URLs the deployment accepts (CTABases). It is the
// one rule of both the template list the fallback offers (UsableForFallback)
// and the save (CheckFallback), so the list offers exactly what the save
// accepts; what the admin binds (variables, the button's path) is checked by
// CheckFallback alone.
func TemplateProblems(tpl *msgcenter.WhatsAppTemplate, bases []string) map[string]string {
	fields := map[string]string{}
	name := strconv.Quote(tpl.Name)
	if tpl.Status != msgcenter.TemplateApproved {
		fields["fallback.template_name"] = "template " + name + " is " + tpl.Status + ": only approved templates can be used"
	}
	if !msgcenter.FallbackCategoryAllowed(tpl.Category) {
		fields["fallback.template_category"] = "template " + name + " is in category " + tpl.Category + ", which cannot be used for fallback"
	}
	if !slices.Contains(msgcenter.TemplateTypes(), tpl.Type) {
		fields["fallback.template_type"] = "template " + name + " is of type " + strconv.Quote(tpl.Type) + ": only " +
			strings.Join(msgcenter.TemplateTypes(), " or ") + " templates can be used"
	}
	dynamic := 0
	for _, b := range tpl.Buttons {
		if b.Type == msgcenter.ButtonURL && b.Dynamic {
			dynamic++
		}
	}
	_, btn := tpl.DynamicButton()
	switch {
	case dynamic > 1:
		fields["fallback.button"] = "template " + name + " has " + strconv.Itoa(dynamic) + " dynamic URL buttons: a fallback fills one"
	case btn != nil && !slices.ContainsFunc(bases, func(b string) bool { return sameBase(btn.URL, b) }):
		fields["fallback.button"] = "the template's CTA button base URL " + strconv.Quote(btn.URL) + " is not accepted: create the template with " +
			quoteAll(bases, " or ") + " as its button's base URL, so the button opens the order pages"
	}
	return fields
}

// UsableForFallback reports whether tpl may be chosen for a WhatsApp
// fallback: TemplateProblems finds nothing. The API's template list
// (usable=fallback) and the editor offer exactly these.
func UsableForFallback(tpl *msgcenter.WhatsAppTemplate, bases []string) bool {
	return len(TemplateProblems(tpl, bases)) == 0
}

// quoteAll lists quoted strings joined by sep.
func quoteAll(ss []string, sep string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, sep)
}

// CheckFallback checks c's fallback, when enabled, against the channel it
// names (nil when the store has no channel by that id), the template found
// there by FindTemplate (nil when there is none) and the CTA base URLs the
// deployment accepts (CTABases). It returns field errors keyed
// "fallback.<field>", none for a disabled fallback, which is kept as the
// admin left it.
func CheckFallback(c *msgcenter.MessageConfig, ch *msgcenter.Channel, tpl *msgcenter.WhatsAppTemplate, bases []string) map[string]string {
	fields := map[string]string{}
	if !c.FallbackEnabled() {
		return fields
	}
	fb := c.Fallback
	if ch == nil || ch.Type != msgcenter.ChannelWhatsApp {
		fields["fallback.channel_id"] = "must be one of the store's WhatsApp channels"
		return fields
	}
	if !slices.Contains(msgcenter.TemplateTypes(), fb.TemplateType) {
		fields["fallback.template_type"] = "must be one of " + strings.Join(msgcenter.TemplateTypes(), ", ")
	}
	if !msgcenter.FallbackCategoryAllowed(fb.TemplateCategory) {
		fields["fallback.template_category"] = "must be Marketing or Utility: Authentication, Marketing Flow, Marketing Carousel and Utility Flow templates cannot be used for fallback"
	}
	if tpl == nil {
		fields["fallback.template_name"] = "no template " + strconv.Quote(fb.TemplateName) + " in language " + strconv.Quote(fb.TemplateLanguage) + " on this channel"
		return fields
	}
	problems := TemplateProblems(tpl, bases)
	for k, v := range problems {
		fields[k] = v
	}
	if len(problems) == 0 && (tpl.Category != fb.TemplateCategory || tpl.Type != fb.TemplateType) {
		fields["fallback.template_name"] = "template " + strconv.Quote(tpl.Name) + " is a " + tpl.Type + " in category " + tpl.Category + ", not as chosen"
	}
	checkBindings(fields, "fallback.variables", fb.Variables, tpl.Variables(), c.Event)
	checkBindings(fields, "fallback.header_variables", fb.HeaderVariables, tpl.HeaderVariables(), c.Event)
	if _, btn := tpl.DynamicButton(); btn != nil {
		if _, ok := fields["fallback.button"]; !ok {
			if allowed := PathPlaceholders(c.Event); fb.Button == nil || !slices.Contains(allowed, fb.Button.Placeholder) {
				fields["fallback.button"] = "bind the CTA button's variable to {{" + strings.Join(allowed, "}} or {{") + "}}"
			}
		}
	}
	return fields
}

// sameBase compares two base URLs, tolerating case in scheme and host and a
// trailing slash.
func sameBase(a, b string) bool {
	ua, err1 := url.Parse(a)
	ub, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return false
	}
	norm := func(u *url.URL) string {
		return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.TrimRight(u.Path, "/")
	}
	return norm(ua) == norm(ub)
}

// checkBindings checks that bindings fill the n variables of a template's
// body or header (field names them) exactly, each with custom text or a
// placeholder available for event.
func checkBindings(fields map[string]string, field string, bindings []msgcenter.Binding, n int, event msgcenter.Event) {
	if len(bindings) != n {
		what := "the template has " + strconv.Itoa(n) + " variables"
		if field != "fallback.variables" {
			what = "the template's header has " + strconv.Itoa(n) + " variables"
		}
		if n == 0 {
			fields[field] = what + ": bind none"
		} else {
			fields[field] = what + "; bind each of " + msgcenter.TemplateVariable(1) + "…" + msgcenter.TemplateVariable(n) + " exactly once"
		}
	}
	for i, b := range bindings {
		key := field + "." + strconv.Itoa(i+1)
		switch {
		case (b.Text == "") == (b.Placeholder == ""):
			fields[key] = "give either custom text or a placeholder"
		case b.Placeholder != "" && !Available(event, b.Placeholder):
			fields[key] = "placeholder {{" + b.Placeholder + "}} is not available for " + string(event)
		}
	}
}
