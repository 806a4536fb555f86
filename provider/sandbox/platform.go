package sandbox

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
)

// App is a store's app on the local Qiscus: the id and secret key its
// requests carry (Qiscus-App-Id, Qiscus-Secret-Key), and the msgcenter
// webhook URLs the platform posts to, as an admin pastes them into a real
// app's dashboard.
type App struct {
	StoreID           int64
	AppID             string
	Secret            string
	InboundWebhookURL string
	StatusWebhookURL  string
	// WebhookSecret is the secret msgcenter's webhook URLs of this app carry
	// (the connection's inbound secret of a real app).
	WebhookSecret string
	CreatedAt     time.Time
}

// PlatformChannel is a channel of the local Qiscus; its ID is the platform's
// channel id (a msgcenter channel's external id).
type PlatformChannel struct {
	ID        int64
	StoreID   int64
	Type      msgcenter.ChannelType
	Name      string
	Phone     string
	Namespace string
	CreatedAt time.Time
}

// PlatformRoom is a customer's room on the local Qiscus; its ID is the
// platform's room id (a msgcenter room's external id). LastCustomerAt is zero
// until the customer writes.
type PlatformRoom struct {
	ID             int64
	StoreID        int64
	ChannelID      int64
	ChannelType    msgcenter.ChannelType
	CustomerName   string
	CustomerUserID string
	LastCustomerAt time.Time
	CreatedAt      time.Time
}

// ExternalID is the room's id as the platform's API and webhooks give it.
func (r *PlatformRoom) ExternalID() string { return strconv.FormatInt(r.ID, 10) }

// appIDPrefix starts every app id the sandbox issues.
const appIDPrefix = "sbx-"

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// IssueApp returns the store's app on the local Qiscus, issuing it (a random
// app id, 256-bit secret key and webhook secret) the first time; every later
// call returns the same app. Returns ENOTFOUND for a store that does not exist.
func (p *Provider) IssueApp(ctx context.Context, storeID int64) (*App, error) {
	if a, err := p.findApp(ctx, `store_id = $1`, storeID); err == nil || msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
		return a, err
	}
	if _, err := p.db.ExecContext(ctx, `
		INSERT INTO sandbox_apps (store_id, app_id, secret, webhook_secret, created_at)
		SELECT id, $2, $3, $4, $5 FROM stores WHERE id = $1
		ON CONFLICT (store_id) DO NOTHING`,
		storeID, appIDPrefix+randomHex(6), randomHex(32), randomHex(24), p.now()); err != nil {
		return nil, fmt.Errorf("sandbox: issue app: %w", err)
	}
	return p.findApp(ctx, `store_id = $1`, storeID)
}

// findApp finds the app matching where.
func (p *Provider) findApp(ctx context.Context, where string, arg any) (*App, error) {
	a := &App{}
	err := p.db.QueryRowContext(ctx, `SELECT store_id, app_id, secret, inbound_webhook_url, status_webhook_url, webhook_secret, created_at
		FROM sandbox_apps WHERE `+where, arg).Scan(&a.StoreID, &a.AppID, &a.Secret, &a.InboundWebhookURL, &a.StatusWebhookURL, &a.WebhookSecret, &a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "App not found.")
	} else if err != nil {
		return nil, fmt.Errorf("sandbox: find app: %w", err)
	}
	return a, nil
}

