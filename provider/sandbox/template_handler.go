package sandbox

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/qiscus/msgcenter"
)

// templateRoutes registers Settings → WhatsApp: the template catalogue of
// each WhatsApp channel, whose statuses a person changes as WhatsApp's review
// would, and each store's credit balance with a top-up.
func (h *handler) templateRoutes(mux *routes) {
	mux.HandleFunc("GET /sandbox/settings/whatsapp", h.whatsApp)
	mux.HandleFunc("POST /sandbox/settings/whatsapp/templates", h.createTemplate)
	mux.HandleFunc("POST /sandbox/settings/whatsapp/templates/status", h.templateStatus)
	mux.HandleFunc("POST /sandbox/settings/whatsapp/credits", h.topUp)
}

// waChannel is a WhatsApp channel of a store's app, with its templates.
type waChannel struct {
	ID        int64
	StoreID   int64
	StoreName string
	Name      string
	Templates []*msgcenter.WhatsAppTemplate
}

// waStore is a store with its balance and WhatsApp channels.
type waStore struct {
	storeOption
	Credits  int64
	Channels []*waChannel
}

func (h *handler) whatsApp(w http.ResponseWriter, r *http.Request) {
	h.renderWhatsApp(w, r, http.StatusOK, nil)
}

func (h *handler) renderWhatsApp(w http.ResponseWriter, r *http.Request, status int, fields map[string]string) {
	stores, err := h.visibleStores(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	data := struct {
		layout
		Stores     []*waStore
		Categories []string
		Types      []string
		Statuses   []string
		Fields     map[string]string
	}{layout: layout{Title: "Settings · WhatsApp · Sandbox"}, Categories: msgcenter.TemplateCategories(),
		Types: msgcenter.TemplateTypes(), Statuses: msgcenter.TemplateStatuses(), Fields: fields}
	for _, st := range stores {
		ws := &waStore{storeOption: st}
		if ws.Credits, err = h.p.Credits(r.Context(), st.ID); err != nil {
			h.error(w, r, err)
			return
		}
		rows, err := h.p.db.QueryContext(r.Context(), `SELECT id, name FROM sandbox_channels WHERE store_id = $1 AND type = 'whatsapp' ORDER BY id`, st.ID)
		if err != nil {
			h.error(w, r, err)
			return
		}
		for rows.Next() {
			c := &waChannel{StoreID: st.ID, StoreName: st.Name}
			if err := rows.Scan(&c.ID, &c.Name); err != nil {
				rows.Close()
				h.error(w, r, err)
				return
			}
			ws.Channels = append(ws.Channels, c)
		}
		rows.Close()
		for _, c := range ws.Channels {
			if c.Templates, err = h.p.PlatformTemplates(r.Context(), st.ID, c.ID); err != nil {
				h.error(w, r, err)
				return
			}
		}
		data.Stores = append(data.Stores, ws)
	}
	h.render(w, r, status, "whatsapp.html", "layout", data)
}

// storeForm reads a settings form and its store, which must be visible;
// on failure it has answered.
func (h *handler) storeForm(w http.ResponseWriter, r *http.Request) (int64, bool) {
	if err := parseForm(w, r); err != nil {
		h.error(w, r, err)
		return 0, false
	}
	storeID, err := h.formStore(r)
	if err != nil {
		h.error(w, r, err)
		return 0, false
	}
	return storeID, true
}

// formStore reads the form's store id, which must be visible.
func (h *handler) formStore(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PostForm.Get("store_id"), 10, 64)
	if err != nil {
		return 0, msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
	}
	stores, err := h.visibleStores(r)
	if err != nil {
		return 0, err
	}
	if !slices.ContainsFunc(stores, func(s storeOption) bool { return s.ID == id }) {
		return 0, msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
	}
	return id, nil
}

func (h *handler) createTemplate(w http.ResponseWriter, r *http.Request) {
	storeID, ok := h.storeForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	channelID, _ := strconv.ParseInt(f.Get("channel_id"), 10, 64)
	t := &msgcenter.WhatsAppTemplate{ChannelID: channelID, Name: strings.TrimSpace(f.Get("name")), Language: strings.TrimSpace(f.Get("language")),
		Category: f.Get("category"), Type: f.Get("type"), Status: f.Get("status"), Header: f.Get("header"), Body: f.Get("body")}
	if text := strings.TrimSpace(f.Get("button_text")); text != "" {
		t.Buttons = []msgcenter.TemplateButton{{Type: msgcenter.ButtonURL, Text: text, URL: strings.TrimSpace(f.Get("button_url")), Dynamic: f.Get("button_dynamic") == "on"}}
	}
	if raw := strings.TrimSpace(f.Get("buttons_json")); raw != "" {
		if err := json.Unmarshal([]byte(raw), &t.Buttons); err != nil {
			h.renderWhatsApp(w, r, http.StatusBadRequest, map[string]string{"buttons_json": "must be a JSON list of buttons"})
			return
		}
	}
	if err := h.p.CreatePlatformTemplate(r.Context(), storeID, t); err != nil {
		if fields := msgcenter.ErrorFields(err); len(fields) > 0 {
			h.renderWhatsApp(w, r, http.StatusBadRequest, fields)
			return
		}
		h.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox/settings/whatsapp", http.StatusSeeOther)
}

func (h *handler) templateStatus(w http.ResponseWriter, r *http.Request) {
	storeID, ok := h.storeForm(w, r)
	if !ok {
		return
	}
	f := r.PostForm
	channelID, _ := strconv.ParseInt(f.Get("channel_id"), 10, 64)
	if err := h.p.SetPlatformTemplateStatus(r.Context(), storeID, channelID, f.Get("name"), f.Get("language"), f.Get("status")); err != nil {
		h.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox/settings/whatsapp", http.StatusSeeOther)
}

func (h *handler) topUp(w http.ResponseWriter, r *http.Request) {
	storeID, ok := h.storeForm(w, r)
	if !ok {
		return
	}
	n, _ := strconv.ParseInt(r.PostForm.Get("credits"), 10, 64)
	if err := h.p.TopUp(r.Context(), storeID, n); err != nil {
		h.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox/settings/whatsapp", http.StatusSeeOther)
}
