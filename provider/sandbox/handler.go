package sandbox

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/qiscus/msgcenter"
)

//go:embed templates static
var assets embed.FS

// HandlerConfig says whom the sandbox pages show what.
type HandlerConfig struct {
	// StoreIDs returns the stores the requester may see; nil func = every store (demo, tests).
	StoreIDs func(r *http.Request) ([]int64, error)
	// OnInbound is called after a customer message is posted (may be nil).
	OnInbound func(ctx context.Context, storeID, roomID int64)
	// OnStatus takes the WhatsApp status webhook's body the page's status
	// control makes for a sent message (see StatusWebhook); nil answers that
	// the sandbox reports no statuses.
	OnStatus func(ctx context.Context, storeID int64, body []byte) error
	// Self returns msgcenter's own address (http://host:port), where custom
	// button clicks are posted; nil refuses clicks.
	Self func() string
}

// agePast is how far "Age past 24 h" moves a room's last inbound message back.
const agePast = 25 * time.Hour

// handler serves the sandbox pages.
type handler struct {
	p    *Provider
	cfg  HandlerConfig
	tmpl map[string]*template.Template
}

// Handler returns the sandbox's pages: the rooms at /sandbox, each room's
// conversation at /sandbox/rooms/{id} with forms to post a customer message
// and to age the room, and the faults form; and the local Qiscus's API
// under APIPrefix (see API). It serves full paths, so mount it
// at "/sandbox" and "/sandbox/" without stripping the prefix. The embedded
// templates are parsed here: Handler panics if one is broken, which the tests
// catch before any request could.
func (p *Provider) Handler(cfg HandlerConfig) http.Handler {
	h := &handler{p: p, cfg: cfg, tmpl: map[string]*template.Template{}}
	funcs := template.FuncMap{
		"time": func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") },
	}
	for _, page := range []string{"rooms.html", "room.html", "error.html", "custom_buttons.html", "custom_button.html", "whatsapp.html"} {
		h.tmpl[page] = template.Must(template.New(page).Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/"+page))
	}
	static, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err)
	}
	fileServer := http.StripPrefix("/sandbox/static/", http.FileServerFS(static))

	mux := &routes{mux: http.NewServeMux(), h: h}
	mux.HandleFunc("GET /sandbox", h.rooms)
	mux.HandleFunc("GET /sandbox/{$}", h.rooms)
	mux.HandleFunc("GET /sandbox/rooms/{id}", h.room)
	mux.HandleFunc("POST /sandbox/rooms/{id}/messages", h.postMessage)
	mux.HandleFunc("POST /sandbox/rooms/{id}/age", h.age)
	mux.HandleFunc("POST /sandbox/rooms/{id}/messages/{mid}/status", h.markStatus)
	mux.HandleFunc("POST /sandbox/faults", h.injectFaults)
	mux.HandleFunc("POST /sandbox/faults/clear", h.clearFaults)
	h.customButtonRoutes(mux)
	h.templateRoutes(mux)
	// The style sheet and script are the only things served signed out.
	mux.mux.Handle("GET /sandbox/static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache")
		fileServer.ServeHTTP(w, r)
	}))
	// The platform's API authenticates its callers by app id and secret
	// key, not by an admin's sign-in.
	mux.mux.Handle(APIPrefix+"/", p.API())
	mux.mux.HandleFunc("/sandbox/", func(w http.ResponseWriter, r *http.Request) {
		h.error(w, r, msgcenter.Errorf(msgcenter.ENOTFOUND, "Page not found."))
	})
	return mux
}

// routes is the sandbox's router: every page and action it registers needs
// the requester to be an admin (HandlerConfig.StoreIDs answers), and it
// remembers the patterns so tests can walk them.
type routes struct {
	mux      *http.ServeMux
	h        *handler
	patterns []string
}

