package http

import (
	"net/http"
	"strings"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

// integrationSection is the Location tab's Qiscus Omnichannel connection:
// whether the store sends through its own app, and the URLs to paste into
// the platform. The secret key is never shown back.
type integrationSection struct {
	Available  bool
	Connected  *msgcenter.Integration
	InboundURL string
	AppID      string
	BaseURL    string
	Fields     map[string]string
	Problem    string
}

// integrationFor reads the store's connection for the Location tab.
func (s *Server) integrationFor(r *http.Request) (*integrationSection, error) {
	sec := &integrationSection{Available: s.Integrations != nil, BaseURL: msgcenter.DefaultQiscusBaseURL}
	if !sec.Available {
		return sec, nil
	}
	in, err := s.Integrations.FindIntegration(r.Context(), storeFrom(r.Context()).ID)
	switch {
	case msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND:
	case err != nil:
		return nil, err
	default:
		sec.Connected, sec.InboundURL, sec.AppID, sec.BaseURL = in, s.inboundWebhookURL(in), in.AppID, in.BaseURL
	}
	return sec, nil
}

// handleIntegrationSave connects (or, with action=disconnect, disconnects)
// the store's own Qiscus app from the Location tab, through the same
// service as the API; a refused form is shown again with its field errors.
func (s *Server) handleIntegrationSave(w http.ResponseWriter, r *http.Request) {
	if s.Integrations == nil {
		s.Error(w, r, msgcenter.Errorf(msgcenter.ENOTFOUND, "Page not found."))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.Error(w, r, msgcenter.Errorf(ebadrequest, "The form could not be read."))
		return
	}
	st := storeFrom(r.Context())
	f := r.PostForm
	var err error
	if f.Get("action") == "disconnect" {
		err = s.Integrations.DisconnectIntegration(r.Context(), st.ID)
	} else {
		_, err = s.connectQiscus(r.Context(), st.ID, strings.TrimSpace(f.Get("app_id")),
			strings.TrimSpace(f.Get("secret_key")), strings.TrimSpace(f.Get("base_url")))
	}
	if code := msgcenter.ErrorCode(err); code == msgcenter.EINVALID {
		p, perr := s.newLocationPage(r)
		if perr != nil {
			s.Error(w, r, perr)
			return
		}
		p.Integration.AppID, p.Integration.BaseURL = f.Get("app_id"), f.Get("base_url")
		p.Integration.Fields = msgcenter.ErrorFields(err)
		p.Integration.Problem = i18n.Translate(msgcenter.Language(p.Lang), msgcenter.ErrorMessage(err))
		s.renderAdmin(w, r, http.StatusUnprocessableEntity, "admin_location.html", p)
		return
	} else if err != nil {
		s.Error(w, r, err)
		return
	}
	http.Redirect(w, r, storeURL(st, "/location?saved=1#integration"), http.StatusSeeOther)
}
