package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/qiscus/msgcenter"
)

// CreateRoom validates r and stores it. The room's channel must be one of
// the same store (else EINVALID on channel_id); r.ChannelType is taken from
// it. A zero LastInboundAt means the customer just wrote. On success r holds
// its id, channel type and times. Returns EINVALID, or ENOTFOUND for an
// unknown store.
func (s *CommerceService) CreateRoom(ctx context.Context, r *msgcenter.Room) error {
	room := *r
	if err := s.newRoom(&room); err != nil {
		return err
	}
	err := s.db.withTx(ctx, func(tx *txn) error {
		if err := storeExists(ctx, tx, room.StoreID); err != nil {
			return err
		}
		return s.createRoom(ctx, tx, &room)
	})
	if err != nil {
		return err
	}
	*r = room
	return nil
}

// newRoom validates a room to be created and sets its times: created now,
// and a zero LastInboundAt means the customer just wrote.
func (s *CommerceService) newRoom(room *msgcenter.Room) error {
	if err := room.Validate(); err != nil {
		return err
	}
	room.CreatedAt = s.db.now()
	if err := msgcenter.CheckInboundTime(room.LastInboundAt, room.CreatedAt); err != nil {
		return err
	}
	if room.LastInboundAt.IsZero() {
		room.LastInboundAt = room.CreatedAt
	} else {
		room.LastInboundAt = room.LastInboundAt.UTC().Truncate(time.Microsecond)
	}
	return nil
}

// createRoom stores a validated room whose times are set, taking its
// channel type from its channel, which must be the store's.
func (s *CommerceService) createRoom(ctx context.Context, tx *txn, room *msgcenter.Room) error {
	c, err := findChannel(ctx, tx, room.StoreID, room.ChannelID, "")
	if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
		return msgcenter.Invalid("The room is not valid.", map[string]string{"channel_id": "is not a channel of this store"})
	} else if err != nil {
		return err
	}
	room.ChannelType = c.Type
	return insertRoom(ctx, tx, room)
}

// FindRoomByExternalID returns the store's room the platform knows by
// externalID (the oldest, should there be two), ENOTFOUND when there is none.
func (s *CommerceService) FindRoomByExternalID(ctx context.Context, storeID int64, externalID string) (*msgcenter.Room, error) {
	return findRoomByExternalID(ctx, s.db.q, storeID, externalID)
}

func findRoomByExternalID(ctx context.Context, q querier, storeID int64, externalID string) (*msgcenter.Room, error) {
	if externalID == "" {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room not found.")
	}
	rs, err := findRooms(ctx, q, `WHERE r.store_id = $1 AND r.external_id = $2 ORDER BY r.id LIMIT 1`, storeID, externalID)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room not found.")
	}
	return rs[0], nil
}

