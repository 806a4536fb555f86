package http

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
)

// customButtonJSON is the custom button on the share_microsite_url entry of
// the message center: its URL, label, whether the provider created it, and
// the spec's manual steps with the URL in them.
type customButtonJSON struct {
	URL   string `json:"url"`
	Label string `json:"label"`
	// LabelSetByAdmin is false while the label follows the store name.
	LabelSetByAdmin bool     `json:"label_set_by_admin"`
	AutoCreated     bool     `json:"auto_created"`
	ManualSteps     []string `json:"manual_steps"`
}

// manualSteps are the spec's steps to set the button up by hand, in lang.
func manualSteps(url string, lang msgcenter.Language) []string {
	t := i18n.For(lang).T
	return []string{
		t("button.step1", url), t("button.step2"), t("button.step3"), t("button.step4"),
		t("button.step5"), t("button.step6", url), t("button.step7"),
	}
}

// customButton returns the store's button, setting it up first when the
// store has none (stores made before the button existed, or whose set-up
// failed at creation) and renaming it after the store when its label, not
// the admin's, is not the store's name (a rename the set-up after it missed),
// its manual steps in lang.
func (s *Server) customButton(ctx context.Context, st *msgcenter.Store, lang msgcenter.Language) (*customButtonJSON, error) {
	b, err := s.CustomButtons.FindCustomButton(ctx, st.ID)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		b, err = s.CustomButtons.SetupCustomButton(ctx, st)
	}
	if err == nil && !b.LabelSetByAdmin && b.Label != st.Name {
		b, err = s.CustomButtons.FollowStoreName(ctx, st)
	}
	if err != nil {
		return nil, err
	}
	return newCustomButtonJSON(s.CustomButtons.CustomButtonURL(b), b, lang), nil
}

func newCustomButtonJSON(url string, b *msgcenter.CustomButton, lang msgcenter.Language) *customButtonJSON {
	return &customButtonJSON{URL: url, Label: b.Label, LabelSetByAdmin: b.LabelSetByAdmin, AutoCreated: b.AutoCreated, ManualSteps: manualSteps(url, lang)}
}

// withCustomButton returns the message center's entries with the custom
// button added to share_microsite_url's.
func (s *Server) withCustomButton(r *http.Request, entries []messageConfigJSON) ([]any, error) {
	out := make([]any, 0, len(entries))
	for _, e := range entries {
		if e.Event != msgcenter.EventShareMicrositeURL || s.CustomButtons == nil {
			out = append(out, e)
			continue
		}
		b, err := s.customButton(r.Context(), storeFrom(r.Context()), adminLang(r, userFrom(r.Context())))
		if err != nil {
			return nil, err
		}
		out = append(out, struct {
			messageConfigJSON
			CustomButton *customButtonJSON `json:"custom_button"`
		}{e, b})
	}
	return out, nil
}

// setupCustomButton creates a new store's custom button. A failure is
// logged, not answered: the store exists, and the message center sets the
// button up when it is first shown.
func (s *Server) setupCustomButton(ctx context.Context, st *msgcenter.Store) {
	if s.CustomButtons == nil {
		return
	}
	if _, err := s.CustomButtons.SetupCustomButton(ctx, st); err != nil {
		s.Logger.Error("custom button set-up", slog.Int64("store", st.ID), slog.Any("err", err))
	}
}

// handleCustomButtonRotate answers POST …/share_microsite_url/custom-button/rotate:
// a new secret, the old URL dead, the button re-created where the provider can.
func (s *Server) handleCustomButtonRotate(w http.ResponseWriter, r *http.Request) {
	st := storeFrom(r.Context())
	b, err := s.CustomButtons.RotateCustomButton(r.Context(), st)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newCustomButtonJSON(s.CustomButtons.CustomButtonURL(b), b, adminLang(r, userFrom(r.Context()))))
}

// followStoreName renames a store's custom button after the store, unless
// its admin named the button. A failure is logged, not answered: the store
// was renamed, and the Message Center renames the button when next shown.
func (s *Server) followStoreName(ctx context.Context, st *msgcenter.Store) {
	if s.CustomButtons == nil {
		return
	}
	if _, err := s.CustomButtons.FollowStoreName(ctx, st); err != nil {
		s.Logger.Error("custom button rename", slog.Int64("store", st.ID), slog.Any("err", err))
	}
}

// handleCustomButtonLabel answers PUT …/share_microsite_url/custom-button:
// {"label": "…"} names the button, {"label": ""} makes it follow the store
// name again; the provider is asked to update it.
func (s *Server) handleCustomButtonLabel(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Label *string `json:"label"`
	}
	if err := decodeJSON(r, &in); err != nil {
		s.Error(w, r, err)
		return
	}
	if in.Label == nil {
		s.Error(w, r, msgcenter.Invalid("Give the label.", map[string]string{
			"label": `is required: the button's label, or "" to follow the store name`}))
		return
	}
	st := storeFrom(r.Context())
	b, err := s.CustomButtons.SetCustomButtonLabel(r.Context(), st, *in.Label)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newCustomButtonJSON(s.CustomButtons.CustomButtonURL(b), b, adminLang(r, userFrom(r.Context()))))
}
