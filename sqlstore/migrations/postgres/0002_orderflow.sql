-- The order flow (channels, rooms, products, orders, checkouts), the messages
-- it raises with their attempts, and the sandbox omnichannel's own records.

ALTER TABLE stores ADD COLUMN order_seq BIGINT NOT NULL DEFAULT 0;

CREATE TABLE channels (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id    BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	type        TEXT NOT NULL,
	name        TEXT NOT NULL,
	phone       TEXT NOT NULL DEFAULT '',
	external_id TEXT NOT NULL DEFAULT '',
	created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX channels_store_id ON channels (store_id, id);

CREATE TABLE rooms (
	id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id        BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	channel_id      BIGINT NOT NULL REFERENCES channels (id),
	external_id     TEXT NOT NULL DEFAULT '',
	customer_name   TEXT NOT NULL DEFAULT '',
	customer_phone  TEXT NOT NULL DEFAULT '',
	last_inbound_at TIMESTAMPTZ NOT NULL,
	created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX rooms_store_id ON rooms (store_id, id);
CREATE INDEX rooms_store_phone ON rooms (store_id, customer_phone);

CREATE TABLE products (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id   BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	price      BIGINT NOT NULL CHECK (price >= 0),
	stock      BIGINT NOT NULL CHECK (stock >= 0),
	active     BOOLEAN NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX products_store_id ON products (store_id, id);

CREATE TABLE checkouts (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id   BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	room_id    BIGINT NOT NULL REFERENCES rooms (id),
	token      TEXT NOT NULL UNIQUE,
	items      TEXT NOT NULL, -- JSON []msgcenter.CartItem
	status     TEXT NOT NULL, -- open, completed, failed, replaced, incomplete
	due_at     TIMESTAMPTZ,     -- set for WhatsApp rooms: when order_incomplete is due
	created_at TIMESTAMPTZ NOT NULL,
	updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX checkouts_store_room ON checkouts (store_id, room_id, status);
CREATE INDEX checkouts_due ON checkouts (status, due_at);

CREATE TABLE orders (
	id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id        BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	number          BIGINT NOT NULL,
	token           TEXT NOT NULL UNIQUE, -- public, random, >= 128 bits
	room_id         BIGINT REFERENCES rooms (id),
	checkout_id     BIGINT REFERENCES checkouts (id),
	customer_name   TEXT NOT NULL DEFAULT '',
	customer_phone  TEXT NOT NULL DEFAULT '',
	address         TEXT NOT NULL DEFAULT '',
	delivery_method TEXT NOT NULL,
	delivery_fee    BIGINT NOT NULL,
	service_fee     BIGINT NOT NULL,
	subtotal        BIGINT NOT NULL,
	grand_total     BIGINT NOT NULL,
	payment_method  TEXT NOT NULL,
	status          TEXT NOT NULL,
	created_at      TIMESTAMPTZ NOT NULL,
	paid_at         TIMESTAMPTZ,
	updated_at      TIMESTAMPTZ NOT NULL,
	UNIQUE (store_id, number)
);
CREATE INDEX orders_store_id ON orders (store_id, id);

CREATE TABLE order_items (
	order_id   BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
	line       BIGINT NOT NULL,
	product_id BIGINT NOT NULL,
	name       TEXT NOT NULL,
	quantity   BIGINT NOT NULL,
	unit_price BIGINT NOT NULL,
	PRIMARY KEY (order_id, line)
);

CREATE TABLE failed_checkouts (
	id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id      BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	room_id       BIGINT REFERENCES rooms (id),
	customer_name TEXT NOT NULL DEFAULT '',
	items         TEXT NOT NULL, -- JSON []msgcenter.OrderItem that could be processed
	unprocessed   TEXT NOT NULL, -- JSON []msgcenter.UnprocessedItem
	reason        TEXT NOT NULL,
	microsite_token TEXT NOT NULL DEFAULT '', -- the fresh personalised link its message carries
	created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX failed_checkouts_store_id ON failed_checkouts (store_id, id);

-- Personalised microsite links: a random token bound to store, room and customer.
CREATE TABLE microsite_links (
	token         TEXT PRIMARY KEY,
	store_id      BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	room_id       BIGINT REFERENCES rooms (id),
	customer_name TEXT NOT NULL DEFAULT '',
	expires_at    TIMESTAMPTZ NOT NULL,
	created_at    TIMESTAMPTZ NOT NULL
);

-- One row per message: (subject, event, room, kind) is its identity.
CREATE TABLE deliveries (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id     BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	subject_type TEXT NOT NULL,
	subject_id   BIGINT NOT NULL,
	order_id     BIGINT REFERENCES orders (id),
	event        TEXT NOT NULL,
	room_id      BIGINT REFERENCES rooms (id),
	room_key     BIGINT NOT NULL, -- room_id or 0, so the identity is unique without NULLs
	kind         TEXT NOT NULL,
	status       TEXT NOT NULL,
	reason       TEXT NOT NULL DEFAULT '',
	channel_id   BIGINT,
	channel_type TEXT NOT NULL DEFAULT '',
	text         TEXT NOT NULL DEFAULT '',
	button_label TEXT NOT NULL DEFAULT '',
	button_url   TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMPTZ NOT NULL,
	updated_at   TIMESTAMPTZ NOT NULL,
	sent_at      TIMESTAMPTZ,
	UNIQUE (store_id, subject_type, subject_id, event, room_key, kind)
);
CREATE INDEX deliveries_store_order ON deliveries (store_id, order_id);
CREATE INDEX deliveries_store_id ON deliveries (store_id, id);
CREATE INDEX deliveries_queued ON deliveries (status, updated_at); -- the recovery sweep

CREATE TABLE delivery_attempts (
	delivery_id         BIGINT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
	n                   BIGINT NOT NULL,
	at                  TIMESTAMPTZ NOT NULL,
	outcome             TEXT NOT NULL, -- sent, retry, failed
	provider_message_id TEXT NOT NULL DEFAULT '',
	error               TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (delivery_id, n)
);

-- The sandbox omnichannel: every message it carried, both ways.
CREATE TABLE sandbox_messages (
	id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id            BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	room_id             BIGINT REFERENCES rooms (id),
	channel_id          BIGINT REFERENCES channels (id),
	direction           TEXT NOT NULL, -- in, out
	kind                TEXT NOT NULL, -- text, template
	text                TEXT NOT NULL DEFAULT '',
	button_label        TEXT NOT NULL DEFAULT '',
	button_url          TEXT NOT NULL DEFAULT '',
	payload             TEXT NOT NULL DEFAULT '', -- JSON of a template message
	provider_message_id TEXT NOT NULL DEFAULT '',
	created_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX sandbox_messages_room ON sandbox_messages (store_id, room_id, id);

-- Faults the sandbox injects into its next sends, shared by every process.
CREATE TABLE sandbox_faults (
	id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	mode      TEXT NOT NULL, -- transient, permanent, timeout, answer_lost, session_expired
	remaining BIGINT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
