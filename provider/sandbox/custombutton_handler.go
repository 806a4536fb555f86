package sandbox

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/qiscus/msgcenter"
)

// webhookTimeout bounds the sandbox's post to a custom button's webhook.
const webhookTimeout = 15 * time.Second

// customButtonRoutes registers Settings → Custom Button and the buttons' clicks.
func (h *handler) customButtonRoutes(mux *routes) {
	mux.HandleFunc("GET /sandbox/settings/custom-buttons", h.customButtons)
	mux.HandleFunc("POST /sandbox/settings/custom-buttons", h.createCustomButton)
	mux.HandleFunc("GET /sandbox/settings/custom-buttons/{bid}", h.customButton)
	mux.HandleFunc("POST /sandbox/settings/custom-buttons/{bid}", h.updateCustomButton)
	mux.HandleFunc("POST /sandbox/settings/custom-buttons/{bid}/delete", h.deleteCustomButton)
	mux.HandleFunc("POST /sandbox/rooms/{id}/custom-buttons/{bid}/click", h.clickCustomButton)
}

// storeOption is a store the Settings form offers.
type storeOption struct {
	ID   int64
	Name string
}

// visibleStores lists the stores the requester may configure.
func (h *handler) visibleStores(r *http.Request) ([]storeOption, error) {
	all, ids, err := h.visible(r)
	if err != nil {
		return nil, err
	}
	rows, err := h.p.db.QueryContext(r.Context(), `SELECT id, name FROM stores ORDER BY id LIMIT 1000`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []storeOption
	for rows.Next() {
		var s storeOption
		if err := rows.Scan(&s.ID, &s.Name); err != nil {
			return nil, err
		}
		if all || slices.Contains(ids, s.ID) {
			out = append(out, s)
		}
	}
	return out, rows.Err()
}

// findButton finds the path's button among the visible stores.
func (h *handler) findButton(r *http.Request) (*CustomButton, error) {
	id, err := strconv.ParseInt(r.PathValue("bid"), 10, 64)
	if err != nil || id <= 0 {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Custom button not found.")
	}
	b, err := h.p.FindCustomButton(r.Context(), id)
	if err != nil {
		return nil, err
	}
	all, ids, err := h.visible(r)
	if err != nil {
		return nil, err
	}
	if !all && !slices.Contains(ids, b.StoreID) {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Custom button %d not found.", id)
	}
	return b, nil
}

type buttonsPage struct {
	layout
	Stores  []storeOption
	Buttons []*buttonView
	Form    *CustomButton
	Fields  map[string]string
}

type buttonView struct {
	*CustomButton
	StoreName string
}

func (h *handler) customButtons(w http.ResponseWriter, r *http.Request) {
	h.renderButtons(w, r, http.StatusOK, &CustomButton{ButtonText: DefaultButtonText}, nil)
}

func (h *handler) renderButtons(w http.ResponseWriter, r *http.Request, status int, form *CustomButton, fields map[string]string) {
	stores, err := h.visibleStores(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	all, ids, err := h.visible(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	bs, err := h.p.CustomButtons(r.Context(), all, ids)
	if err != nil {
		h.error(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, s := range stores {
		names[s.ID] = s.Name
	}
	p := buttonsPage{layout: layout{Title: "Settings · Custom Button"}, Stores: stores, Form: form, Fields: fields}
	for _, b := range bs {
		p.Buttons = append(p.Buttons, &buttonView{CustomButton: b, StoreName: names[b.StoreID]})
	}
	h.render(w, r, status, "custom_buttons.html", "layout", p)
}

// buttonForm reads the Settings form into b.
func buttonForm(r *http.Request, b *CustomButton) {
	b.Label = r.PostForm.Get("label")
	b.ButtonText = r.PostForm.Get("button_text")
	b.WebhookURL = r.PostForm.Get("webhook_url")
}

func (h *handler) createCustomButton(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.error(w, r, err)
		return
	}
	b := &CustomButton{}
	buttonForm(r, b)
	b.StoreID, _ = strconv.ParseInt(r.PostForm.Get("store_id"), 10, 64)
	stores, err := h.visibleStores(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if !slices.ContainsFunc(stores, func(s storeOption) bool { return s.ID == b.StoreID }) {
		if b.StoreID != 0 {
			// Another admin's store: as if it did not exist.
			h.error(w, r, msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found."))
			return
		}
		// None chosen: refused by Validate with its field message.
	}
	if err := h.p.CreateCustomButton(r.Context(), b); err != nil {
		if msgcenter.ErrorCode(err) == msgcenter.EINVALID {
			h.renderButtons(w, r, http.StatusBadRequest, b, msgcenter.ErrorFields(err))
			return
		}
		h.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox/settings/custom-buttons", http.StatusSeeOther)
}

func (h *handler) customButton(w http.ResponseWriter, r *http.Request) {
	b, err := h.findButton(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "custom_button.html", "layout", buttonsPage{layout: layout{Title: "Edit custom button"}, Form: b})
}

func (h *handler) updateCustomButton(w http.ResponseWriter, r *http.Request) {
	b, err := h.findButton(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.error(w, r, err)
		return
	}
	buttonForm(r, b)
	if err := h.p.UpdateCustomButton(r.Context(), b); err != nil {
		if msgcenter.ErrorCode(err) == msgcenter.EINVALID {
			h.render(w, r, http.StatusBadRequest, "custom_button.html", "layout",
				buttonsPage{layout: layout{Title: "Edit custom button"}, Form: b, Fields: msgcenter.ErrorFields(err)})
			return
		}
		h.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox/settings/custom-buttons", http.StatusSeeOther)
}

func (h *handler) deleteCustomButton(w http.ResponseWriter, r *http.Request) {
	b, err := h.findButton(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if err := h.p.DeleteCustomButton(r.Context(), b.StoreID, b.ID); err != nil {
		h.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox/settings/custom-buttons", http.StatusSeeOther)
}

// clickCustomButton is an agent's click in a room: the sandbox posts the
// room to the button's webhook from the server, as the omnichannel does,
// and shows the webhook's status (and msgcenter's click status) on the
// room's page, never its body.
func (h *handler) clickCustomButton(w http.ResponseWriter, r *http.Request) {
	rm, err := h.findRoom(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	b, err := h.findButton(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if b.StoreID != rm.StoreID {
		h.error(w, r, msgcenter.Errorf(msgcenter.ENOTFOUND, "Custom button %d not found.", b.ID))
		return
	}
	res, err := h.p.ClickInPlatformRoom(r.Context(), rm.StoreID, rm.ID, b.ID)
	if err != nil {
		h.error(w, r, err)
		return
	}
	note := b.ButtonText + ": webhook answered " + strconv.Itoa(res.Status)
	if res.ClickStatus != "" {
		note += ` "` + res.ClickStatus + `"`
	}
	http.Redirect(w, r, "/sandbox/rooms/"+strconv.FormatInt(rm.ID, 10)+"?clicked="+url.QueryEscape(note), http.StatusSeeOther)
}
