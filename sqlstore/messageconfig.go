package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/qiscus/msgcenter"
)

var _ msgcenter.MessageConfigService = (*MessageConfigService)(nil)

// MessageConfigService stores message configurations and their history.
type MessageConfigService struct {
	db *DB
}

// NewMessageConfigService returns a MessageConfigService on db.
func NewMessageConfigService(db *DB) *MessageConfigService { return &MessageConfigService{db: db} }

// FindMessageConfigs returns the store's configurations in the order of
// msgcenter.Events. Returns ENOTFOUND for a store without any.
func (s *MessageConfigService) FindMessageConfigs(ctx context.Context, storeID int64) ([]*msgcenter.MessageConfig, error) {
	rows, err := s.db.q.QueryContext(ctx, `SELECT `+messageConfigColumns+` FROM message_configs WHERE store_id = $1`, storeID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find message configs: %w", err)
	}
	defer rows.Close()
	byEvent := map[msgcenter.Event]*msgcenter.MessageConfig{}
	for rows.Next() {
		c, err := scanMessageConfig(rows)
		if err != nil {
			return nil, err
		}
		byEvent[c.Event] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find message configs: %w", err)
	}
	if len(byEvent) == 0 {
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Store not found.")
	}
	configs := make([]*msgcenter.MessageConfig, 0, len(byEvent))
	for _, e := range msgcenter.Events() {
		if c, ok := byEvent[e]; ok {
			configs = append(configs, c)
		}
	}
	return configs, nil
}

// FindMessageConfig returns the configuration of one event of the store.
func (s *MessageConfigService) FindMessageConfig(ctx context.Context, storeID int64, event msgcenter.Event) (*msgcenter.MessageConfig, error) {
	return findMessageConfig(ctx, s.db.q, storeID, event, "")
}

// SaveMessageConfig stores c as the version after c.Version, made by editor,
// with a snapshot in the history, in one transaction. When the stored
// version is no longer c.Version nothing is written and ECONFLICT returned.
// On success c holds the new version, editor and time.
func (s *MessageConfigService) SaveMessageConfig(ctx context.Context, c *msgcenter.MessageConfig, editor string) error {
	next := *c
	next.Version = c.Version + 1
	next.UpdatedBy = editor
	next.UpdatedAt = s.db.now()
	err := s.db.withTx(ctx, func(tx *txn) error {
		current, err := findMessageConfig(ctx, tx, c.StoreID, c.Event, s.db.forUpdate())
		if err != nil {
			return err
		}
		if current.Version != c.Version {
			return errStaleMessageConfig()
		}
		if err := updateMessageConfig(ctx, tx, &next, c.Version); err != nil {
			return err
		}
		return insertMessageConfigVersion(ctx, tx, &next)
	})
	if err != nil {
		return err
	}
	c.Version, c.UpdatedBy, c.UpdatedAt = next.Version, next.UpdatedBy, next.UpdatedAt
	return nil
}

func errStaleMessageConfig() error {
	return msgcenter.Errorf(msgcenter.ECONFLICT, "The message was changed by someone else; reload and try again.")
}

// FindMessageConfigVersions lists the saved versions of one event, newest first.
func (s *MessageConfigService) FindMessageConfigVersions(ctx context.Context, storeID int64, event msgcenter.Event) ([]*msgcenter.MessageConfigVersion, error) {
	rows, err := s.db.q.QueryContext(ctx, `
		SELECT version, config, created_by, created_at
		FROM message_config_versions
		WHERE store_id = $1 AND event = $2
		ORDER BY version DESC`,
		storeID, string(event),
	)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find message config versions: %w", err)
	}
	defer rows.Close()
	versions := []*msgcenter.MessageConfigVersion{}
	for rows.Next() {
		v, err := scanMessageConfigVersion(rows, storeID)
		if err != nil {
			return nil, err
		}
		versions = append(versions, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: find message config versions: %w", err)
	}
	return versions, nil
}

// FindMessageConfigVersion returns one saved version of an event.
func (s *MessageConfigService) FindMessageConfigVersion(ctx context.Context, storeID int64, event msgcenter.Event, version int) (*msgcenter.MessageConfigVersion, error) {
	rows, err := s.db.q.QueryContext(ctx, `
		SELECT version, config, created_by, created_at
		FROM message_config_versions
		WHERE store_id = $1 AND event = $2 AND version = $3`,
		storeID, string(event), version,
	)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find message config version: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlstore: find message config version: %w", err)
		}
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Message version not found.")
	}
	return scanMessageConfigVersion(rows, storeID)
}

const messageConfigColumns = `store_id, event, type, language, body, button_label, automation_enabled, fallback, version, updated_by, updated_at`

// findMessageConfig reads one configuration; lock is "" or a locking clause.
func findMessageConfig(ctx context.Context, q querier, storeID int64, event msgcenter.Event, lock string) (*msgcenter.MessageConfig, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+messageConfigColumns+` FROM message_configs WHERE store_id = $1 AND event = $2`+lock,
		storeID, string(event))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: find message config: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlstore: find message config: %w", err)
		}
		return nil, msgcenter.Errorf(msgcenter.ENOTFOUND, "Message configuration not found.")
	}
	return scanMessageConfig(rows)
}