// EnsureRoom creates r unless the store has a room with r's external id
// already, in which case r becomes that room and created is false. The
// store's row is locked first (SQLite's writer lock does the same), so
// concurrent calls for one external id create one room. Returns EINVALID
// (an external id is required), or ENOTFOUND for an unknown store.
func (s *CommerceService) EnsureRoom(ctx context.Context, r *msgcenter.Room) (bool, error) {
	room := *r
	if room.ExternalID == "" {
		return false, msgcenter.Invalid("The room is not valid.", map[string]string{"external_id": "is required"})
	}
	if err := s.newRoom(&room); err != nil {
		return false, err
	}
	var created bool
	err := s.db.withTx(ctx, func(tx *txn) error {
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM stores WHERE id = $1`+s.db.forUpdate(), room.StoreID).Scan(&one)
		if err == sql.ErrNoRows {
			return msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
		} else if err != nil {
			return fmt.Errorf("sqlstore: lock store: %w", err)
		}
		existing, err := findRoomByExternalID(ctx, tx, room.StoreID, room.ExternalID)
		if err == nil {
			room = *existing
			return nil
		} else if msgcenter.ErrorCode(err) != msgcenter.ENOTFOUND {
			return err
		}
		created = true
		return s.createRoom(ctx, tx, &room)
	})
	if err != nil {
		return false, err
	}
	*r = room
	return created, nil
}

func insertRoom(ctx context.Context, tx *txn, r *msgcenter.Room) error {
	err := tx.QueryRowContext(ctx, `
		INSERT INTO rooms (store_id, channel_id, external_id, customer_name, customer_phone, last_inbound_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		RETURNING id`,
		r.StoreID, r.ChannelID, r.ExternalID, r.CustomerName, r.CustomerPhone, r.LastInboundAt, r.CreatedAt,
	).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("sqlstore: insert room: %w", err)
	}
	return nil
}

// FindRooms lists the store's rooms, oldest first.
func (s *CommerceService) FindRooms(ctx context.Context, storeID int64) ([]*msgcenter.Room, error) {
	return findRooms(ctx, s.db.q, `WHERE r.store_id = $1 ORDER BY r.id`, storeID)
}

// FindRoom returns one room of the store, ENOTFOUND for another store's.
func (s *CommerceService) FindRoom(ctx context.Context, storeID, id int64) (*msgcenter.Room, error) {
	return findRoom(ctx, s.db.q, storeID, id, "")
}

// maxRoomsByID bounds the rooms FindRoomsByID reads at once.
const maxRoomsByID = 500

// FindRoomsByID lists the store's rooms among ids, oldest first, in one
// query; ids of another store's rooms match nothing. Returns EINVALID for
// more than 500 ids.
func (s *CommerceService) FindRoomsByID(ctx context.Context, storeID int64, ids []int64) ([]*msgcenter.Room, error) {
	if len(ids) == 0 {
		return []*msgcenter.Room{}, nil
	}
	if len(ids) > maxRoomsByID {
		return nil, msgcenter.Errorf(msgcenter.EINVALID, "At most %d rooms at a time.", maxRoomsByID)
	}
	args := make([]any, 0, len(ids)+1)
	args = append(args, storeID)
	for _, id := range ids {
		args = append(args, id)
	}
	return findRooms(ctx, s.db.q, `WHERE r.store_id = $1 AND r.id IN (`+placeholders(2, len(ids))+`) ORDER BY r.id`, args...)
}

// UpdateRoom applies upd to the store's room and validates the result; a
// refused update writes nothing. Returns ENOTFOUND or EINVALID.
func (s *CommerceService) UpdateRoom(ctx context.Context, storeID, id int64, upd msgcenter.RoomUpdate) (*msgcenter.Room, error) {
	var r *msgcenter.Room
	err := s.db.withTx(ctx, func(tx *txn) error {
		var err error
		if r, err = findRoom(ctx, tx, storeID, id, s.db.forUpdateOf("r")); err != nil {
			return err
		}
		if upd.CustomerName != nil {
			r.CustomerName = *upd.CustomerName
		}
		if upd.CustomerPhone != nil {
			r.CustomerPhone = *upd.CustomerPhone
		}
		if upd.LastInboundAt != nil {
			if err := msgcenter.CheckInboundTime(*upd.LastInboundAt, s.db.now()); err != nil {
				return err
			}
			r.LastInboundAt = upd.LastInboundAt.UTC().Truncate(time.Microsecond)
		}
		if upd.InboundAt != nil {
			if at := upd.InboundAt.UTC().Truncate(time.Microsecond); at.After(r.LastInboundAt) {
				r.LastInboundAt = at
			}
		}
		if err := r.Validate(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			UPDATE rooms SET customer_name = $1, customer_phone = $2, last_inbound_at = $3
			WHERE store_id = $4 AND id = $5`,
			r.CustomerName, r.CustomerPhone, r.LastInboundAt, storeID, id,
		)
		if err != nil {
			return fmt.Errorf("sqlstore: update room: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// roomColumns read a room joined, as r, with its channel, as c.
const roomColumns = `r.id, r.store_id, r.channel_id, c.type, r.external_id, r.customer_name, r.customer_phone, r.last_inbound_at, r.created_at`

// findRoom reads one room of the store; lock is "" or a locking clause.
func findRoom(ctx context.Context, q querier, storeID, id int64, lock string) (*msgcenter.Room, error) {
	rs, err := findRooms(ctx, q, `WHERE r.store_id = $1 AND r.id = $2`+lock, storeID, id)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Room not found.")
	}
	return rs[0], nil
}

// nullRoomRow scans roomColumns: from the rooms table, or from an outer join
// where every column is NULL when there is no room.
type nullRoomRow struct {
	id, storeID, channelID                       sql.NullInt64
	typ, externalID, customerName, customerPhone sql.NullString
	lastInboundAt, createdAt                     sql.NullTime
}

func (r *nullRoomRow) dest() []any {
	return []any{&r.id, &r.storeID, &r.channelID, &r.typ, &r.externalID, &r.customerName, &r.customerPhone, &r.lastInboundAt, &r.createdAt}
}

// value returns the room, or nil when the join found none.
func (r *nullRoomRow) value() *msgcenter.Room {
	if !r.id.Valid {
		return nil
	}
	return &msgcenter.Room{ID: r.id.Int64, StoreID: r.storeID.Int64, ChannelID: r.channelID.Int64,
		ChannelType: msgcenter.ChannelType(r.typ.String), ExternalID: r.externalID.String,
		CustomerName: r.customerName.String, CustomerPhone: r.customerPhone.String,
		LastInboundAt: r.lastInboundAt.Time.UTC(), CreatedAt: r.createdAt.Time.UTC()}
}

// findRooms returns the rooms matching where, which names the rooms table r.
func findRooms(ctx context.Context, q querier, where string, args ...any) ([]*msgcenter.Room, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+roomColumns+` FROM rooms r JOIN channels c ON c.id = r.channel_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find rooms: %w", err)
	}
	defer rows.Close()
	rooms := []*msgcenter.Room{}
	for rows.Next() {
		var r nullRoomRow
		if err := rows.Scan(r.dest()...); err != nil {
			return nil, fmt.Errorf("sqlstore: scan room: %w", err)
		}
		rooms = append(rooms, r.value())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find rooms: %w", err)
	}
	return rooms, nil
}
