package http

import (
	"context"
	"net/http"
	"time"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/render"
)

// messageConfigJSON is one event's entry of the message center.
type messageConfigJSON struct {
	Event             msgcenter.Event           `json:"event"`
	Title             string                    `json:"title"`
	Type              msgcenter.MessageType     `json:"type"`
	Language          msgcenter.Language        `json:"language"`
	Body              string                    `json:"body"`
	ButtonLabel       string                    `json:"button_label"`
	AutomationEnabled *bool                     `json:"automation_enabled,omitempty"`
	Fallback          *msgcenter.FallbackConfig `json:"fallback,omitempty"`
	Version           int                       `json:"version"`
	UpdatedBy         string                    `json:"updated_by"`
	UpdatedAt         time.Time                 `json:"updated_at"`
}

func newMessageConfigJSON(c *msgcenter.MessageConfig) messageConfigJSON {
	out := messageConfigJSON{
		Event: c.Event, Title: c.Event.Title(), Type: c.Type, Language: c.Language,
		Body: c.Body, ButtonLabel: c.ButtonLabel, Fallback: c.Fallback,
		Version: c.Version, UpdatedBy: c.UpdatedBy, UpdatedAt: c.UpdatedAt,
	}
	if c.Event.Automatic() {
		on := c.AutomationEnabled
		out.AutomationEnabled = &on
	}
	return out
}

// checkMessageConfig validates a configuration in full: its structure, then
// the placeholders of a custom body, then the fallback.
func (s *Server) checkMessageConfig(ctx context.Context, st *msgcenter.Store, c *msgcenter.MessageConfig) error {
	fields := map[string]string{}
	for k, v := range msgcenter.ErrorFields(c.Validate()) {
		fields[k] = v
	}
	if c.Event.Valid() {
		for k, v := range msgcenter.ErrorFields(render.CheckConfig(c)) {
			if _, ok := fields[k]; !ok {
				fields[k] = v
			}
		}
	}
	fb, err := s.checkFallback(ctx, st, c)
	if err != nil {
		return err
	}
	for k, v := range fb {
		fields[k] = v
	}
	if len(fields) > 0 {
		return msgcenter.Invalid("The message configuration is not valid.", fields)
	}
	return nil
}

// eventFrom parses {event}, answering ENOTFOUND for an unknown one.
func eventFrom(r *http.Request) (msgcenter.Event, error) {
	e := msgcenter.Event(r.PathValue("event"))
	if !e.Valid() {
		return "", msgcenter.Errorf(msgcenter.ENOTFOUND, "Unknown event %q: use one of %s.", string(e), msgcenter.EventList())
	}
	return e, nil
}

func (s *Server) handleMessageCenter(w http.ResponseWriter, r *http.Request) {
	cfgs, err := s.Messages.FindMessageConfigs(r.Context(), storeFrom(r.Context()).ID)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	out := make([]messageConfigJSON, 0, len(cfgs))
	for _, c := range cfgs {
		out = append(out, newMessageConfigJSON(c))
	}
	events, err := s.withCustomButton(r, out)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": events})
}

// draftConfig reads a draft for {event} and applies it to the current configuration.
func (s *Server) draftConfig(r *http.Request) (*msgcenter.MessageConfig, error) {
	event, err := eventFrom(r)
	if err != nil {
		return nil, err
	}
	cur, err := s.Messages.FindMessageConfig(r.Context(), storeFrom(r.Context()).ID, event)
	if err != nil {
		return nil, err
	}
	var in msgcenter.MessageConfigUpdate
	if err := decodeJSON(r, &in); err != nil {
		return nil, err
	}
	return in.Apply(cur), nil
}

func (s *Server) handleMessageConfigPut(w http.ResponseWriter, r *http.Request) {
	c, err := s.draftConfig(r)
	if err == nil {
		err = s.checkMessageConfig(r.Context(), storeFrom(r.Context()), c)
	}
	if err == nil {
		err = s.Messages.SaveMessageConfig(r.Context(), c, userFrom(r.Context()).Email)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newMessageConfigJSON(c))
}

