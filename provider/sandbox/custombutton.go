package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.ButtonProvider = (*Provider)(nil)

// DefaultButtonText is the text of a button the API creates.
const DefaultButtonText = "Share Microsite URL"

// CustomButton is one custom button of the sandbox's Settings → Custom
// Button: agents see it in every room of its store, and clicking it posts
// the room to WebhookURL.
type CustomButton struct {
	ID         int64
	StoreID    int64
	Label      string // the label name
	ButtonText string
	WebhookURL string
	// Auto reports whether msgcenter created it through the API.
	Auto      bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks the fields an admin sets in the Settings page.
func (b *CustomButton) Validate() error {
	fields := map[string]string{}
	if n := utf8.RuneCountInString(strings.TrimSpace(b.Label)); n == 0 || n > 100 {
		fields["label"] = "is required, at most 100 characters"
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(b.ButtonText)); n == 0 || n > 40 {
		fields["button_text"] = "is required, at most 40 characters"
	}
	if _, err := hookPath(b.WebhookURL); err != nil {
		fields["webhook_url"] = err.Error()
	}
	if b.StoreID <= 0 {
		fields["store_id"] = "is required"
	}
	if len(fields) > 0 {
		return msgcenter.Invalid("The custom button is not valid.", fields)
	}
	return nil
}

// EnsureCustomButton creates the store's button made through the API, or
// updates it when there is one, with label as label name and webhookURL; it
// always can, so it answers true. Buttons an admin made by hand stay as they are.
func (p *Provider) EnsureCustomButton(ctx context.Context, storeID int64, label, webhookURL string) (bool, error) {
	now := p.now()
	res, err := p.db.ExecContext(ctx, `UPDATE sandbox_custom_buttons SET label = $1, webhook_url = $2, updated_at = $3 WHERE store_id = $4 AND auto`,
		label, webhookURL, now, storeID)
	if err != nil {
		return false, fmt.Errorf("sandbox: update custom button: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return false, fmt.Errorf("sandbox: update custom button: %w", err)
	} else if n > 0 {
		return true, nil
	}
	if _, err := p.db.ExecContext(ctx, `
		INSERT INTO sandbox_custom_buttons (store_id, label, button_text, webhook_url, auto, created_at, updated_at)
		VALUES ($1, $2, $3, $4, TRUE, $5, $5)`,
		storeID, label, DefaultButtonText, webhookURL, now); err != nil {
		return false, fmt.Errorf("sandbox: create custom button: %w", err)
	}
	return true, nil
}

// CreateCustomButton stores a button made by hand in Settings. Returns EINVALID.
func (p *Provider) CreateCustomButton(ctx context.Context, b *CustomButton) error {
	b.Label, b.ButtonText, b.WebhookURL = strings.TrimSpace(b.Label), strings.TrimSpace(b.ButtonText), strings.TrimSpace(b.WebhookURL)
	if err := b.Validate(); err != nil {
		return err
	}
	b.CreatedAt = p.now()
	b.UpdatedAt = b.CreatedAt
	err := p.db.QueryRowContext(ctx, `
		INSERT INTO sandbox_custom_buttons (store_id, label, button_text, webhook_url, auto, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6)
		RETURNING id`,
		b.StoreID, b.Label, b.ButtonText, b.WebhookURL, b.Auto, b.CreatedAt).Scan(&b.ID)
	if err != nil {
		return fmt.Errorf("sandbox: create custom button: %w", err)
	}
	return nil
}

// UpdateCustomButton changes a button's label name, text and webhook URL.
// Returns ENOTFOUND or EINVALID.
func (p *Provider) UpdateCustomButton(ctx context.Context, b *CustomButton) error {
	b.Label, b.ButtonText, b.WebhookURL = strings.TrimSpace(b.Label), strings.TrimSpace(b.ButtonText), strings.TrimSpace(b.WebhookURL)
	if err := b.Validate(); err != nil {
		return err
	}
	res, err := p.db.ExecContext(ctx, `
		UPDATE sandbox_custom_buttons SET label = $1, button_text = $2, webhook_url = $3, updated_at = $4
		WHERE store_id = $5 AND id = $6`,
		b.Label, b.ButtonText, b.WebhookURL, p.now(), b.StoreID, b.ID)
	if err != nil {
		return fmt.Errorf("sandbox: update custom button: %w", err)
	}
	return buttonChanged(res, b.ID)
}

// DeleteCustomButton removes the store's button. Returns ENOTFOUND.
func (p *Provider) DeleteCustomButton(ctx context.Context, storeID, id int64) error {
	res, err := p.db.ExecContext(ctx, `DELETE FROM sandbox_custom_buttons WHERE store_id = $1 AND id = $2`, storeID, id)
	if err != nil {
		return fmt.Errorf("sandbox: delete custom button: %w", err)
	}
	return buttonChanged(res, id)
}

func buttonChanged(res sql.Result, id int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sandbox: custom button: %w", err)
	}
	if n == 0 {
		return msgcenter.Errorf(msgcenter.ENOTFOUND, "Custom button %d not found.", id)
	}
	return nil
}

const buttonColumns = `id, store_id, label, button_text, webhook_url, auto, created_at, updated_at FROM sandbox_custom_buttons`

func scanButton(sc interface{ Scan(...any) error }) (*CustomButton, error) {
	b := &CustomButton{}
	err := sc.Scan(&b.ID, &b.StoreID, &b.Label, &b.ButtonText, &b.WebhookURL, &b.Auto, &b.CreatedAt, &b.UpdatedAt)
	return b, err
}

// FindCustomButton returns any store's button by id; the caller checks the store.
func (p *Provider) FindCustomButton(ctx context.Context, id int64) (*CustomButton, error) {
	b, err := scanButton(p.db.QueryRowContext(ctx, `SELECT `+buttonColumns+` WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Custom button %d not found.", id)
	} else if err != nil {
		return nil, fmt.Errorf("sandbox: find custom button: %w", err)
	}
	return b, nil
}

// CustomButtons lists the buttons of the stores, or of every store when
// all is set, by store then id.
func (p *Provider) CustomButtons(ctx context.Context, all bool, storeIDs []int64) ([]*CustomButton, error) {
	where, args, none := storeFilter("store_id", all, storeIDs)
	if none {
		return nil, nil
	}
	q := `SELECT ` + buttonColumns + where
	rows, err := p.db.QueryContext(ctx, q+` ORDER BY store_id, id LIMIT 1000`, args...)
	if err != nil {
		return nil, fmt.Errorf("sandbox: find custom buttons: %w", err)
	}
	defer rows.Close()
	var bs []*CustomButton
	for rows.Next() {
		b, err := scanButton(rows)
		if err != nil {
			return nil, fmt.Errorf("sandbox: find custom buttons: %w", err)
		}
		bs = append(bs, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: find custom buttons: %w", err)
	}
	return bs, nil
}

// ButtonPayload is the body the sandbox posts when an agent clicks a custom
// button, in the shape of the Qiscus Omnichannel's custom-button webhook:
// the room, its channel, the customer, the agent and the additional info.
type ButtonPayload struct {
	RoomID         string           `json:"room_id"`
	Channel        PayloadChannel   `json:"channel"`
	Customer       PayloadCustomer  `json:"customer"`
	Agent          PayloadAgent     `json:"agent"`
	AdditionalInfo []AdditionalInfo `json:"additional_info"`
}

// PayloadChannel is the room's channel: its id and source ("wa", "ig", …).
type PayloadChannel struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
	Name string `json:"name,omitempty"`
}

// PayloadCustomer is the room's customer; UserID is the phone on WhatsApp.
type PayloadCustomer struct {
	Name   string `json:"name"`
	UserID string `json:"user_id"`
}

// PayloadAgent is the agent who clicked.
type PayloadAgent struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Type  string `json:"type"`
}

// AdditionalInfo is one key/value of the room's additional info.
type AdditionalInfo struct {
	Key   string `json:"key"`
	Value any    `json:"value"`
}

// ChannelSource returns the omnichannel's short name of a channel type.
func ChannelSource(t msgcenter.ChannelType) string {
	switch t {
	case msgcenter.ChannelWhatsApp:
		return "wa"
	case msgcenter.ChannelInstagram:
		return "ig"
	case msgcenter.ChannelMessenger:
		return "fb"
	case msgcenter.ChannelWeb:
		return "qiscus"
	}
	return string(t)
}

// sandboxAgent is who clicks buttons in the sandbox.
func sandboxAgent() PayloadAgent {
	return PayloadAgent{Email: "agent@sandbox.msgcenter.local", Name: "Sandbox Agent", Type: "agent"}
}

// ClickResult is the webhook's answer to a click: its HTTP status and, when
// msgcenter answered with one of its click statuses (sent, duplicate), that
// word. The answer's body is never kept: the page shows only these.
type ClickResult struct {
	Status      int
	ClickStatus string
}

// hookPrefix is the path of msgcenter's custom button webhooks, the only
// place the sandbox posts clicks to.
const hookPrefix = "/" + msgcenter.CustomButtonWebhookPrefix

// hookPath returns the path of a custom button's webhook URL, which must be
// a Custom Button URL of msgcenter's Message Center: the sandbox posts
// clicks to this msgcenter only, never to a host a store admin names.
func hookPath(webhookURL string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(webhookURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(webhookURL) > 2000 ||
		!strings.HasPrefix(u.EscapedPath(), hookPrefix) || u.RawQuery != "" || u.User != nil {
		return "", errors.New("must be the Custom Button URL of one of your stores' Message Center (…" + hookPrefix +
			"{store}/custom-button/{secret}): the sandbox posts clicks to this msgcenter only")
	}
	return u.EscapedPath(), nil
}

// maxWebhookAnswer bounds how much of the webhook's answer is read.
const maxWebhookAnswer = 4 << 10
