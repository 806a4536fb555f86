package sqlstore

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qiscus/msgcenter"
)

// Click handles one call of the store's custom-button webhook in one
// transaction that first locks the store's button row: the secret is
// checked in constant time, then a click of the same key within
// msgcenter.ClickDedupeWindow (by the DB clock) whose message has not failed
// is answered as a duplicate with the first click's delivery; otherwise the room is found or created,
// a personalised microsite link is made for it, the click is recorded and
// share_microsite_url is raised, its job enqueued in the same transaction.
// The lock makes the check and the insert atomic across processes: on
// PostgreSQL a concurrent click waits for the first to commit, and SQLite's
// write transactions are serial.
//
// Returns ENOTFOUND for an unknown store or a wrong secret (alike), and
// EINVALID when the click has no room id or the room cannot be created.
func (s *CustomButtonService) Click(ctx context.Context, storeID int64, secret string, c *msgcenter.ButtonClick) (*msgcenter.ClickResult, error) {
	if c == nil || strings.TrimSpace(c.RoomID) == "" {
		return nil, msgcenter.Invalid("The click is not valid.", map[string]string{"room_id": "is required"})
	}
	key := clickKey(c)
	var res *msgcenter.ClickResult
	err := s.db.withTx(ctx, func(tx *txn) error {
		b, err := findCustomButton(ctx, tx, storeID, s.db.forUpdate())
		if msgcenter.ErrorCode(err) == msgcenter.ENOTFOUND {
			return errUnknownButton()
		} else if err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(b.Secret), []byte(secret)) != 1 {
			return errUnknownButton()
		}
		now := s.db.now()

		var deliveryID sql.NullInt64
		var roomID int64
		// A click whose message failed is no reason to drop the next: the
		// agent clicks again once the customer has written, and expects a send.
		err = tx.QueryRowContext(ctx, `
			SELECT c.delivery_id, c.room_id FROM button_clicks c
			LEFT JOIN deliveries d ON d.store_id = c.store_id AND d.id = c.delivery_id
			WHERE c.store_id = $1 AND c.click_key = $2 AND c.created_at > $3 AND COALESCE(d.status, '') <> $4
			ORDER BY c.id DESC LIMIT 1`,
			storeID, key, now.Add(-msgcenter.ClickDedupeWindow), string(msgcenter.StatusFailed)).Scan(&deliveryID, &roomID)
		if err == nil {
			res = &msgcenter.ClickResult{Status: msgcenter.ClickDuplicate, DeliveryID: deliveryID.Int64, RoomID: roomID}
			return nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("sqlstore: find recent click: %w", err)
		}

		room, err := s.clickRoom(ctx, tx, storeID, c, now)
		if err != nil {
			return err
		}
		token, err := insertMicrositeLink(ctx, tx, storeID, &room.ID, room.CustomerName, now)
		if err != nil {
			return err
		}
		var clickID int64
		err = tx.QueryRowContext(ctx, `
			INSERT INTO button_clicks (store_id, room_id, click_key, agent_email, microsite_token, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			RETURNING id`,
			storeID, room.ID, key, truncate(c.AgentEmail, 320), token, now).Scan(&clickID)
		if err != nil {
			return fmt.Errorf("sqlstore: insert click: %w", err)
		}
		id, _, err := s.db.raise(ctx, tx, occurrence{
			storeID: storeID, subject: msgcenter.SubjectClick, subjectID: clickID,
			event: msgcenter.EventShareMicrositeURL, roomID: &room.ID, kind: msgcenter.KindAutomation,
		})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE button_clicks SET delivery_id = $1 WHERE id = $2`, id, clickID); err != nil {
			return fmt.Errorf("sqlstore: update click: %w", err)
		}
		res = &msgcenter.ClickResult{Status: msgcenter.ClickSent, DeliveryID: id, RoomID: room.ID}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func errUnknownButton() error {
	return msgcenter.Errorf(msgcenter.ENOTFOUND, "Unknown custom button: check the Custom Button URL in the Message Center.")
}

// clickKey identifies a click for de-duplication: the room, the agent and
// the normalised payload, hashed.
func clickKey(c *msgcenter.ButtonClick) string {
	h := sha256.New()
	for _, part := range [][]byte{[]byte(c.RoomID), []byte(strings.ToLower(c.AgentEmail)), c.Payload} {
		fmt.Fprintf(h, "%d:", len(part))
		h.Write(part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// clickRoom finds the store's room of the click, by the platform's room id
// (the room's external id) or, for rooms msgcenter itself knows by id (the
// sandbox's, which have no external id), by that id when the channel agrees.
// Otherwise it creates the room on the click's channel.
func (s *CustomButtonService) clickRoom(ctx context.Context, tx *txn, storeID int64, c *msgcenter.ButtonClick, now time.Time) (*msgcenter.Room, error) {
	rooms, err := findRooms(ctx, tx, `WHERE r.store_id = $1 AND r.external_id = $2 ORDER BY r.id LIMIT 1`, storeID, c.RoomID)
	if err != nil {
		return nil, err
	}
	if len(rooms) == 0 {
		if id, perr := strconv.ParseInt(c.RoomID, 10, 64); perr == nil && id > 0 {
			rooms, err = findRooms(ctx, tx, `WHERE r.store_id = $1 AND r.id = $2 AND r.external_id = ''`, storeID, id)
			if err != nil {
				return nil, err
			}
			if len(rooms) == 1 && c.ChannelID != 0 && rooms[0].ChannelID != c.ChannelID {
				rooms = nil // a platform's id that happens to equal one of ours
			}
		}
	}
	if len(rooms) > 0 {
		r := rooms[0]
		if r.CustomerName == "" && c.CustomerName != "" {
			r.CustomerName = truncate(c.CustomerName, 100)
			if _, err := tx.ExecContext(ctx, `UPDATE rooms SET customer_name = $1 WHERE store_id = $2 AND id = $3`,
				r.CustomerName, storeID, r.ID); err != nil {
				return nil, fmt.Errorf("sqlstore: update room name: %w", err)
			}
		}
		return r, nil
	}

	ch, err := clickChannel(ctx, tx, storeID, c)
	if err != nil {
		return nil, err
	}
	r := &msgcenter.Room{
		StoreID: storeID, ChannelID: ch.ID, ChannelType: ch.Type, ExternalID: truncate(c.RoomID, 200),
		CustomerName: truncate(c.CustomerName, 100),
		// An agent clicks in a conversation the customer is having now.
		LastInboundAt: now, CreatedAt: now,
	}
	if phone := strings.TrimPrefix(c.CustomerUserID, "+"); msgcenter.ValidPhone(phone) {
		r.CustomerPhone = "+" + phone
	}
	if err := insertRoom(ctx, tx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// clickChannel is the store's channel the click came from: the one whose
// external id is the platform's channel id, else ours of that id (the
// sandbox's), else the first of the click's channel type.
func clickChannel(ctx context.Context, tx *txn, storeID int64, c *msgcenter.ButtonClick) (*msgcenter.Channel, error) {
	if c.ChannelID != 0 {
		cs, err := findChannels(ctx, tx, `WHERE store_id = $1 AND external_id = $2 ORDER BY id LIMIT 1`, storeID, strconv.FormatInt(c.ChannelID, 10))
		if err != nil {
			return nil, err
		}
		if len(cs) == 0 {
			if cs, err = findChannels(ctx, tx, `WHERE store_id = $1 AND id = $2 AND external_id = ''`, storeID, c.ChannelID); err != nil {
				return nil, err
			}
		}
		if len(cs) > 0 && (c.ChannelType == "" || cs[0].Type == c.ChannelType) {
			return cs[0], nil
		}
	}
	if c.ChannelType != "" {
		cs, err := findChannels(ctx, tx, `WHERE store_id = $1 AND type = $2 ORDER BY id LIMIT 1`, storeID, string(c.ChannelType))
		if err != nil {
			return nil, err
		}
		if len(cs) > 0 {
			return cs[0], nil
		}
	}
	return nil, msgcenter.Invalid("The click's room is unknown and cannot be created.", map[string]string{
		"channel": "names no channel of this store",
	})
}

// truncate cuts s to at most n runes.
func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// findClickToken returns the token of the microsite link a click's message carries.
func findClickToken(ctx context.Context, q querier, storeID, clickID int64) (string, error) {
	var token string
	err := q.QueryRowContext(ctx, `SELECT microsite_token FROM button_clicks WHERE store_id = $1 AND id = $2`, storeID, clickID).Scan(&token)
	if errors.Is(err, sql.ErrNoRows) {
		return "", msgcenter.Errorf(msgcenter.ENOTFOUND, "Click not found.")
	} else if err != nil {
		return "", fmt.Errorf("sqlstore: find click: %w", err)
	}
	return token, nil
}
