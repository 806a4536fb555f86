package sandbox

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
)

// APIPrefix is where the sandbox serves the Qiscus Omnichannel API on
// msgcenter's own listener: a store's app on the local Qiscus has base URL
// {msgcenter}/sandbox/qiscus.
const APIPrefix = "/sandbox/qiscus"

// hsmPageSize is how many templates a page of the HSM list holds, as the
// platform pages it.
const hsmPageSize = 5

// maxAPIBody bounds a request body of the API.
const maxAPIBody = 1 << 20

// API serves the Qiscus Omnichannel API that the qiscus adapter calls, with
// the shapes its package doc lists, on the sandbox's own records, under
// APIPrefix (it strips it):
//
//   - POST /{app_id}/bot: a session message to a room;
//   - POST /whatsapp/v1/{app_id}/{channel_id}/messages: a WhatsApp template;
//   - GET /api/v2/admin/hsm?channel_id=&page=: the template catalogue, five
//     to a page, types and statuses as numbers;
//   - GET /api/v2/customer_rooms/{room_id}: a room's channel and the
//     customer's last message time.
//
// Every request must carry the headers Qiscus-App-Id and Qiscus-Secret-Key
// of an app the sandbox issued (IssueApp), else it is answered 401 with the
// platform's error body. The platform decides the WhatsApp 24-hour rule from
// its own last customer message time; template messages are always allowed.
func (p *Provider) API() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{app}/bot", p.apiAuth(p.apiBotSend))
	mux.HandleFunc("POST /whatsapp/v1/{app}/{channel}/messages", p.apiAuth(p.apiTemplateSend))
	mux.HandleFunc("GET /api/v2/admin/hsm", p.apiAuth(p.apiTemplates))
	mux.HandleFunc("GET /api/v2/customer_rooms/{room}", p.apiAuth(p.apiCustomerRoom))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		apiError(w, http.StatusNotFound, "not found")
	})
	return http.StripPrefix(APIPrefix, mux)
}

// findBotRoom returns the store's platform room (nil when it has none of
// that id) and whether a fault of the store waits.
func (p *Provider) findBotRoom(ctx context.Context, storeID, roomID int64) (*PlatformRoom, bool, error) {
	var (
		pending         bool
		id, channelID   sql.NullInt64
		typ, name, user sql.NullString
		last, created   sql.NullTime
	)
	err := p.db.QueryRowContext(ctx, `
		SELECT EXISTS (SELECT 1 FROM sandbox_faults WHERE store_id = $1 AND remaining > 0),
			r.id, r.channel_id, c.type, r.customer_name, r.customer_user_id, r.last_customer_at, r.created_at
		FROM (SELECT 1 AS one) AS x
		LEFT JOIN sandbox_rooms r ON r.store_id = $1 AND r.id = $2
		LEFT JOIN sandbox_channels c ON c.id = r.channel_id`, storeID, roomID).
		Scan(&pending, &id, &channelID, &typ, &name, &user, &last, &created)
	if err != nil {
		return nil, false, fmt.Errorf("sandbox: find room: %w", err)
	}
	if !id.Valid {
		return nil, pending, nil
	}
	r := &PlatformRoom{ID: id.Int64, StoreID: storeID, ChannelID: channelID.Int64, ChannelType: msgcenter.ChannelType(typ.String),
		CustomerName: name.String, CustomerUserID: user.String, CreatedAt: created.Time}
	if last.Valid {
		r.LastCustomerAt = last.Time.UTC()
	}
	return r, pending, nil
}

// apiHandler is an API handler of an authenticated app.
type apiHandler func(w http.ResponseWriter, r *http.Request, app *App)

// apiAuth finds the app of the request's Qiscus-App-Id and checks its
// Qiscus-Secret-Key in constant time; an {app} in the path must be that app.
func (p *Provider) apiAuth(h apiHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, secret := r.Header.Get("Qiscus-App-Id"), r.Header.Get("Qiscus-Secret-Key")
		unauthorized := func() {
			apiError(w, http.StatusUnauthorized, "Unauthorized: invalid Qiscus-App-Id or Qiscus-Secret-Key")
		}
		if id == "" || secret == "" || len(id) > 100 || len(secret) > 200 {
			unauthorized()
			return
		}
		app, err := p.authApp(r.Context(), id)
		if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
			unauthorized()
			return
		} else if err != nil {
			p.apiInternal(w, r, err)
			return
		}
		if subtle.ConstantTimeCompare([]byte(app.Secret), []byte(secret)) != 1 {
			unauthorized()
			return
		}
		if v := r.PathValue("app"); v != "" && v != app.AppID {
			unauthorized()
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
		h(w, r, app)
	}
}

