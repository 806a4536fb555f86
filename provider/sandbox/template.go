package sandbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.TemplateProvider = (*Provider)(nil)

// CreateTemplate adds a template to a WhatsApp channel of the store, or
// replaces the one with the same name and language.
func (p *Provider) CreateTemplate(ctx context.Context, storeID int64, t *msgcenter.WhatsAppTemplate) error {
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
	if len(fields) > 0 {
		return msgcenter.Invalid("The template is not valid.", fields)
	}
	var typ string
	err := p.db.QueryRowContext(ctx, `SELECT type FROM channels WHERE store_id = $1 AND id = $2`, storeID, t.ChannelID).Scan(&typ)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && typ != string(msgcenter.ChannelWhatsApp)) {
		return msgcenter.Invalid("The template is not valid.", map[string]string{"channel_id": "must be a WhatsApp channel of the store"})
	} else if err != nil {
		return err
	}
	buttons, err := json.Marshal(nonNil(t.Buttons))
	if err != nil {
		return err
	}
	now := p.now()
	_, err = p.db.ExecContext(ctx, `
		INSERT INTO sandbox_templates (store_id, channel_id, name, language, category, type, status, header, body, buttons, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
		ON CONFLICT (channel_id, name, language) DO UPDATE SET category = excluded.category, type = excluded.type,
			status = excluded.status, header = excluded.header, body = excluded.body, buttons = excluded.buttons,
			updated_at = excluded.updated_at`,
		storeID, t.ChannelID, t.Name, t.Language, t.Category, t.Type, t.Status, t.Header, t.Body, string(buttons), now)
	return err
}

func nonNil(b []msgcenter.TemplateButton) []msgcenter.TemplateButton {
	if b == nil {
		return []msgcenter.TemplateButton{}
	}
	return b
}

func contains(set []string, v string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

// SetTemplateStatus changes a template's status, as WhatsApp's review does.
func (p *Provider) SetTemplateStatus(ctx context.Context, storeID, channelID int64, name, language, status string) error {
	if !contains(msgcenter.TemplateStatuses(), status) {
		return msgcenter.Invalid("Unknown status.", map[string]string{"status": "must be one of " + strings.Join(msgcenter.TemplateStatuses(), ", ")})
	}
	res, err := p.db.ExecContext(ctx, `UPDATE sandbox_templates SET status = $1, updated_at = $2
		WHERE store_id = $3 AND channel_id = $4 AND name = $5 AND language = $6`, status, p.now(), storeID, channelID, name, language)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return msgcenter.Errorf(msgcenter.ENOTFOUND, "Template %s (%s) not found on channel %d.", name, language, channelID)
	}
	return nil
}