// HandleFunc registers an action or page that needs a signed-in admin.
func (m *routes) HandleFunc(pattern string, f http.HandlerFunc) {
	m.patterns = append(m.patterns, pattern)
	m.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if m.h.cfg.StoreIDs != nil {
			if _, err := m.h.cfg.StoreIDs(r); err != nil {
				m.h.error(w, r, err)
				return
			}
		}
		f(w, r)
	})
}

// ServeHTTP implements http.Handler.
func (m *routes) ServeHTTP(w http.ResponseWriter, r *http.Request) { m.mux.ServeHTTP(w, r) }

// Routes returns every page and action pattern ("METHOD /path/{param}"),
// sorted: each needs a signed-in admin and touches only that admin's stores.
func (m *routes) Routes() []string {
	out := append([]string(nil), m.patterns...)
	slices.Sort(out)
	return out
}

// visible returns whether every store is visible, else the visible stores.
func (h *handler) visible(r *http.Request) (all bool, ids []int64, err error) {
	if h.cfg.StoreIDs == nil {
		return true, nil, nil
	}
	ids, err = h.cfg.StoreIDs(r)
	return false, ids, err
}

// findRoom finds the room named by the path's id among the visible stores;
// any other room is ENOTFOUND, as if it did not exist.
func (h *handler) findRoom(r *http.Request) (*room, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room not found.")
	}
	all, ids, err := h.visible(r)
	if err != nil {
		return nil, err
	}
	rm, err := h.p.findRoom(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if !all && !slices.Contains(ids, rm.StoreID) {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room %d not found.", id)
	}
	return rm, nil
}

// layout is what the layout template needs of every page.
type layout struct {
	Title   string
	Scripts []string // files under /sandbox/static/
}

// roomView is a room with its session state at the time of the request.
type roomView struct {
	*room
	Expired bool
}

func (h *handler) view(rm *room) roomView {
	return roomView{room: rm, Expired: msgcenter.SessionExpired(rm.ChannelType, rm.LastInboundAt, h.p.now())}
}

// faultOption is one choice of the faults form.
type faultOption struct {
	Mode    FaultMode
	Pending int
}

// storeFaults is one store's pending faults, for the faults form.
type storeFaults struct {
	storeOption
	Pending []faultOption
}