// SetWebhooks sets where the store's app posts customer messages (the bot
// webhook) and WhatsApp statuses: msgcenter's inbound and status webhook URLs,
// as an admin pastes them into a real app's dashboard. Either may be empty
// (nothing is posted). Each must be one of msgcenter's own webhook paths;
// the sandbox posts to this msgcenter only. Returns EINVALID or ENOTFOUND.
func (p *Provider) SetWebhooks(ctx context.Context, storeID int64, inboundURL, statusURL string) error {
	fields := map[string]string{}
	if inboundURL != "" {
		if _, err := webhookPath(inboundURL, "inbound"); err != nil {
			fields["inbound_webhook_url"] = err.Error()
		}
	}
	if statusURL != "" {
		if _, err := webhookPath(statusURL, "whatsapp-status"); err != nil {
			fields["status_webhook_url"] = err.Error()
		}
	}
	if len(fields) > 0 {
		return msgcenter.Invalid("The webhooks are not valid.", fields)
	}
	res, err := p.db.ExecContext(ctx, `UPDATE sandbox_apps SET inbound_webhook_url = $1, status_webhook_url = $2 WHERE store_id = $3`,
		inboundURL, statusURL, storeID)
	if err != nil {
		return fmt.Errorf("sandbox: set webhooks: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return msgcenter.Errorf(msgcenter.ENOTFOUND, "The store has no sandbox app.")
	}
	return nil
}

// SetConnect makes CreateChannel call connect for the channel's store first:
// msgcenter's wiring issues the store's app there and points its webhooks at
// msgcenter, as an admin connects a real app before its channels talk. It
// must be called before the Provider is shared between goroutines.
func (p *Provider) SetConnect(connect func(ctx context.Context, storeID int64) error) {
	p.connect = connect
}

// CreateChannel adds a channel to the store's app on the local Qiscus and
// sets its ID, the platform's channel id; a WhatsApp channel's templates
// carry its namespace. Returns EINVALID.
func (p *Provider) CreateChannel(ctx context.Context, c *PlatformChannel) error {
	c.Name = strings.TrimSpace(c.Name)
	fields := map[string]string{}
	if !c.Type.Valid() {
		fields["type"] = "must be a channel type such as whatsapp"
	}
	if n := utf8.RuneCountInString(c.Name); n == 0 || n > 100 {
		fields["name"] = "is required, at most 100 characters"
	}
	if c.StoreID <= 0 {
		fields["store_id"] = "is required"
	}
	if len(fields) > 0 {
		return msgcenter.Invalid("The channel is not valid.", fields)
	}
	if p.connect != nil {
		// The store's first channel needs its app, and the app its webhooks.
		if err := p.connect(ctx, c.StoreID); err != nil {
			return err
		}
	}
	if c.Type == msgcenter.ChannelWhatsApp && c.Namespace == "" {
		c.Namespace = randomHex(4) + "_" + randomHex(2) + "_" + randomHex(2) + "_" + randomHex(6)
	}
	c.CreatedAt = p.now()
	err := p.db.QueryRowContext(ctx, `
		INSERT INTO sandbox_channels (store_id, type, name, phone, namespace, created_at) VALUES ($1, $2, $3, $4, $5, $6)
		RETURNING id`, c.StoreID, string(c.Type), c.Name, c.Phone, c.Namespace, c.CreatedAt).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("sandbox: create channel: %w", err)
	}
	return nil
}

// findChannel finds the store's platform channel; ENOTFOUND otherwise.
func (p *Provider) findChannel(ctx context.Context, storeID, id int64) (*PlatformChannel, error) {
	c := &PlatformChannel{}
	var typ string
	err := p.db.QueryRowContext(ctx, `SELECT id, store_id, type, name, phone, namespace, created_at
		FROM sandbox_channels WHERE store_id = $1 AND id = $2`, storeID, id).
		Scan(&c.ID, &c.StoreID, &typ, &c.Name, &c.Phone, &c.Namespace, &c.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Channel %d not found.", id)
	} else if err != nil {
		return nil, fmt.Errorf("sandbox: find channel: %w", err)
	}
	c.Type = msgcenter.ChannelType(typ)
	return c, nil
}

// CreateRoom opens a customer's room on a channel of the store's app and
// sets its ID, the platform's room id. The customer has not written yet:
// CustomerWrites does that. Returns EINVALID or ENOTFOUND (channel).
func (p *Provider) CreateRoom(ctx context.Context, r *PlatformRoom) error {
	r.CustomerName, r.CustomerUserID = strings.TrimSpace(r.CustomerName), strings.TrimSpace(r.CustomerUserID)
	fields := map[string]string{}
	if n := utf8.RuneCountInString(r.CustomerName); n > 100 {
		fields["customer_name"] = "is at most 100 characters"
	}
	if n := utf8.RuneCountInString(r.CustomerUserID); n > 200 {
		fields["customer_user_id"] = "is at most 200 characters"
	}
	if len(fields) > 0 {
		return msgcenter.Invalid("The room is not valid.", fields)
	}
	ch, err := p.findChannel(ctx, r.StoreID, r.ChannelID)
	if err != nil {
		return err
	}
	switch {
	case ch.Type == msgcenter.ChannelWhatsApp:
		// WhatsApp names its customers by number, digits only.
		if r.CustomerUserID = msgcenter.PhoneDigits(r.CustomerUserID); len(r.CustomerUserID) < 8 {
			return msgcenter.Invalid("The room is not valid.", map[string]string{"customer_user_id": "is required on WhatsApp: the customer's phone number"})
		}
	case r.CustomerUserID == "":
		r.CustomerUserID = "customer-" + randomHex(6) + "@sandbox.msgcenter.local"
	}
	r.ChannelType, r.CreatedAt, r.LastCustomerAt = ch.Type, p.now(), time.Time{}
	err = p.db.QueryRowContext(ctx, `
		INSERT INTO sandbox_rooms (store_id, channel_id, customer_name, customer_user_id, created_at) VALUES ($1, $2, $3, $4, $5)
		RETURNING id`, r.StoreID, r.ChannelID, r.CustomerName, r.CustomerUserID, r.CreatedAt).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("sandbox: create room: %w", err)
	}
	return nil
}