// Templates lists the templates of one of the store's WhatsApp channels.
func (p *Provider) Templates(ctx context.Context, storeID, channelID int64) ([]*msgcenter.WhatsAppTemplate, error) {
	rows, err := p.db.QueryContext(ctx, `
		SELECT channel_id, name, language, category, type, status, header, body, buttons
		FROM sandbox_templates WHERE store_id = $1 AND channel_id = $2 ORDER BY name, language`, storeID, channelID)
	if err != nil {
		return nil, transient("sandbox: list templates: %v", err)
	}
	defer rows.Close()
	var out []*msgcenter.WhatsAppTemplate
	for rows.Next() {
		t := &msgcenter.WhatsAppTemplate{}
		var buttons string
		if err := rows.Scan(&t.ChannelID, &t.Name, &t.Language, &t.Category, &t.Type, &t.Status, &t.Header, &t.Body, &buttons); err != nil {
			return nil, transient("sandbox: list templates: %v", err)
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

// Credits returns the store's WhatsApp credit balance.
func (p *Provider) Credits(ctx context.Context, storeID int64) (int64, error) {
	var n int64
	err := p.db.QueryRowContext(ctx, `SELECT balance FROM sandbox_credits WHERE store_id = $1`, storeID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

// TopUp adds n credits to the store's balance.
func (p *Provider) TopUp(ctx context.Context, storeID, n int64) error {
	if n <= 0 || n > 1_000_000 {
		return msgcenter.Invalid("Bad amount.", map[string]string{"credits": "must be between 1 and 1000000"})
	}
	_, err := p.db.ExecContext(ctx, `
		INSERT INTO sandbox_credits (store_id, balance, updated_at) VALUES ($1, $2, $3)
		ON CONFLICT (store_id) DO UPDATE SET balance = sandbox_credits.balance + excluded.balance, updated_at = excluded.updated_at`,
		storeID, n, p.now())
	return err
}

// SendTemplate sends a template message as WhatsApp would: the template must
// exist on the channel and be approved now, its parameters must match its
// variables, and one credit is debited atomically, or the send fails with
// insufficient_credits.
func (p *Provider) SendTemplate(ctx context.Context, m *msgcenter.TemplateMessage) (*msgcenter.SendResult, error) {
	if m == nil || m.Channel == nil || m.Template == nil {
		return nil, permanent("sandbox: incomplete template message")
	}
	if err := p.wait(ctx); err != nil {
		return nil, transient("sandbox: %v", err)
	}
	var current *msgcenter.WhatsAppTemplate
	list, err := p.Templates(ctx, m.StoreID, m.Channel.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range list {
		if t.Name == m.Template.Name && t.Language == m.Template.Language {
			current = t
		}
	}
	if current == nil || current.Status != msgcenter.TemplateApproved {
		return nil, &msgcenter.ProviderError{Kind: msgcenter.ProviderPermanent, Reason: msgcenter.ReasonTemplateNotApproved,
			Message: fmt.Sprintf("sandbox: template %s (%s) is not approved on channel %d", m.Template.Name, m.Template.Language, m.Channel.ID)}
	}
	if len(m.Params) != current.Variables() {
		return nil, &msgcenter.ProviderError{Kind: msgcenter.ProviderPermanent, Reason: msgcenter.ReasonParameterMismatch,
			Message: fmt.Sprintf("sandbox: template %s has %d variables, got %d parameters", current.Name, current.Variables(), len(m.Params))}
	}
	for _, v := range m.Params {
		if v == "" || strings.ContainsAny(v, "\n\t") || strings.Contains(v, "     ") {
			return nil, &msgcenter.ProviderError{Kind: msgcenter.ProviderPermanent, Reason: msgcenter.ReasonParameterMismatch,
				Message: "sandbox: a parameter is empty or holds new lines, tabs or more than four spaces in a row"}
		}
	}
	text := current.Fill(m.Params)
	var label, url string
	if _, b := current.DynamicButton(); b != nil {
		label, url = b.Text, b.Link(m.ButtonSuffix)
	}
	payload, _ := json.Marshal(map[string]any{"name": current.Name, "language": current.Language, "params": m.Params, "button_suffix": m.ButtonSuffix, "to": m.To})

	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, transient("sandbox: %v", err)
	}
	defer tx.Rollback()
	// The guarded debit is the whole of the credit check: two sends racing
	// for the last credit cannot both pass it.
	res, err := tx.ExecContext(ctx, `UPDATE sandbox_credits SET balance = balance - 1, updated_at = $1 WHERE store_id = $2 AND balance >= 1`, p.now(), m.StoreID)
	if err != nil {
		return nil, transient("sandbox: debit credits: %v", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, &msgcenter.ProviderError{Kind: msgcenter.ProviderPermanent, Reason: msgcenter.ReasonInsufficientCredits,
			Message: "sandbox: not enough WhatsApp credits"}
	}
	var roomID sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT id FROM rooms WHERE store_id = $1 AND channel_id = $2 AND customer_phone = $3 ORDER BY id LIMIT 1`,
		m.StoreID, m.Channel.ID, m.To).Scan(&roomID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, transient("sandbox: find room: %v", err)
	}
	var id int64
	err = tx.QueryRowContext(ctx, `
		INSERT INTO sandbox_messages (store_id, room_id, channel_id, direction, kind, text, button_label, button_url, payload, created_at)
		VALUES ($1, $2, $3, 'out', 'template', $4, $5, $6, $7, $8) RETURNING id`,
		m.StoreID, roomID, m.Channel.ID, text, label, url, string(payload), p.now()).Scan(&id)
	if err != nil {
		return nil, transient("sandbox: store template message: %v", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, transient("sandbox: commit: %v", err)
	}
	return &msgcenter.SendResult{ProviderMessageID: fmt.Sprintf("sbx-%d", id)}, nil
}

// ChannelMessages returns the template messages the store sent on a channel,
// oldest first, whatever room they reached.
func (p *Provider) ChannelMessages(ctx context.Context, storeID, channelID int64) ([]*Message, error) {
	rows, err := p.db.QueryContext(ctx, `
		SELECT id, direction, kind, text, button_label, button_url, provider_message_id, created_at
		FROM sandbox_messages WHERE store_id = $1 AND channel_id = $2 AND kind = 'template' ORDER BY id`, storeID, channelID)
	if err != nil {
		return nil, fmt.Errorf("sandbox: find messages: %w", err)
	}
	defer rows.Close()
	var ms []*Message
	for rows.Next() {
		m := &Message{}
		if err := rows.Scan(&m.ID, &m.Direction, &m.Kind, &m.Text, &m.ButtonLabel, &m.ButtonURL, &m.ProviderMessageID, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("sandbox: find messages: %w", err)
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}
