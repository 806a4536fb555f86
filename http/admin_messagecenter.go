package http

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
	"github.com/qiscus/msgcenter/i18n"
	"github.com/qiscus/msgcenter/render"
)

// messageCenterPage is one event's tab of the Message Center. The page
// renders the saved state; admin.js then previews, saves, lists versions
// and reverts through the JSON API with the session cookie, so the rules
// (placeholders, limits, versions) live in the API's code only.
type messageCenterPage struct {
	*adminPage
	Tabs       []eventTab
	Config     *msgcenter.MessageConfig
	Event      msgcenter.Event
	EventTitle string
	// TriggerType and TriggerText say what sends the tab's message, as the
	// spec's table of events gives them: "Automatic" or "Manual (triggered
	// by agent)", and when.
	TriggerType, TriggerText string
	Automatic                bool
	Placeholders             []render.Placeholder
	Languages                []option
	// API is the event's Message Center endpoint for the page's script.
	API string
	// Defaults are the built-in texts, which Custom starts from when empty.
	DefaultBodyEN, DefaultLabelEN, DefaultBodyID, DefaultLabelID string
	// Preview is the saved message rendered with sample data, shown before
	// the script takes over.
	Preview                 *render.Message
	BodyCount, LabelCount   int
	MaxBodyLen, MaxLabelLen int
	// StoreAPI is the store's API root, for channels, templates, credits,
	// rooms and deliveries.
	StoreAPI string
	// HasFallback shows the WhatsApp Fallback section; FallbackJSON is the
	// saved fallback for the script and PathPlaceholders the placeholders
	// its CTA button variable may take, comma-separated.
	HasFallback      bool
	FallbackJSON     string
	PathPlaceholders string
	// CustomButton is the Share Microsite URL tab's custom button.
	CustomButton *customButtonJSON
	// ChannelNamesJSON names the channel types for the script, from
	// msgcenter.ChannelTitles.
	ChannelNamesJSON string
}

// eventTab is one tab of the tab bar.
type eventTab struct {
	Event  msgcenter.Event
	Title  string
	URL    string
	Active bool
}

func (s *Server) handleMessageCenterPage(w http.ResponseWriter, r *http.Request) {
	event, err := eventFrom(r)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	st := storeFrom(r.Context())
	c, err := s.Messages.FindMessageConfig(r.Context(), st.ID, event)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p, err := s.newAdminPage(r, "admin.mc.title", "message-center", eventTitle(event, adminLang(r, userFrom(r.Context()))))
	if err != nil {
		s.Error(w, r, err)
		return
	}
	p.Scripts = []string{"admin.js"}
	p.ScriptTexts = i18n.Texts(msgcenter.Language(p.Lang), "js.")
	mp := &messageCenterPage{
		adminPage: p, Config: c, Event: event, EventTitle: eventTitle(event, msgcenter.Language(p.Lang)), Automatic: event.Automatic(),
		Placeholders: render.Placeholders(event), Languages: languageOptions(),
		API:        "/api/v1/stores/" + strconv.FormatInt(st.ID, 10) + "/message-center/" + string(event),
		BodyCount:  utf8.RuneCountInString(c.Body),
		LabelCount: utf8.RuneCountInString(c.ButtonLabel),
		MaxBodyLen: msgcenter.MaxBodyLength, MaxLabelLen: msgcenter.MaxButtonLabelLength,
	}
	mp.TriggerType, mp.TriggerText = eventTrigger(event, msgcenter.Language(p.Lang))
	mp.StoreAPI = "/api/v1/stores/" + strconv.FormatInt(st.ID, 10)
	names, err := json.Marshal(msgcenter.ChannelTitles())
	if err != nil {
		s.Error(w, r, err)
		return
	}
	mp.ChannelNamesJSON = string(names)
	if event.HasFallback() {
		fb := c.Fallback
		if fb == nil {
			fb = &msgcenter.FallbackConfig{}
		}
		b, err := json.Marshal(fb)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		mp.HasFallback, mp.FallbackJSON = true, string(b)
		mp.PathPlaceholders = strings.Join(render.PathPlaceholders(event), ",")
	}
	if event == msgcenter.EventShareMicrositeURL && s.CustomButtons != nil {
		if mp.CustomButton, err = s.customButton(r.Context(), st, msgcenter.Language(p.Lang)); err != nil {
			s.Error(w, r, err)
			return
		}
	}
	mp.DefaultBodyEN, mp.DefaultLabelEN = render.Default(event, msgcenter.LanguageEnglish)
	mp.DefaultBodyID, mp.DefaultLabelID = render.Default(event, msgcenter.LanguageIndonesian)
	for _, e := range msgcenter.Events() {
		mp.Tabs = append(mp.Tabs, eventTab{Event: e, Title: eventTitle(e, msgcenter.Language(p.Lang)), URL: storeURL(st, "/message-center/"+string(e)), Active: e == event})
	}
	// A saved message that no longer renders (rules tightened since) is
	// shown without a preview; the script shows the error beside the field.
	sample := render.SampleData(st.Name, s.publicLink(""))
	sample.StoreLanguage = st.Language
	if msg, err := render.RenderMessage(c, sample); err == nil {
		mp.Preview = msg
	}
	s.renderAdmin(w, r, http.StatusOK, "admin_messagecenter.html", mp)
}

// eventTrigger returns what sends event's message, type and description, in
// lang: the spec's table of events, from the catalogues.
func eventTrigger(e msgcenter.Event, lang msgcenter.Language) (kind, text string) {
	t := i18n.For(lang).T
	kind = t("trigger.manual")
	if e.Automatic() {
		kind = t("trigger.automatic")
	}
	return kind, t("trigger." + string(e))
}