func (s *Server) handleMessageConfigVersions(w http.ResponseWriter, r *http.Request) {
	event, err := eventFrom(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	versions, err := s.Messages.FindMessageConfigVersions(r.Context(), storeFrom(r.Context()).ID, event)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	type versionJSON struct {
		Version   int               `json:"version"`
		CreatedBy string            `json:"created_by"`
		CreatedAt time.Time         `json:"created_at"`
		Config    messageConfigJSON `json:"config"`
	}
	out := make([]versionJSON, 0, len(versions))
	for _, v := range versions {
		out = append(out, versionJSON{Version: v.Version, CreatedBy: v.CreatedBy, CreatedAt: v.CreatedAt, Config: newMessageConfigJSON(v.Config)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": out})
}

func (s *Server) handleMessageConfigRevert(w http.ResponseWriter, r *http.Request) {
	event, err := eventFrom(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	var in struct {
		Version *int   `json:"version"`
		To      string `json:"to"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	c, err := s.revertedConfig(r, event, in.Version, in.To)
	if err == nil {
		err = s.Messages.SaveMessageConfig(r.Context(), c, userFrom(r.Context()).Email)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newMessageConfigJSON(c))
}

// revertedConfig builds the configuration a revert saves: an old version
// whole, or the store-creation message with today's toggle and fallback.
func (s *Server) revertedConfig(r *http.Request, event msgcenter.Event, version *int, to string) (*msgcenter.MessageConfig, error) {
	st := storeFrom(r.Context())
	cur, err := s.Messages.FindMessageConfig(r.Context(), st.ID, event)
	if err != nil {
		return nil, err
	}
	switch {
	case to == "default" && version == nil:
		d := msgcenter.DefaultMessageConfig(st.ID, event)
		d.AutomationEnabled, d.Fallback, d.Version = cur.AutomationEnabled, cur.Fallback, cur.Version
		return d, nil
	case to == "" && version != nil:
		v, err := s.Messages.FindMessageConfigVersion(r.Context(), st.ID, event, *version)
		if err != nil {
			return nil, err
		}
		c := *v.Config
		c.StoreID, c.Event, c.Version = st.ID, event, cur.Version
		// An old version is checked again: rules may have tightened since.
		if err := s.checkMessageConfig(r.Context(), st, &c); err != nil {
			return nil, err
		}
		return &c, nil
	}
	return nil, msgcenter.Invalid("Say what to revert to.", map[string]string{
		"version": `give {"version": N} to restore version N, or {"to": "default"} to restore the default message`,
	})
}

// previewJSON is a draft as the customer would see it, and its fallback
// with every button of its template.
type previewJSON struct {
	*render.Message
	Fallback *render.FallbackMessage `json:"fallback,omitempty"`
}

func (s *Server) handleMessageConfigPreview(w http.ResponseWriter, r *http.Request) {
	st := storeFrom(r.Context())
	c, err := s.draftConfig(r)
	if err == nil {
		err = s.checkMessageConfig(r.Context(), st, c)
	}
	var out previewJSON
	sample := render.SampleData(st.Name, s.publicLink(""))
	sample.StoreLanguage = st.Language
	if err == nil {
		out.Message, err = render.RenderMessage(c, sample)
	}
	if err == nil {
		out.Fallback, err = s.previewFallback(r.Context(), st, c, sample)
	}
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// previewFallback renders the chosen fallback template with the sample
// order, exactly as the worker fills it; nil when no template is chosen.
func (s *Server) previewFallback(ctx context.Context, st *msgcenter.Store, c *msgcenter.MessageConfig, sample *render.Data) (*render.FallbackMessage, error) {
	fb := c.Fallback
	if fb == nil || fb.TemplateName == "" || fb.ChannelID == 0 {
		return nil, nil
	}
	p, err := s.Providers.ProviderFor(ctx, st.ID)
	if err != nil {
		return nil, err
	}
	tpl, err := render.FindTemplate(ctx, p, st.ID, fb.ChannelID, fb.TemplateName, fb.TemplateLanguage)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return render.RenderFallback(tpl, c, st.Language, sample), nil
}

func (s *Server) handlePlaceholders(w http.ResponseWriter, r *http.Request) {
	event := msgcenter.Event(r.URL.Query().Get("event"))
	if !event.Valid() {
		s.Error(w, r, msgcenter.Invalid("Unknown event.", map[string]string{
			"event": "must be one of " + msgcenter.EventList(),
		}))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"event": event, "placeholders": render.Placeholders(event)})
}