// authApp finds the app of an id. An app's id, store and secret never
// change once issued, so apps found are kept in memory; their webhook URLs,
// which do change, are not used by the API.
func (p *Provider) authApp(ctx context.Context, appID string) (*App, error) {
	if a, ok := p.apps.Load(appID); ok {
		return a.(*App), nil
	}
	a, err := p.findApp(ctx, `app_id = $1`, appID)
	if err != nil {
		return nil, err
	}
	p.apps.Store(appID, &App{StoreID: a.StoreID, AppID: a.AppID, Secret: a.Secret, CreatedAt: a.CreatedAt})
	return a, nil
}

// apiError answers the Qiscus envelope's error: {"status", "errors": {"message"}}.
func apiError(w http.ResponseWriter, status int, message string) {
	writeAPI(w, status, map[string]any{"status": status, "errors": map[string]any{"message": message}})
}

// whatsAppError answers a WhatsApp error in the Cloud API's shape,
// {"error": {"message", "type", "code", "error_data": {"details"}}}.
func whatsAppError(w http.ResponseWriter, status, code int, title, details string) {
	writeAPI(w, status, map[string]any{"error": map[string]any{
		"message": fmt.Sprintf("(#%d) %s", code, title), "type": "OAuthException", "code": code,
		"error_data": map[string]any{"messaging_product": "whatsapp", "details": details},
	}})
}

// The WhatsApp error codes the sandbox answers with.
const (
	codeGeneric        = 131000
	codeUndeliverable  = 131026
	codeSessionExpired = 131047
	codeParamMissing   = 131008
	codeParamInvalid   = 131009
	codeParamCount     = 132000
	codeTemplateAbsent = 132001
	codeTemplatePaused = 132015
	codeTemplateOff    = 132016
	codePaymentIssue   = 131042
)

func sessionExpiredAnswer(w http.ResponseWriter) {
	whatsAppError(w, http.StatusBadRequest, codeSessionExpired, "Re-engagement message",
		"Message failed to send because more than 24 hours have passed since the customer last replied to this number.")
}

