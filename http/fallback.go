package http

import (
	"context"
	"net/http"
	"strconv"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/render"
)

// checkFallback reads what render.CheckFallback checks an enabled fallback
// against: the store's channel it names and the template as the provider has
// it now. It returns field errors keyed "fallback.<field>".
func (s *Server) checkFallback(ctx context.Context, st *msgcenter.Store, c *msgcenter.MessageConfig) (map[string]string, error) {
	if !c.FallbackEnabled() {
		return nil, nil
	}
	fb := c.Fallback
	ch, err := s.Commerce.FindChannel(ctx, st.ID, fb.ChannelID)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		ch = nil
	} else if err != nil {
		return nil, err
	}
	var tpl *msgcenter.WhatsAppTemplate
	if ch != nil && ch.Type == msgcenter.ChannelWhatsApp {
		p, err := s.Providers.ProviderFor(ctx, st.ID)
		if err != nil {
			return nil, err
		}
		tpl, err = render.FindTemplate(ctx, p, st.ID, ch.ID, fb.TemplateName, fb.TemplateLanguage)
		if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
			tpl = nil
		} else if err != nil {
			return nil, err
		}
	}
	return render.CheckFallback(c, ch, tpl, s.ctaBases()), nil
}

// ctaBases are the CTA base URLs this deployment accepts on a fallback
// template's button.
func (s *Server) ctaBases() []string { return render.CTABases(s.CTABaseURLs, s.publicLink("")) }

// templateJSON is a template with its variable counts and whether it may
// serve as fallback (render.UsableForFallback, the save's own rule).
type templateJSON struct {
	*msgcenter.WhatsAppTemplate
	Variables         int  `json:"variables"`
	HeaderVariables   int  `json:"header_variables"`
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
	bases := s.ctaBases()
	for _, ch := range channels {
		list, err := p.Templates(r.Context(), st.ID, ch.ID)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		for _, t := range list {
			usable := render.UsableForFallback(t, bases)
			if (q.Get("type") != "" && t.Type != q.Get("type")) || (q.Get("category") != "" && t.Category != q.Get("category")) ||
				(q.Get("language") != "" && t.Language != q.Get("language")) || (q.Get("usable") == "fallback" && !usable) {
				continue
			}
			out = append(out, templateJSON{WhatsAppTemplate: t, Variables: t.Variables(), HeaderVariables: t.HeaderVariables(), UsableForFallback: usable})
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
