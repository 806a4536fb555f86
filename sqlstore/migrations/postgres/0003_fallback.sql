-- The sandbox omnichannel's WhatsApp template catalogue and credit balances.

CREATE TABLE sandbox_templates (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id   BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	channel_id BIGINT NOT NULL REFERENCES channels (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	language   TEXT NOT NULL,
	category   TEXT NOT NULL,
	type       TEXT NOT NULL,
	status     TEXT NOT NULL,
	header     TEXT NOT NULL DEFAULT '',
	body       TEXT NOT NULL,
	buttons    TEXT NOT NULL DEFAULT '[]', -- JSON []msgcenter.TemplateButton
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL,
	UNIQUE (channel_id, name, language)
);
CREATE INDEX sandbox_templates_store ON sandbox_templates (store_id, channel_id);

CREATE TABLE sandbox_credits (
	store_id   BIGINT PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
	balance    BIGINT NOT NULL CHECK (balance >= 0),
	updated_at TIMESTAMPTZ NOT NULL
);
