package sandbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

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

// room is a room of the local Qiscus as the sandbox pages show it.
type room struct {
	ID            int64
	StoreID       int64
	StoreName     string
	ChannelID     int64
	ChannelType   msgcenter.ChannelType
	ChannelName   string
	CustomerName  string
	CustomerPhone string // the customer's user id: the number on WhatsApp
	// LastInboundAt is the customer's last message, zero before the first.
	LastInboundAt time.Time
	CreatedAt     time.Time
}

const roomColumns = `r.id, r.store_id, s.name, r.channel_id, c.type, c.name,
	r.customer_name, r.customer_user_id, r.last_customer_at, r.created_at
	FROM sandbox_rooms r JOIN sandbox_channels c ON c.id = r.channel_id JOIN stores s ON s.id = r.store_id`

func scanRoom(sc interface{ Scan(...any) error }) (*room, error) {
	r := &room{}
	var channelType string
	var last sql.NullTime
	err := sc.Scan(&r.ID, &r.StoreID, &r.StoreName, &r.ChannelID, &channelType, &r.ChannelName,
		&r.CustomerName, &r.CustomerPhone, &last, &r.CreatedAt)
	r.ChannelType = msgcenter.ChannelType(channelType)
	if last.Valid {
		r.LastInboundAt = last.Time.UTC()
	}
	if r.ChannelType == msgcenter.ChannelWhatsApp && r.CustomerPhone != "" {
		r.CustomerPhone = "+" + r.CustomerPhone
	}
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