func writeAPI(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (p *Provider) apiInternal(w http.ResponseWriter, r *http.Request, err error) {
	slog.ErrorContext(r.Context(), "sandbox: API request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	apiError(w, http.StatusInternalServerError, "internal error")
}

// decodeAPI reads a JSON body; on failure it has answered 400.
func decodeAPI(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		apiError(w, http.StatusBadRequest, "the body is not valid JSON: "+err.Error())
		return false
	}
	return true
}

// botRequest is the bot send's body.
type botRequest struct {
	SenderEmail string `json:"sender_email"`
	Message     string `json:"message"`
	Type        string `json:"type"`
	RoomID      string `json:"room_id"`
	Payload     *struct {
		Text    string `json:"text"`
		Buttons []struct {
			Label   string `json:"label"`
			Type    string `json:"type"`
			Payload struct {
				URL string `json:"url"`
			} `json:"payload"`
		} `json:"buttons"`
	} `json:"payload"`
}

// apiBotSend answers POST /{app_id}/bot: the message goes to the app's room
// unless a fault of the store is pending or the room is a WhatsApp room
// whose customer has not written within the session window.
func (p *Provider) apiBotSend(w http.ResponseWriter, r *http.Request, app *App) {
	var in botRequest
	if !decodeAPI(w, r, &in) {
		return
	}
	ctx := r.Context()
	if err := p.wait(ctx); err != nil {
		return
	}
	roomID, err := strconv.ParseInt(strings.TrimSpace(in.RoomID), 10, 64)
	if err != nil || roomID <= 0 {
		apiError(w, http.StatusBadRequest, "room_id is required: the id of a room of this app")
		return
	}
	text, label, link := in.Message, "", ""
	if in.Type == "buttons" && in.Payload != nil {
		text = in.Payload.Text
		if len(in.Payload.Buttons) > 0 {
			label, link = in.Payload.Buttons[0].Label, in.Payload.Buttons[0].Payload.URL
		}
	}
	if strings.TrimSpace(text) == "" {
		apiError(w, http.StatusBadRequest, "message is required")
		return
	}
	// One query finds the room and whether a fault of the store waits; the
	// usual send takes no fault.
	room, faultsPending, err := p.findBotRoom(ctx, app.StoreID, roomID)
	if err != nil {
		p.apiInternal(w, r, err)
		return
	}
	var fault FaultMode
	if faultsPending {
		if fault, err = p.takeFault(ctx, app.StoreID); err != nil {
			p.apiInternal(w, r, err)
			return
		}
	}
	switch fault {
	case FaultTransient:
		whatsAppError(w, http.StatusInternalServerError, codeGeneric, "Something went wrong", "injected transient failure")
		return
	case FaultPermanent:
		whatsAppError(w, http.StatusBadRequest, codeUndeliverable, "Message undeliverable", "injected permanent failure")
		return
	case FaultSessionExpired:
		sessionExpiredAnswer(w)
		return
	case FaultTimeout:
		wait, cancel := context.WithTimeout(ctx, timeoutWait)
		defer cancel()
		<-wait.Done()
		apiError(w, http.StatusGatewayTimeout, "injected timeout")
		return
	}
	if room == nil {
		apiError(w, http.StatusBadRequest, "room "+in.RoomID+" is not a room of this app")
		return
	}
	if msgcenter.SessionExpired(room.ChannelType, room.LastCustomerAt, p.now()) {
		sessionExpiredAnswer(w)
		return
	}
	// A comment's id is its row's: provider_message_id stays empty and
	// reads as the id (see messageIDColumn).
	var id int64
	err = p.db.QueryRowContext(ctx, `
		INSERT INTO sandbox_messages (store_id, platform_room_id, platform_channel_id, direction, kind, text, button_label, button_url, status, created_at)
		VALUES ($1, $2, $3, 'out', 'text', $4, $5, $6, 'sent', $7) RETURNING id`,
		app.StoreID, room.ID, room.ChannelID, text, label, link, p.now()).Scan(&id)
	if err != nil {
		p.apiInternal(w, r, err)
		return
	}
	if fault == FaultAnswerLost {
		// The customer has the message; the sender cannot know it.
		whatsAppError(w, http.StatusInternalServerError, codeGeneric, "Something went wrong", "injected lost answer")
		return
	}
	writeAPI(w, http.StatusOK, map[string]any{"status": 200, "data": map[string]any{"comment": map[string]any{
		"id": id, "type": in.Type, "message": text, "room_id": room.ExternalID(), "unique_temp_id": "",
	}}})
}

// templateSendRequest is the Cloud-API-shaped template send.
type templateSendRequest struct {
	To       string `json:"to"`
	Type     string `json:"type"`
	Template struct {
		Namespace string `json:"namespace"`
		Name      string `json:"name"`
		Language  struct {
			Code string `json:"code"`
		} `json:"language"`
		Components []struct {
			Type       string `json:"type"`
			SubType    string `json:"sub_type"`
			Index      string `json:"index"`
			Parameters []struct {
				Type     string     `json:"type"`
				Text     string     `json:"text"`
				Image    *mediaLink `json:"image"`
				Document *mediaLink `json:"document"`
				Video    *mediaLink `json:"video"`
			} `json:"parameters"`
		} `json:"components"`
	} `json:"template"`
}

type mediaLink struct {
	Link     string `json:"link"`
	Filename string `json:"filename"`
}

// apiTemplateSend answers POST /whatsapp/v1/{app_id}/{channel_id}/messages:
// the template must exist on the channel, approved, with the channel's
// namespace, and the parameters must fit its header, body and button; one
// credit is debited atomically, or the send fails with the payment error.
func (p *Provider) apiTemplateSend(w http.ResponseWriter, r *http.Request, app *App) {
	var in templateSendRequest
	if !decodeAPI(w, r, &in) {
		return
	}
	ctx := r.Context()
	if err := p.wait(ctx); err != nil {
		return
	}
	channelID, err := strconv.ParseInt(r.PathValue("channel"), 10, 64)
	if err != nil {
		apiError(w, http.StatusNotFound, "channel not found")
		return
	}
	ch, err := p.findChannel(ctx, app.StoreID, channelID)
	if err != nil || ch.Type != msgcenter.ChannelWhatsApp {
		if err != nil && msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
			p.apiInternal(w, r, err)
			return
		}
		apiError(w, http.StatusNotFound, "channel not found: not a WhatsApp channel of this app")
		return
	}
	to := msgcenter.PhoneDigits(in.To)
	if in.Type != "template" || len(to) < 8 {
		whatsAppError(w, http.StatusBadRequest, codeParamInvalid, "Invalid parameter", "to must be a phone number and type template")
		return
	}
	ts, err := p.PlatformTemplates(ctx, app.StoreID, ch.ID)
	if err != nil {
		p.apiInternal(w, r, err)
		return
	}
	var t *msgcenter.WhatsAppTemplate
	for _, x := range ts {
		if x.Name == in.Template.Name && x.Language == in.Template.Language.Code {
			t = x
		}
	}
	switch {
	case t == nil || (in.Template.Namespace != "" && in.Template.Namespace != t.Namespace):
		whatsAppError(w, http.StatusBadRequest, codeTemplateAbsent, "Template name does not exist in the translation",
			"template name ("+in.Template.Name+") does not exist in "+in.Template.Language.Code)
		return
	case t.Status == msgcenter.TemplatePaused:
		whatsAppError(w, http.StatusBadRequest, codeTemplatePaused, "Template is paused", "template "+t.Name+" is paused")
		return
	case t.Status == msgcenter.TemplateDisabled:
		whatsAppError(w, http.StatusBadRequest, codeTemplateOff, "Template is disabled", "template "+t.Name+" is disabled")
		return
	case t.Status != msgcenter.TemplateApproved:
		whatsAppError(w, http.StatusBadRequest, codeTemplateAbsent, "Template name does not exist in the translation",
			"template "+t.Name+" is not approved")
		return
	}
	var headerText, bodyParams []string
	var media *mediaLink
	suffix, hasButton := "", false
	for _, c := range in.Template.Components {
		switch c.Type {
		case "header":
			for _, prm := range c.Parameters {
				switch prm.Type {
				case "text":
					headerText = append(headerText, prm.Text)
				case "image":
					media = prm.Image
				case "document":
					media = prm.Document
				case "video":
					media = prm.Video
				}
			}
		case "body":
			for _, prm := range c.Parameters {
				bodyParams = append(bodyParams, prm.Text)
			}
		case "button":
			if c.SubType == "url" && len(c.Parameters) == 1 {
				suffix, hasButton = c.Parameters[0].Text, true
			}
		}
	}
	mismatch := func(details string) {
		whatsAppError(w, http.StatusBadRequest, codeParamCount, "Number of parameters does not match the expected number of params", details)
	}
	if len(bodyParams) != t.Variables() {
		mismatch(fmt.Sprintf("body: number of localizable_params (%d) does not match the expected number of params (%d)", len(bodyParams), t.Variables()))
		return
	}
	if len(headerText) != t.HeaderVariables() {
		mismatch(fmt.Sprintf("header: number of localizable_params (%d) does not match the expected number of params (%d)", len(headerText), t.HeaderVariables()))
		return
	}
	for _, v := range append(append([]string(nil), bodyParams...), headerText...) {
		if !msgcenter.ValidTemplateParam(v) {
			whatsAppError(w, http.StatusBadRequest, codeParamInvalid, "Invalid parameter",
				"a parameter is empty or holds new lines, tabs or more than four spaces in a row")
			return
		}
	}
	if t.MediaHeader() && (media == nil || media.Link == "") {
		whatsAppError(w, http.StatusBadRequest, codeParamMissing, "Required parameter is missing", "header: the "+t.HeaderFormat+" needs a link")
		return
	}
	_, dyn := t.DynamicButton()
	if dyn != nil && (!hasButton || suffix == "") {
		whatsAppError(w, http.StatusBadRequest, codeParamMissing, "Required parameter is missing", "button: the URL button needs its suffix")
		return
	}
	text := t.Fill(bodyParams)
	var label, link string
	if dyn != nil {
		label, link = dyn.Text, dyn.Link(suffix)
	}
	payload, _ := json.Marshal(map[string]any{"name": t.Name, "language": t.Language, "namespace": t.Namespace,
		"header": headerText, "media": media, "params": bodyParams, "button_suffix": suffix, "to": to})
	id, ok := p.storeTemplateMessage(w, r, app, ch, to, text, label, link, string(payload))
	if !ok {
		return
	}
	writeAPI(w, http.StatusOK, map[string]any{"messaging_product": "whatsapp",
		"contacts": []any{map[string]any{"input": to, "wa_id": to}}, "messages": []any{map[string]any{"id": id}}})
}