func (h *handler) rooms(w http.ResponseWriter, r *http.Request) {
	all, ids, err := h.visible(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	rms, err := h.p.findRooms(r.Context(), all, ids)
	if err != nil {
		h.error(w, r, err)
		return
	}
	stores, err := h.visibleStores(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	data := struct {
		layout
		Rooms  []roomView
		Modes  []FaultMode
		Stores []storeFaults
	}{layout: layout{Title: "Sandbox omnichannel"}, Modes: FaultModes()}
	for _, rm := range rms {
		data.Rooms = append(data.Rooms, h.view(rm))
	}
	for _, st := range stores {
		pending, err := h.p.PendingFaults(r.Context(), st.ID)
		if err != nil {
			h.error(w, r, err)
			return
		}
		sf := storeFaults{storeOption: st}
		for _, m := range FaultModes() {
			if pending[m] > 0 {
				sf.Pending = append(sf.Pending, faultOption{Mode: m, Pending: pending[m]})
			}
		}
		data.Stores = append(data.Stores, sf)
	}
	h.render(w, r, http.StatusOK, "rooms.html", "layout", data)
}

func (h *handler) room(w http.ResponseWriter, r *http.Request) {
	rm, err := h.findRoom(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	ms, err := h.p.Messages(r.Context(), rm.StoreID, rm.ID)
	if err != nil {
		h.error(w, r, err)
		return
	}
	buttons, err := h.p.CustomButtons(r.Context(), false, []int64{rm.StoreID})
	if err != nil {
		h.error(w, r, err)
		return
	}
	data := struct {
		layout
		Room     roomView
		Messages []*Message
		Buttons  []*CustomButton
		Clicked  string
	}{layout: layout{Title: rm.CustomerName + " · Sandbox", Scripts: []string{"sandbox.js"}}, Room: h.view(rm), Messages: ms,
		Buttons: buttons, Clicked: r.URL.Query().Get("clicked")}
	if r.URL.Query().Get("partial") == "1" {
		// The conversation alone, for the page's poller.
		h.render(w, r, http.StatusOK, "room.html", "conversation", data)
		return
	}
	h.render(w, r, http.StatusOK, "room.html", "layout", data)
}

// maxForm bounds the body of the pages' forms.
const maxForm = 64 << 10

func (h *handler) postMessage(w http.ResponseWriter, r *http.Request) {
	rm, err := h.findRoom(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.error(w, r, err)
		return
	}
	if err := h.p.PostInbound(r.Context(), rm.StoreID, rm.ID, r.PostForm.Get("text")); err != nil {
		h.error(w, r, err)
		return
	}
	if h.cfg.OnInbound != nil {
		h.cfg.OnInbound(r.Context(), rm.StoreID, rm.ID)
	}
	http.Redirect(w, r, "/sandbox/rooms/"+strconv.FormatInt(rm.ID, 10), http.StatusSeeOther)
}

func (h *handler) age(w http.ResponseWriter, r *http.Request) {
	rm, err := h.findRoom(r)
	if err != nil {
		h.error(w, r, err)
		return
	}
	if err := h.p.AgeRoom(r.Context(), rm.StoreID, rm.ID, agePast); err != nil {
		h.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox/rooms/"+strconv.FormatInt(rm.ID, 10), http.StatusSeeOther)
}

// injectFaults makes the chosen store's next sends fail: only a store of
// the signed-in admin.
func (h *handler) injectFaults(w http.ResponseWriter, r *http.Request) {
	storeID, ok := h.storeForm(w, r)
	if !ok {
		return
	}
	n, err := strconv.Atoi(r.PostForm.Get("n"))
	if err != nil {
		n = 0 // refused by InjectFaults with its field message
	}
	if err := h.p.InjectFaults(r.Context(), storeID, FaultMode(r.PostForm.Get("mode")), n); err != nil {
		h.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox", http.StatusSeeOther)
}

// clearFaults drops the chosen store's pending faults.
func (h *handler) clearFaults(w http.ResponseWriter, r *http.Request) {
	storeID, ok := h.storeForm(w, r)
	if !ok {
		return
	}
	if err := h.p.ClearFaults(r.Context(), storeID); err != nil {
		h.error(w, r, err)
		return
	}
	http.Redirect(w, r, "/sandbox", http.StatusSeeOther)
}

// render executes the named template of page into a buffer first, so that a
// failing template answers 500 instead of half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, page, name string, data any) {
	var buf bytes.Buffer
	if err := h.tmpl[page].ExecuteTemplate(&buf, name, data); err != nil {
		slog.ErrorContext(r.Context(), "sandbox: render", "page", page, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// parseForm reads a page form's body, at most maxForm bytes.
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return msgcenter.Errorf(msgcenter.ETOOLARGE, "The form is too large.")
		}
		return msgcenter.Invalid("The form could not be read.", nil)
	}
	return nil
}

// statusOf maps an error code to the page's HTTP status.
func statusOf(code string) int {
	switch code {
	case msgcenter.EINVALID:
		return http.StatusBadRequest
	case msgcenter.ENOTFOUND:
		return http.StatusNotFound
	case msgcenter.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case msgcenter.EFORBIDDEN:
		return http.StatusForbidden
	case msgcenter.ECONFLICT:
		return http.StatusConflict
	case msgcenter.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// error answers an error page; internal errors are logged and shown as
// "Internal error.".
func (h *handler) error(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(msgcenter.ErrorCode(err))
	if status == http.StatusInternalServerError {
		slog.ErrorContext(r.Context(), "sandbox: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	data := struct {
		layout
		Status  int
		Message string
		Fields  map[string]string
	}{layout: layout{Title: http.StatusText(status)}, Status: status, Message: msgcenter.ErrorMessage(err), Fields: msgcenter.ErrorFields(err)}
	h.render(w, r, status, "error.html", "layout", data)
}
