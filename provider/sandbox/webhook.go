package sandbox

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/qiscus/msgcenter"
)

// qiscusHookPrefix is the path of msgcenter's webhooks for a Qiscus app, the
// only place the sandbox posts customer messages and statuses to.
const qiscusHookPrefix = "/" + msgcenter.QiscusWebhookPrefix

// webhookPath returns the path of one of msgcenter's Qiscus webhook URLs of
// the kind ("inbound", "whatsapp-status"): {…}/hooks/qiscus/{store}/{kind}/{secret}.
// The sandbox posts to this msgcenter only, whatever host the URL names.
func webhookPath(webhookURL, kind string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(webhookURL))
	bad := errors.New("must be the " + kind + " webhook URL of the store's integration (…" + qiscusHookPrefix +
		"{store}/" + kind + "/{secret}): the sandbox posts to this msgcenter only")
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(webhookURL) > 2000 ||
		u.RawQuery != "" || u.User != nil || !strings.HasPrefix(u.EscapedPath(), qiscusHookPrefix) {
		return "", bad
	}
	parts := strings.Split(strings.TrimPrefix(u.EscapedPath(), qiscusHookPrefix), "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] != kind || parts[2] == "" {
		return "", bad
	}
	return u.EscapedPath(), nil
}

// SetSelf says where the sandbox posts its webhooks: self returns msgcenter's
// own address (http://host:port), and each webhook goes there at its URL's
// path, whatever host the URL names, through client (nil: a client with a
// 15-second timeout), following no redirect. It must be called before the
// Provider is shared between goroutines.
func (p *Provider) SetSelf(self func() string, client *http.Client) {
	if client == nil {
		client = &http.Client{Timeout: webhookTimeout}
	}
	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	p.self, p.hookClient = self, &noRedirect
}

// postWebhook posts body to this msgcenter at path and returns the answer's
// status. A webhook that cannot be reached is ETEMPORARY, with no detail of
// the connection.
func (p *Provider) postWebhook(ctx context.Context, path string, body []byte) (int, error) {
	self := ""
	if p.self != nil {
		self = p.self()
	}
	if self == "" || p.hookClient == nil {
		return 0, msgcenter.Errorf(msgcenter.ETEMPORARY, "The sandbox does not know msgcenter's address to post the webhook to.")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(self, "/")+path, bytes.NewReader(body))
	if err != nil {
		return 0, msgcenter.Errorf(msgcenter.EINVALID, "The webhook URL is not valid.")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "msgcenter-sandbox-omnichannel")
	resp, err := p.hookClient.Do(req)
	if err != nil {
		return 0, msgcenter.Errorf(msgcenter.ETEMPORARY, "The webhook could not be reached.")
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxWebhookAnswer))
	return resp.StatusCode, nil
}

// postAppWebhook posts body to the app's webhook of kind at webhookURL;
// nothing when the app has none. A refused answer is ETEMPORARY naming its
// status: the platform has done its part, msgcenter did not take it.
func (p *Provider) postAppWebhook(ctx context.Context, webhookURL, kind string, body []byte) error {
	if webhookURL == "" {
		return nil
	}
	path, err := webhookPath(webhookURL, kind)
	if err != nil {
		return msgcenter.Invalid("The app's webhook URL is not valid.", map[string]string{kind + "_webhook_url": err.Error()})
	}
	status, err := p.postWebhook(ctx, path, body)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return msgcenter.Errorf(msgcenter.ETEMPORARY, "The %s webhook answered %d.", kind, status)
	}
	return nil
}

// InboundWebhook builds the bot webhook the platform posts when a customer
// writes, in its documented shape: payload.from (the customer's user id and
// name), payload.room (its id and options with the channel's source and
// channel_details.channel_id, encoded as a string as the platform does) and
// payload.message.
func InboundWebhook(room *PlatformRoom, messageID int64, text string, at time.Time) []byte {
	source := ChannelSource(room.ChannelType)
	options, _ := json.Marshal(map[string]any{"channel": source, "source": source,
		"channel_details": map[string]any{"channel_id": room.ChannelID}})
	body, _ := json.Marshal(map[string]any{"payload": map[string]any{
		"from": map[string]any{"email": room.CustomerUserID, "name": room.CustomerName},
		"room": map[string]any{"id": room.ExternalID(), "id_str": room.ExternalID(), "name": room.CustomerName, "options": string(options)},
		"message": map[string]any{"id": messageID, "type": "text", "text": text,
			"timestamp": at.UTC().Format(time.RFC3339)},
	}})
	return body
}

