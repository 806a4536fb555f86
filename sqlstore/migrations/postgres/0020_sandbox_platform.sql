-- The sandbox as a local Qiscus: each store's app (its id, secret and the
-- webhook URLs it posts to), the platform's channels and rooms with their
-- own ids and the customer's last message time, and its WhatsApp template
-- catalogue. msgcenter's channels and rooms point at these through their
-- external ids, as they would at a real app's.
CREATE TABLE sandbox_apps (
	store_id            BIGINT PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
	app_id              TEXT NOT NULL UNIQUE,
	secret              TEXT NOT NULL,
	inbound_webhook_url TEXT NOT NULL DEFAULT '',
	status_webhook_url  TEXT NOT NULL DEFAULT '',
	created_at          TIMESTAMPTZ NOT NULL
);

CREATE TABLE sandbox_channels (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- the platform's channel id
	store_id   BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	type       TEXT NOT NULL,
	name       TEXT NOT NULL,
	phone      TEXT NOT NULL DEFAULT '',
	namespace  TEXT NOT NULL DEFAULT '',
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sandbox_channels_store ON sandbox_channels (store_id, id);

CREATE TABLE sandbox_rooms (
	id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- the platform's room id
	store_id         BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	channel_id       BIGINT NOT NULL REFERENCES sandbox_channels (id) ON DELETE CASCADE,
	customer_name    TEXT NOT NULL DEFAULT '',
	customer_user_id TEXT NOT NULL DEFAULT '', -- the phone number on WhatsApp
	last_customer_at TIMESTAMPTZ,             -- NULL until the customer writes
	created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX sandbox_rooms_store ON sandbox_rooms (store_id, id);
CREATE INDEX sandbox_rooms_user ON sandbox_rooms (channel_id, customer_user_id);

CREATE TABLE sandbox_hsm_templates (
	id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id      BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	channel_id    BIGINT NOT NULL REFERENCES sandbox_channels (id) ON DELETE CASCADE,
	namespace     TEXT NOT NULL DEFAULT '',
	name          TEXT NOT NULL,
	language      TEXT NOT NULL,
	category      TEXT NOT NULL,
	type          TEXT NOT NULL,
	status        TEXT NOT NULL,
	header_format TEXT NOT NULL DEFAULT '',
	header        TEXT NOT NULL DEFAULT '', -- a text header, or a media header's sample link
	body          TEXT NOT NULL,
	buttons       TEXT NOT NULL DEFAULT '[]', -- JSON []msgcenter.TemplateButton
	created_at    TIMESTAMPTZ NOT NULL,
	updated_at    TIMESTAMPTZ NOT NULL,
	UNIQUE (channel_id, name, language)
);

-- The platform's messages name its own rooms and channels.
ALTER TABLE sandbox_messages ADD COLUMN platform_room_id BIGINT REFERENCES sandbox_rooms (id) ON DELETE CASCADE;
ALTER TABLE sandbox_messages ADD COLUMN platform_channel_id BIGINT REFERENCES sandbox_channels (id) ON DELETE CASCADE;
ALTER TABLE sandbox_messages ADD COLUMN status TEXT NOT NULL DEFAULT '';
CREATE INDEX sandbox_messages_platform_room ON sandbox_messages (platform_room_id, id);