const platformRoomColumns = `r.id, r.store_id, r.channel_id, c.type, r.customer_name, r.customer_user_id, r.last_customer_at, r.created_at
	FROM sandbox_rooms r JOIN sandbox_channels c ON c.id = r.channel_id`

func scanPlatformRoom(sc interface{ Scan(...any) error }) (*PlatformRoom, error) {
	r := &PlatformRoom{}
	var typ string
	var last sql.NullTime
	if err := sc.Scan(&r.ID, &r.StoreID, &r.ChannelID, &typ, &r.CustomerName, &r.CustomerUserID, &last, &r.CreatedAt); err != nil {
		return nil, err
	}
	r.ChannelType = msgcenter.ChannelType(typ)
	if last.Valid {
		r.LastCustomerAt = last.Time.UTC()
	}
	return r, nil
}

// FindPlatformRoom returns the store's platform room; ENOTFOUND otherwise.
func (p *Provider) FindPlatformRoom(ctx context.Context, storeID, id int64) (*PlatformRoom, error) {
	r, err := scanPlatformRoom(p.db.QueryRowContext(ctx, `SELECT `+platformRoomColumns+` WHERE r.store_id = $1 AND r.id = $2`, storeID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room %d not found.", id)
	} else if err != nil {
		return nil, fmt.Errorf("sandbox: find room: %w", err)
	}
	return r, nil
}

// recordCustomerMessage stores that the customer of the store's platform
// room wrote text at now, which reopens the room's WhatsApp
// window on the platform, and returns the room and the message's id.
// Returns EINVALID for an empty or over-long text and ENOTFOUND for a room
// not in the store.
func (p *Provider) recordCustomerMessage(ctx context.Context, storeID, roomID int64, text string, now time.Time) (*PlatformRoom, int64, error) {
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n == 0 || n > maxInboundLength {
		return nil, 0, msgcenter.Invalid("The message is not valid.", map[string]string{
			"text": fmt.Sprintf("is required, at most %d characters", maxInboundLength),
		})
	}
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("sandbox: begin: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE sandbox_rooms SET last_customer_at = CASE
			WHEN last_customer_at IS NULL OR last_customer_at < $1 THEN $1 ELSE last_customer_at END
		WHERE store_id = $2 AND id = $3`, now, storeID, roomID)
	if err != nil {
		return nil, 0, fmt.Errorf("sandbox: update room: %w", err)
	}
	if err := roomUpdated(res, roomID); err != nil {
		return nil, 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO sandbox_messages (store_id, platform_room_id, platform_channel_id, direction, kind, text, created_at)
		SELECT store_id, id, channel_id, 'in', 'text', $3, $4 FROM sandbox_rooms WHERE store_id = $1 AND id = $2
		RETURNING id`,
		storeID, roomID, text, now).Scan(&id); err != nil {
		return nil, 0, fmt.Errorf("sandbox: store customer message: %w", err)
	}
	r, err := scanPlatformRoom(tx.QueryRowContext(ctx, `SELECT `+platformRoomColumns+` WHERE r.store_id = $1 AND r.id = $2`, storeID, roomID))
	if err != nil {
		return nil, 0, fmt.Errorf("sandbox: find room: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, 0, fmt.Errorf("sandbox: commit: %w", err)
	}
	return r, id, nil
}

// AgeCustomer moves the platform room's last customer message age before
// now, as if the customer had been silent that long (25 h closes the
// WhatsApp window). Returns ENOTFOUND for a room not in the store.
func (p *Provider) AgeCustomer(ctx context.Context, storeID, roomID int64, age time.Duration) error {
	res, err := p.db.ExecContext(ctx, `UPDATE sandbox_rooms SET last_customer_at = $1 WHERE store_id = $2 AND id = $3`,
		p.now().Add(-age), storeID, roomID)
	if err != nil {
		return fmt.Errorf("sandbox: age room: %w", err)
	}
	return roomUpdated(res, roomID)
}

// PlatformMessages returns the conversation of the store's platform room,
// oldest first; a room not in the store has none.
func (p *Provider) PlatformMessages(ctx context.Context, storeID, roomID int64) ([]*Message, error) {
	return p.scanMessages(ctx, `SELECT id, direction, kind, text, button_label, button_url, `+messageIDColumn+`, status, created_at
		FROM sandbox_messages WHERE store_id = $1 AND platform_room_id = $2 ORDER BY id`, storeID, roomID)
}

// PlatformTemplateMessages returns the template messages the store sent on
// a platform channel, oldest first, whatever room they reached.
func (p *Provider) PlatformTemplateMessages(ctx context.Context, storeID, channelID int64) ([]*Message, error) {
	return p.scanMessages(ctx, `SELECT id, direction, kind, text, button_label, button_url, `+messageIDColumn+`, status, created_at
		FROM sandbox_messages WHERE store_id = $1 AND platform_channel_id = $2 AND kind = 'template' ORDER BY id`, storeID, channelID)
}

// messageIDColumn is a platform message's id: its WhatsApp message id for a
// template, else (a comment) its row's id.
const messageIDColumn = `CASE WHEN provider_message_id = '' AND direction = 'out' THEN CAST(id AS TEXT) ELSE provider_message_id END`

func (p *Provider) scanMessages(ctx context.Context, q string, args ...any) ([]*Message, error) {
	rows, err := p.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sandbox: find messages: %w", err)
	}
	defer rows.Close()
	var ms []*Message
	for rows.Next() {
		m := &Message{}
		if err := rows.Scan(&m.ID, &m.Direction, &m.Kind, &m.Text, &m.ButtonLabel, &m.ButtonURL, &m.ProviderMessageID, &m.Status, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("sandbox: find messages: %w", err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: find messages: %w", err)
	}
	return ms, nil
}

// CreatePlatformTemplate adds a template to a WhatsApp channel of the
// store's app, or replaces the one with the same name and language: its
// ChannelID is the platform channel's id. The namespace is the channel's
// when t has none. Returns EINVALID.
func (p *Provider) CreatePlatformTemplate(ctx context.Context, storeID int64, t *msgcenter.WhatsAppTemplate) error {
	fields := map[string]string{}
	if strings.TrimSpace(t.Name) == "" {
		fields["name"] = "is required"
	}
	if strings.TrimSpace(t.Language) == "" {
		fields["language"] = "is required, such as en or id"
	}
	if !contains(msgcenter.TemplateCategories(), t.Category) {
		fields["category"] = "must be one of " + strings.Join(msgcenter.TemplateCategories(), ", ")
	}
	if !contains(msgcenter.TemplateTypes(), t.Type) {
		fields["type"] = "must be one of " + strings.Join(msgcenter.TemplateTypes(), ", ")
	}
	if !contains(msgcenter.TemplateStatuses(), t.Status) {
		fields["status"] = "must be one of " + strings.Join(msgcenter.TemplateStatuses(), ", ")
	}
	if strings.TrimSpace(t.Body) == "" {
		fields["body"] = "is required"
	}
	header := t.Header
	switch t.HeaderFormat {
	case "", msgcenter.HeaderText:
	case msgcenter.HeaderImage, msgcenter.HeaderDocument, msgcenter.HeaderVideo:
		header = t.HeaderSample
		if !strings.HasPrefix(header, "https://") && !strings.HasPrefix(header, "http://") {
			fields["header_sample"] = "is required for a media header: the link of the sample it was approved with"
		}
	default:
		fields["header_format"] = "must be text, image, document or video"
	}
	if len(fields) > 0 {
		return msgcenter.Invalid("The template is not valid.", fields)
	}
	ch, err := p.findChannel(ctx, storeID, t.ChannelID)
	if err != nil || ch.Type != msgcenter.ChannelWhatsApp {
		if err != nil && msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
			return err
		}
		return msgcenter.Invalid("The template is not valid.", map[string]string{"channel_id": "must be a WhatsApp channel of the store's app"})
	}
	namespace := t.Namespace
	if namespace == "" {
		namespace = ch.Namespace
	}
	buttons, err := json.Marshal(nonNil(t.Buttons))
	if err != nil {
		return err
	}
	now := p.now()
	_, err = p.db.ExecContext(ctx, `
		INSERT INTO sandbox_hsm_templates (store_id, channel_id, namespace, name, language, category, type, status,
			header_format, header, body, buttons, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
		ON CONFLICT (channel_id, name, language) DO UPDATE SET namespace = excluded.namespace, category = excluded.category,
			type = excluded.type, status = excluded.status, header_format = excluded.header_format, header = excluded.header,
			body = excluded.body, buttons = excluded.buttons, updated_at = excluded.updated_at`,
		storeID, t.ChannelID, namespace, t.Name, t.Language, t.Category, t.Type, t.Status, t.HeaderFormat, header, t.Body, string(buttons), now)
	if err != nil {
		return fmt.Errorf("sandbox: create template: %w", err)
	}
	return nil
}

// PlatformTemplates lists the templates of a platform channel of the
// store's app, by name and language.
func (p *Provider) PlatformTemplates(ctx context.Context, storeID, channelID int64) ([]*msgcenter.WhatsAppTemplate, error) {
	rows, err := p.db.QueryContext(ctx, `
		SELECT channel_id, namespace, name, language, category, type, status, header_format, header, body, buttons
		FROM sandbox_hsm_templates WHERE store_id = $1 AND channel_id = $2 ORDER BY name, language`, storeID, channelID)
	if err != nil {
		return nil, fmt.Errorf("sandbox: list templates: %w", err)
	}
	defer rows.Close()
	var out []*msgcenter.WhatsAppTemplate
	for rows.Next() {
		t := &msgcenter.WhatsAppTemplate{}
		var header, buttons string
		if err := rows.Scan(&t.ChannelID, &t.Namespace, &t.Name, &t.Language, &t.Category, &t.Type, &t.Status, &t.HeaderFormat,
			&header, &t.Body, &buttons); err != nil {
			return nil, fmt.Errorf("sandbox: list templates: %w", err)
		}
		if t.MediaHeader() {
			t.HeaderSample = header
		} else {
			t.Header = header
		}
		if err := json.Unmarshal([]byte(buttons), &t.Buttons); err != nil {
			return nil, fmt.Errorf("sandbox: template %s buttons: %w", t.Name, err)
		}
		if len(t.Buttons) == 0 {
			t.Buttons = nil
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// SetPlatformTemplateStatus changes a template's status on a platform
// channel, as WhatsApp's review does. Returns EINVALID or ENOTFOUND.
func (p *Provider) SetPlatformTemplateStatus(ctx context.Context, storeID, channelID int64, name, language, status string) error {
	if !contains(msgcenter.TemplateStatuses(), status) {
		return msgcenter.Invalid("Unknown status.", map[string]string{"status": "must be one of " + strings.Join(msgcenter.TemplateStatuses(), ", ")})
	}
	res, err := p.db.ExecContext(ctx, `UPDATE sandbox_hsm_templates SET status = $1, updated_at = $2
		WHERE store_id = $3 AND channel_id = $4 AND name = $5 AND language = $6`, status, p.now(), storeID, channelID, name, language)
	if err != nil {
		return fmt.Errorf("sandbox: set template status: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return msgcenter.Errorf(msgcenter.ENOTFOUND, "Template %s (%s) not found on channel %d.", name, language, channelID)
	}
	return nil
}

// CustomerWrites is the customer of the store's platform room writing text,
// as on a real channel: the message is stored and the room's last customer
// message time becomes now, which reopens its WhatsApp window on the
// platform. Returns the room, EINVALID for an empty or over-long text, and
// ENOTFOUND for a room not in the store.
//
// The message is then posted to the app's bot webhook (SetWebhooks), as the
// platform does: msgcenter learns of the room and the customer's message
// only that way. A webhook msgcenter did not take is ETEMPORARY; the
// message stays recorded on the platform.
func (p *Provider) CustomerWrites(ctx context.Context, storeID, roomID int64, text string) (*PlatformRoom, error) {
	return p.CustomerWroteAgo(ctx, storeID, roomID, text, 0)
}

// CustomerWroteAgo is CustomerWrites for a message the customer wrote ago
// (at least 0) before now, as a webhook delivered late reports it: a room
// whose customer last wrote 26 hours ago is seeded so.
func (p *Provider) CustomerWroteAgo(ctx context.Context, storeID, roomID int64, text string, ago time.Duration) (*PlatformRoom, error) {
	at := p.now().Add(-max(ago, 0))
	room, id, err := p.recordCustomerMessage(ctx, storeID, roomID, text, at)
	if err != nil {
		return nil, err
	}
	return room, p.postInbound(ctx, room, id, text, at)
}
