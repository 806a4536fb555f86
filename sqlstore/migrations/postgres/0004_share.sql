-- Share Microsite URL: each store's custom button secret, the clicks of its
-- webhook (de-duplicated within 30 seconds), and the sandbox omnichannel's
-- custom buttons.

CREATE TABLE custom_buttons (
	store_id     BIGINT PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
	secret       TEXT NOT NULL,
	label        TEXT NOT NULL,
	auto_created BOOLEAN NOT NULL DEFAULT FALSE,
	created_at   TIMESTAMPTZ NOT NULL,
	updated_at   TIMESTAMPTZ NOT NULL
);

-- One row per click that sent a message; a click whose key matches one of
-- the last 30 seconds is a duplicate and adds no row.
CREATE TABLE button_clicks (
	id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id        BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	room_id         BIGINT NOT NULL REFERENCES rooms (id),
	click_key       TEXT NOT NULL, -- hex SHA-256 of room, agent and normalised payload
	agent_email     TEXT NOT NULL DEFAULT '',
	microsite_token TEXT NOT NULL REFERENCES microsite_links (token),
	delivery_id     BIGINT,
	created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX button_clicks_key ON button_clicks (store_id, click_key, created_at);


-- The sandbox omnichannel's Settings → Custom Button.
CREATE TABLE sandbox_custom_buttons (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id    BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	label       TEXT NOT NULL,
	button_text TEXT NOT NULL,
	webhook_url TEXT NOT NULL,
	auto        BOOLEAN NOT NULL DEFAULT FALSE, -- created through the API by msgcenter
	created_at  TIMESTAMPTZ NOT NULL,
	updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX sandbox_custom_buttons_store ON sandbox_custom_buttons (store_id, id);
