package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
)

// The directions of a message.
const (
	DirectionIn  = "in"  // from the customer
	DirectionOut = "out" // to the customer
)

// Message is one message of a sandbox room, either way.
type Message struct {
	ID                int64
	Direction         string // DirectionIn or DirectionOut
	Kind              string // text or template
	Text              string
	ButtonLabel       string
	ButtonURL         string
	ProviderMessageID string
	// Status is what the platform last reported of an outbound message of
	// the local Qiscus: sent, delivered, read or failed.
	Status    string
	CreatedAt time.Time
}

// maxInboundLength is the longest customer message the sandbox accepts, the
// channels' body limit.
const maxInboundLength = 4096

// PostInbound records that the customer of the store's room wrote text: the
// message is stored and the room's last inbound time becomes now, which
// reopens the WhatsApp session window. Returns ENOTFOUND for a room not in
// the store and EINVALID for an empty or over-long text.
func (p *Provider) PostInbound(ctx context.Context, storeID, roomID int64, text string) error {
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n == 0 || n > maxInboundLength {
		return msgcenter.Invalid("The message is not valid.", map[string]string{
			"text": fmt.Sprintf("is required, at most %d characters", maxInboundLength),
		})
	}
	now := p.now()
	tx, err := p.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sandbox: begin: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `UPDATE rooms SET last_inbound_at = $1 WHERE store_id = $2 AND id = $3`, now, storeID, roomID)
	if err != nil {
		return fmt.Errorf("sandbox: update room: %w", err)
	}
	if err := roomUpdated(res, roomID); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO sandbox_messages (store_id, room_id, channel_id, direction, kind, text, created_at)
		SELECT store_id, id, channel_id, 'in', 'text', $3, $4 FROM rooms WHERE store_id = $1 AND id = $2`,
		storeID, roomID, text, now); err != nil {
		return fmt.Errorf("sandbox: store inbound message: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sandbox: commit: %w", err)
	}
	return nil
}

// AgeRoom sets the room's last inbound time to age before now, as if the
// customer had been silent that long (25 h closes the WhatsApp window).
// Returns ENOTFOUND for a room not in the store.
func (p *Provider) AgeRoom(ctx context.Context, storeID, roomID int64, age time.Duration) error {
	res, err := p.db.ExecContext(ctx, `UPDATE rooms SET last_inbound_at = $1 WHERE store_id = $2 AND id = $3`,
		p.now().Add(-age), storeID, roomID)
	if err != nil {
		return fmt.Errorf("sandbox: age room: %w", err)
	}
	return roomUpdated(res, roomID)
}

// roomUpdated turns an update that matched no room into ENOTFOUND.
func roomUpdated(res sql.Result, roomID int64) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sandbox: update room: %w", err)
	}
	if n == 0 {
		return msgcenter.Errorf(msgcenter.ENOTFOUND, "Room %d not found.", roomID)
	}
	return nil
}

// Messages returns the conversation of the store's room, oldest first; a
// room not in the store has none.
func (p *Provider) Messages(ctx context.Context, storeID, roomID int64) ([]*Message, error) {
	rows, err := p.db.QueryContext(ctx, `
		SELECT id, direction, kind, text, button_label, button_url, provider_message_id, created_at
		FROM sandbox_messages WHERE store_id = $1 AND room_id = $2 ORDER BY id`, storeID, roomID)
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
		if m.ProviderMessageID == "" && m.Direction == DirectionOut {
			m.ProviderMessageID = fmt.Sprintf("sbx-%d", m.ID)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: find messages: %w", err)
	}
	return ms, nil
}

// room is a room as the sandbox pages show it.
type room struct {
	msgcenter.Room
	StoreName   string
	ChannelName string
}

const roomColumns = `r.id, r.store_id, s.name, r.channel_id, c.type, c.name, r.external_id,
	r.customer_name, r.customer_phone, r.last_inbound_at, r.created_at
	FROM rooms r JOIN channels c ON c.id = r.channel_id JOIN stores s ON s.id = r.store_id`

func scanRoom(sc interface{ Scan(...any) error }) (*room, error) {
	r := &room{}
	var channelType string
	err := sc.Scan(&r.ID, &r.StoreID, &r.StoreName, &r.ChannelID, &channelType, &r.ChannelName, &r.ExternalID,
		&r.CustomerName, &r.CustomerPhone, &r.LastInboundAt, &r.CreatedAt)
	r.ChannelType = msgcenter.ChannelType(channelType)
	return r, err
}

// findRoom finds any store's room by id; the caller checks the store.
func (p *Provider) findRoom(ctx context.Context, id int64) (*room, error) {
	r, err := scanRoom(p.db.QueryRowContext(ctx, `SELECT `+roomColumns+` WHERE r.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room %d not found.", id)
	} else if err != nil {
		return nil, fmt.Errorf("sandbox: find room: %w", err)
	}
	return r, nil
}

// findRooms lists the rooms of the stores, or of every store when all is
// set, by store then room.
func (p *Provider) findRooms(ctx context.Context, all bool, storeIDs []int64) ([]*room, error) {
	where, args, none := storeFilter("r.store_id", all, storeIDs)
	if none {
		return nil, nil
	}
	q := `SELECT ` + roomColumns + where
	rows, err := p.db.QueryContext(ctx, q+` ORDER BY r.store_id, r.id LIMIT 1000`, args...)
	if err != nil {
		return nil, fmt.Errorf("sandbox: find rooms: %w", err)
	}
	defer rows.Close()
	var rs []*room
	for rows.Next() {
		r, err := scanRoom(rows)
		if err != nil {
			return nil, fmt.Errorf("sandbox: find rooms: %w", err)
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sandbox: find rooms: %w", err)
	}
	return rs, nil
}

// storeFilter is the WHERE clause that limits a listing to the visible
// stores: empty when every store is visible, and none when no store is.
func storeFilter(column string, all bool, storeIDs []int64) (where string, args []any, none bool) {
	if all {
		return "", nil, false
	}
	if len(storeIDs) == 0 {
		return "", nil, true
	}
	marks := make([]string, len(storeIDs))
	for i, id := range storeIDs {
		marks[i] = fmt.Sprintf("$%d", i+1)
		args = append(args, id)
	}
	return ` WHERE ` + column + ` IN (` + strings.Join(marks, ", ") + `)`, args, false
}