// storeTemplateMessage debits one credit and stores the template message in
// the channel's room of the number to (if any), in one transaction, and
// returns its WhatsApp message id; on failure it has answered.
func (p *Provider) storeTemplateMessage(w http.ResponseWriter, r *http.Request, app *App, ch *PlatformChannel,
	to, text, label, link, payload string) (string, bool) {
	ctx := r.Context()
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		p.apiInternal(w, r, err)
		return "", false
	}
	defer tx.Rollback()
	// The guarded debit is the whole of the credit check: two sends racing
	// for the last credit cannot both pass it.
	res, err := tx.ExecContext(ctx, `UPDATE sandbox_credits SET balance = balance - 1, updated_at = $1 WHERE store_id = $2 AND balance >= 1`,
		p.now(), app.StoreID)
	if err != nil {
		p.apiInternal(w, r, err)
		return "", false
	}
	if n, _ := res.RowsAffected(); n == 0 {
		whatsAppError(w, http.StatusBadRequest, codePaymentIssue, "Business eligibility payment issue",
			"the app has not enough WhatsApp credits")
		return "", false
	}
	var roomID sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT id FROM sandbox_rooms WHERE store_id = $1 AND channel_id = $2 AND customer_user_id = $3 ORDER BY id LIMIT 1`,
		app.StoreID, ch.ID, to).Scan(&roomID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		p.apiInternal(w, r, err)
		return "", false
	}
	var id int64
	err = tx.QueryRowContext(ctx, `
		INSERT INTO sandbox_messages (store_id, platform_room_id, platform_channel_id, direction, kind, text, button_label, button_url, payload, status, created_at)
		VALUES ($1, $2, $3, 'out', 'template', $4, $5, $6, $7, 'sent', $8) RETURNING id`,
		app.StoreID, roomID, ch.ID, text, label, link, payload, p.now()).Scan(&id)
	if err != nil {
		p.apiInternal(w, r, err)
		return "", false
	}
	wamid := "wamid.sbx" + strconv.FormatInt(id, 10)
	if _, err := tx.ExecContext(ctx, `UPDATE sandbox_messages SET provider_message_id = $1 WHERE id = $2`, wamid, id); err != nil {
		p.apiInternal(w, r, err)
		return "", false
	}
	if err := tx.Commit(); err != nil {
		p.apiInternal(w, r, err)
		return "", false
	}
	return wamid, true
}

// hsmCategory writes a category as the platform does: MARKETING, UTILITY_FLOW.
func hsmCategory(c string) string { return strings.ToUpper(strings.ReplaceAll(c, " ", "_")) }

// hsmType is the platform's number of a template type: 1 broadcast, 2 24-hour message.
func hsmType(t string) int {
	if t == msgcenter.TemplateType24Hour {
		return 2
	}
	return 1
}

// hsmStatus is the platform's number of an approval status.
func hsmStatus(s string) int {
	switch s {
	case msgcenter.TemplateApproved:
		return 1
	case msgcenter.TemplateRejected:
		return 2
	case msgcenter.TemplatePaused:
		return 3
	case msgcenter.TemplateDisabled:
		return 4
	}
	return 0
}

// hsmButtons writes a template's buttons as the platform lists them.
func hsmButtons(bs []msgcenter.TemplateButton) []any {
	out := []any{}
	for _, b := range bs {
		switch b.Type {
		case msgcenter.ButtonURL:
			u := b.URL
			if b.Dynamic {
				u += "{{1}}"
			}
			out = append(out, map[string]any{"type": "URL", "text": b.Text, "url": u})
		case msgcenter.ButtonPhone:
			out = append(out, map[string]any{"type": "PHONE_NUMBER", "text": b.Text, "phone_number": b.Phone})
		default:
			out = append(out, map[string]any{"type": "QUICK_REPLY", "text": b.Text})
		}
	}
	return out
}

// apiTemplates answers GET /api/v2/admin/hsm?channel_id=&page=: the
// channel's templates, one entry per name with a detail per language, five
// to a page, with meta.total_page.
func (p *Provider) apiTemplates(w http.ResponseWriter, r *http.Request, app *App) {
	q := r.URL.Query()
	channelID, err := strconv.ParseInt(q.Get("channel_id"), 10, 64)
	if err != nil {
		apiError(w, http.StatusBadRequest, "channel_id is required")
		return
	}
	page, err := strconv.Atoi(q.Get("page"))
	if q.Get("page") == "" {
		page, err = 1, nil
	}
	if err != nil || page < 1 {
		apiError(w, http.StatusBadRequest, "page must be a number from 1")
		return
	}
	ch, err := p.findChannel(r.Context(), app.StoreID, channelID)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		apiError(w, http.StatusNotFound, "channel not found")
		return
	} else if err != nil {
		p.apiInternal(w, r, err)
		return
	}
	ts, err := p.PlatformTemplates(r.Context(), app.StoreID, ch.ID)
	if err != nil {
		p.apiInternal(w, r, err)
		return
	}
	var names []string
	byName := map[string][]*msgcenter.WhatsAppTemplate{}
	for _, t := range ts {
		if byName[t.Name] == nil {
			names = append(names, t.Name)
		}
		byName[t.Name] = append(byName[t.Name], t)
	}
	sort.Strings(names)
	total := len(names)
	totalPages := (total + hsmPageSize - 1) / hsmPageSize
	list := []any{}
	for i := (page - 1) * hsmPageSize; i < min(page*hsmPageSize, total); i++ {
		group := byName[names[i]]
		first := group[0]
		var details []any
		for _, t := range group {
			d := map[string]any{"language": t.Language, "content": t.Body, "approval_status": hsmStatus(t.Status), "buttons": hsmButtons(t.Buttons)}
			switch {
			case t.MediaHeader():
				d["header_type"], d["header_content"] = t.HeaderFormat, t.HeaderSample
			case t.Header != "":
				d["header_type"], d["header_content"] = msgcenter.HeaderText, t.Header
			}
			details = append(details, d)
		}
		list = append(list, map[string]any{"id": i + 1, "channel_id": ch.ID, "namespace": first.Namespace, "name": first.Name,
			"category": hsmCategory(first.Category), "type": hsmType(first.Type), "hsm_details": details})
	}
	writeAPI(w, http.StatusOK, map[string]any{"status": 200, "data": map[string]any{"hsm_templates": list},
		"meta": map[string]any{"page": page, "limit": hsmPageSize, "total": total, "total_page": totalPages}})
}

// apiCustomerRoom answers GET /api/v2/customer_rooms/{room_id}: the room's
// channel, source and the customer's last message time.
func (p *Provider) apiCustomerRoom(w http.ResponseWriter, r *http.Request, app *App) {
	id, err := strconv.ParseInt(r.PathValue("room"), 10, 64)
	if err != nil {
		apiError(w, http.StatusNotFound, "room not found")
		return
	}
	room, err := p.FindPlatformRoom(r.Context(), app.StoreID, id)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		apiError(w, http.StatusNotFound, "room not found")
		return
	} else if err != nil {
		p.apiInternal(w, r, err)
		return
	}
	last := ""
	if !room.LastCustomerAt.IsZero() {
		last = room.LastCustomerAt.UTC().Format(time.RFC3339Nano)
	}
	writeAPI(w, http.StatusOK, map[string]any{"status": 200, "data": map[string]any{"customer_room": map[string]any{
		"channel_id": room.ChannelID, "id": room.ID, "room_id": room.ExternalID(), "source": ChannelSource(room.ChannelType),
		"name": room.CustomerName, "user_id": room.CustomerUserID, "is_resolved": false,
		"last_customer_timestamp": last, "room_type": "group",
	}}})
}