// postInbound posts the customer's message to the app's bot webhook.
func (p *Provider) postInbound(ctx context.Context, room *PlatformRoom, messageID int64, text string) error {
	app, err := p.findApp(ctx, `store_id = $1`, room.StoreID)
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	return p.postAppWebhook(ctx, app.InboundWebhookURL, "inbound", InboundWebhook(room, messageID, strings.TrimSpace(text), p.now()))
}

// MarkStatus is WhatsApp reporting the status of a message the store's app
// sent: delivered, read, or failed with code (a WhatsApp error code such as
// 131047) and its title. The message's status is stored and the status
// webhook, in the Cloud API's shape, is posted to the app's status webhook
// URL. Returns EINVALID for another status, ENOTFOUND for a message the app
// did not send, ETEMPORARY when msgcenter did not take the webhook.
func (p *Provider) MarkStatus(ctx context.Context, storeID, messageID int64, status string, code int, title string) error {
	switch status {
	case "delivered", "read":
	case "failed":
		if code <= 0 {
			return msgcenter.Invalid("The status is not valid.", map[string]string{"code": "is required for a failure: a WhatsApp error code such as 131047"})
		}
	default:
		return msgcenter.Invalid("The status is not valid.", map[string]string{"status": "must be delivered, read or failed"})
	}
	var wamid string
	err := p.db.QueryRowContext(ctx, `UPDATE sandbox_messages SET status = $1
		WHERE store_id = $2 AND id = $3 AND direction = 'out' AND platform_channel_id IS NOT NULL RETURNING `+messageIDColumn,
		status, storeID, messageID).Scan(&wamid)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return msgcenter.Errorf(msgcenter.ENOTFOUND, "Message %d not found.", messageID)
		}
		return fmt.Errorf("sandbox: mark status: %w", err)
	}
	app, err := p.findApp(ctx, `store_id = $1`, storeID)
	if err != nil {
		return err
	}
	if title == "" && status == "failed" {
		title = "Message failed: error " + strconv.Itoa(code)
	}
	return p.postAppWebhook(ctx, app.StatusWebhookURL, "whatsapp-status", StatusWebhook(wamid, status, p.now(), code, title))
}

// ClickInPlatformRoom is an agent clicking the store's custom button in a
// room of its app, as the platform does: the room, its channel, the
// customer (user_id, the number on WhatsApp), the agent and the additional
// info are posted to the button's webhook on this msgcenter (see SetSelf).
// The room and the button must be the store's (else ENOTFOUND).
func (p *Provider) ClickInPlatformRoom(ctx context.Context, storeID, roomID, buttonID int64) (*ClickResult, error) {
	rm, err := p.FindPlatformRoom(ctx, storeID, roomID)
	if err != nil {
		return nil, err
	}
	b, err := p.FindCustomButton(ctx, buttonID)
	if err != nil {
		return nil, err
	}
	if b.StoreID != storeID {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Custom button %d not found.", buttonID)
	}
	path, err := hookPath(b.WebhookURL)
	if err != nil {
		return nil, msgcenter.Invalid("The button's webhook URL is not valid.", map[string]string{"webhook_url": err.Error()})
	}
	body, err := json.Marshal(ButtonPayload{
		RoomID:         rm.ExternalID(),
		Channel:        PayloadChannel{ID: rm.ChannelID, Type: ChannelSource(rm.ChannelType)},
		Customer:       PayloadCustomer{Name: rm.CustomerName, UserID: rm.CustomerUserID},
		Agent:          sandboxAgent(),
		AdditionalInfo: []AdditionalInfo{{Key: "button", Value: b.ButtonText}},
	})
	if err != nil {
		return nil, err
	}
	status, err := p.postWebhook(ctx, path, body)
	if err != nil {
		return nil, err
	}
	return &ClickResult{Status: status}, nil
}