func scanMessageConfig(rows *sql.Rows) (*msgcenter.MessageConfig, error) {
	var x messageConfigRow
	if err := rows.Scan(x.dest()...); err != nil {
		return nil, fmt.Errorf("sqlstore: scan message config: %w", err)
	}
	return x.value()
}

// messageConfigRow receives the messageConfigColumns of one row.
type messageConfigRow struct {
	c                    msgcenter.MessageConfig
	event, typ, language string
	fallback             sql.NullString
}

func (x *messageConfigRow) dest() []any {
	c := &x.c
	return []any{&c.StoreID, &x.event, &x.typ, &x.language, &c.Body, &c.ButtonLabel, &c.AutomationEnabled,
		&x.fallback, &c.Version, &c.UpdatedBy, &c.UpdatedAt}
}

func (x *messageConfigRow) value() (*msgcenter.MessageConfig, error) {
	c := x.c
	c.Event, c.Type, c.Language = msgcenter.Event(x.event), msgcenter.MessageType(x.typ), msgcenter.Language(x.language)
	c.UpdatedAt = c.UpdatedAt.UTC()
	if x.fallback.Valid {
		c.Fallback = &msgcenter.FallbackConfig{}
		if err := json.Unmarshal([]byte(x.fallback.String), c.Fallback); err != nil {
			return nil, fmt.Errorf("sqlstore: decode fallback of store %d event %s: %w", c.StoreID, c.Event, err)
		}
	}
	return &c, nil
}

func insertMessageConfig(ctx context.Context, tx *txn, c *msgcenter.MessageConfig) error {
	fallback, err := fallbackJSON(c.Fallback)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO message_configs (store_id, event, type, language, body, button_label, automation_enabled, fallback, version, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		c.StoreID, string(c.Event), string(c.Type), string(c.Language), c.Body, c.ButtonLabel, c.AutomationEnabled,
		fallback, c.Version, c.UpdatedBy, c.UpdatedAt,
	)
	if err != nil {
		return fmt.Errorf("sqlstore: insert message config: %w", err)
	}
	return nil
}

// updateMessageConfig writes c over the stored row if that row is still at
// version prev, and answers ECONFLICT if it is not.
func updateMessageConfig(ctx context.Context, tx *txn, c *msgcenter.MessageConfig, prev int) error {
	fallback, err := fallbackJSON(c.Fallback)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `
		UPDATE message_configs
		SET type = $1, language = $2, body = $3, button_label = $4, automation_enabled = $5, fallback = $6,
			version = $7, updated_by = $8, updated_at = $9
		WHERE store_id = $10 AND event = $11 AND version = $12`,
		string(c.Type), string(c.Language), c.Body, c.ButtonLabel, c.AutomationEnabled, fallback,
		c.Version, c.UpdatedBy, c.UpdatedAt, c.StoreID, string(c.Event), prev,
	)
	if err != nil {
		return fmt.Errorf("sqlstore: update message config: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlstore: update message config: %w", err)
	} else if n != 1 {
		return errStaleMessageConfig()
	}
	return nil
}

// insertMessageConfigVersion records c, at its version, in the history.
func insertMessageConfigVersion(ctx context.Context, tx *txn, c *msgcenter.MessageConfig) error {
	snapshot, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("sqlstore: encode message config: %w", err)
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO message_config_versions (store_id, event, version, config, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`,
		c.StoreID, string(c.Event), c.Version, string(snapshot), c.UpdatedBy, c.UpdatedAt,
	)
	if isUniqueViolation(err) {
		return errStaleMessageConfig()
	} else if err != nil {
		return fmt.Errorf("sqlstore: insert message config version: %w", err)
	}
	return nil
}

func scanMessageConfigVersion(rows *sql.Rows, storeID int64) (*msgcenter.MessageConfigVersion, error) {
	var v msgcenter.MessageConfigVersion
	var snapshot string
	if err := rows.Scan(&v.Version, &snapshot, &v.CreatedBy, &v.CreatedAt); err != nil {
		return nil, fmt.Errorf("sqlstore: scan message config version: %w", err)
	}
	v.CreatedAt = v.CreatedAt.UTC()
	v.Config = &msgcenter.MessageConfig{}
	if err := json.Unmarshal([]byte(snapshot), v.Config); err != nil {
		return nil, fmt.Errorf("sqlstore: decode message config version %d: %w", v.Version, err)
	}
	// The snapshot leaves out the store id (it is not part of the JSON form).
	v.Config.StoreID = storeID
	return &v, nil
}

// fallbackJSON is the stored form of a fallback: JSON, or NULL for none.
func fallbackJSON(f *msgcenter.FallbackConfig) (sql.NullString, error) {
	if f == nil {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(f)
	if err != nil {
		return sql.NullString{}, fmt.Errorf("sqlstore: encode fallback: %w", err)
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}
