package http

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/render"
)

// pathPlaceholders are the placeholders a dynamic CTA button may carry on
// event: the link paths the placeholder table makes available for it.
func pathPlaceholders(e msgcenter.Event) []string {
	var out []string
	for _, name := range []string{"order.details_path", "order.receipt_path"} {
		if render.Available(e, name) {
			out = append(out, name)
		}
	}
	return out
}

// checkFallback validates an enabled fallback against the store's channel
// and the template as the provider has it now. It returns field errors keyed
// "fallback.<field>"; a disabled fallback is kept as the admin left it.
func (s *Server) checkFallback(ctx context.Context, st *msgcenter.Store, c *msgcenter.MessageConfig) (map[string]string, error) {
	fb := c.Fallback
	fields := map[string]string{}
	if fb == nil || !fb.Enabled || !c.Event.HasFallback() {
		return fields, nil
	}
	ch, err := s.Commerce.FindChannel(ctx, st.ID, fb.ChannelID)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND || (err == nil && ch.Type != msgcenter.ChannelWhatsApp) {
		fields["fallback.channel_id"] = "must be one of the store's WhatsApp channels"
		return fields, nil
	} else if err != nil {
		return nil, err
	}
	if !slices.Contains(msgcenter.TemplateTypes(), fb.TemplateType) {
		fields["fallback.template_type"] = "must be one of " + strings.Join(msgcenter.TemplateTypes(), ", ")
	}
	if !msgcenter.FallbackCategoryAllowed(fb.TemplateCategory) {
		fields["fallback.template_category"] = "must be Marketing or Utility: Authentication, Marketing Flow, Marketing Carousel and Utility Flow templates cannot be used for fallback"
	}
	p, err := s.Providers.ProviderFor(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	list, err := p.Templates(ctx, st.ID, ch.ID)
	if err != nil {
		return nil, err
	}
	var tpl *msgcenter.WhatsAppTemplate
	for _, t := range list {
		if t.Name == fb.TemplateName && t.Language == fb.TemplateLanguage {
			tpl = t
		}
	}
	switch {
	case tpl == nil:
		fields["fallback.template_name"] = "no template " + strconv.Quote(fb.TemplateName) + " in language " + strconv.Quote(fb.TemplateLanguage) + " on this channel"
		return fields, nil
	case tpl.Status != msgcenter.TemplateApproved:
		fields["fallback.template_name"] = "template " + strconv.Quote(tpl.Name) + " is " + tpl.Status + ": only approved templates can be used"
	case !msgcenter.FallbackCategoryAllowed(tpl.Category):
		fields["fallback.template_category"] = "template " + strconv.Quote(tpl.Name) + " is in category " + tpl.Category + ", which cannot be used for fallback"
	case tpl.Category != fb.TemplateCategory || tpl.Type != fb.TemplateType:
		fields["fallback.template_name"] = "template " + strconv.Quote(tpl.Name) + " is a " + tpl.Type + " in category " + tpl.Category + ", not as chosen"
	}
	n := tpl.Variables()
	if len(fb.Variables) != n {
		fields["fallback.variables"] = "the template has " + strconv.Itoa(n) + " variables; bind each of {{1}}…{{" + strconv.Itoa(n) + "}} exactly once"
	}
	for i, b := range fb.Variables {
		key := "fallback.variables." + strconv.Itoa(i+1)
		switch {
		case (b.Text == "") == (b.Placeholder == ""):
			fields[key] = "give either custom text or a placeholder"
		case b.Placeholder != "" && !render.Available(c.Event, b.Placeholder):
			fields[key] = "placeholder {{" + b.Placeholder + "}} is not available for " + string(c.Event)
		}
	}
	if _, btn := tpl.DynamicButton(); btn != nil {
		allowed := pathPlaceholders(c.Event)
		switch {
		case fb.Button == nil || !slices.Contains(allowed, fb.Button.Placeholder):
			fields["fallback.button"] = "bind the CTA button's variable to {{" + strings.Join(allowed, "}} or {{") + "}}"
		case !sameBase(btn.URL, s.publicLink("")):
			fields["fallback.button"] = "the template's button base URL " + strconv.Quote(btn.URL) + " must be this service's public URL " +
				strconv.Quote(s.publicLink("")) + " so the button opens the order pages"
		}
	}
	return fields, nil
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

// templateJSON is a template with whether it may serve as fallback.
type templateJSON struct {
	*msgcenter.WhatsAppTemplate
	Variables         int  `json:"variables"`
	UsableForFallback bool `json:"usable_for_fallback"`
}

func (s *Server) handleTemplates(w http.ResponseWriter, r *http.Request) {
	st := storeFrom(r.Context())
	q := r.URL.Query()
	channels, err := s.whatsAppChannels(r.Context(), st.ID, q.Get("channel"))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.Providers.ProviderFor(r.Context(), st.ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := []templateJSON{}
	for _, ch := range channels {
		list, err := p.Templates(r.Context(), st.ID, ch.ID)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		for _, t := range list {
			if (q.Get("type") != "" && t.Type != q.Get("type")) || (q.Get("category") != "" && t.Category != q.Get("category")) ||
				(q.Get("language") != "" && t.Language != q.Get("language")) || (q.Get("usable") == "fallback" && !t.UsableForFallback()) {
				continue
			}
			out = append(out, templateJSON{WhatsAppTemplate: t, Variables: t.Variables(), UsableForFallback: t.UsableForFallback()})
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"templates": out})
}

// whatsAppChannels returns the store's WhatsApp channels, or the one named.
func (s *Server) whatsAppChannels(ctx context.Context, storeID int64, only string) ([]*msgcenter.Channel, error) {
	if only != "" {
		id, err := strconv.ParseInt(only, 10, 64)
		if err != nil {
			return nil, msgcenter.Invalid("Bad channel.", map[string]string{"channel": "must be a channel id"})
		}
		ch, err := s.Commerce.FindChannel(ctx, storeID, id)
		if err != nil {
			return nil, err
		}
		if ch.Type != msgcenter.ChannelWhatsApp {
			return nil, msgcenter.Invalid("Bad channel.", map[string]string{"channel": "must be a WhatsApp channel"})
		}
		return []*msgcenter.Channel{ch}, nil
	}
	all, err := s.Commerce.FindChannels(ctx, storeID)
	if err != nil {
		return nil, err
	}
	var out []*msgcenter.Channel
	for _, ch := range all {
		if ch.Type == msgcenter.ChannelWhatsApp {
			out = append(out, ch)
		}
	}
	return out, nil
}

func (s *Server) handleCredits(w http.ResponseWriter, r *http.Request) {
	st := storeFrom(r.Context())
	p, err := s.Providers.ProviderFor(r.Context(), st.ID)
	var n int64
	if err == nil {
		n, err = p.Credits(r.Context(), st.ID)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"balance": n})
}
