-- Users, their API tokens and sessions; stores; message configurations and their history.
-- Times are TIMESTAMP columns so the driver parses them back into time.Time; they are always UTC.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	email         TEXT NOT NULL UNIQUE, -- stored lowercased
	password_hash TEXT NOT NULL,
	created_at    TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	token_hash TEXT NOT NULL UNIQUE, -- hex SHA-256 of the token
	created_at TIMESTAMP NOT NULL,
	revoked_at TIMESTAMP
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY, -- hex SHA-256 of the token
	user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	expires_at TIMESTAMP NOT NULL,
	created_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE stores (
	id                       INTEGER PRIMARY KEY AUTOINCREMENT,
	slug                     TEXT NOT NULL UNIQUE,
	name                     TEXT NOT NULL,
	address                  TEXT NOT NULL DEFAULT '',
	currency                 TEXT NOT NULL,
	time_zone                TEXT NOT NULL,
	language                 TEXT NOT NULL,
	incomplete_delay_seconds INTEGER NOT NULL,
	owner_id                 INTEGER NOT NULL REFERENCES users (id),
	created_at               TIMESTAMP NOT NULL
);
CREATE INDEX stores_owner_id ON stores (owner_id, id);

CREATE TABLE message_configs (
	store_id           INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	event              TEXT NOT NULL,
	type               TEXT NOT NULL,
	language           TEXT NOT NULL,
	body               TEXT NOT NULL DEFAULT '',
	button_label       TEXT NOT NULL DEFAULT '',
	automation_enabled BOOLEAN NOT NULL,
	fallback           TEXT, -- JSON of msgcenter.FallbackConfig; NULL when the event has none
	version            INTEGER NOT NULL,
	updated_by         TEXT NOT NULL,
	updated_at         TIMESTAMP NOT NULL,
	PRIMARY KEY (store_id, event)
);

CREATE TABLE message_config_versions (
	store_id   INTEGER NOT NULL,
	event      TEXT NOT NULL,
	version    INTEGER NOT NULL,
	config     TEXT NOT NULL, -- JSON snapshot of msgcenter.MessageConfig
	created_by TEXT NOT NULL,
	created_at TIMESTAMP NOT NULL,
	PRIMARY KEY (store_id, event, version),
	FOREIGN KEY (store_id, event) REFERENCES message_configs (store_id, event) ON DELETE CASCADE
);
