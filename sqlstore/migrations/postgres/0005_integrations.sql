-- Each store's connection to its own omnichannel app (issue 9). The app's
-- secret key is stored only encrypted: secret_sealed is base64 of a random
-- 12-byte nonce followed by the AES-256-GCM sealing of the key under the
-- server key (MSGCENTER_SECRET_KEY), with the store id as additional data.
-- inbound_secret is the random path segment of the inbound-message webhook.

CREATE TABLE integrations (
	store_id       BIGINT PRIMARY KEY REFERENCES stores (id) ON DELETE CASCADE,
	provider       TEXT NOT NULL,
	app_id         TEXT NOT NULL,
	base_url       TEXT NOT NULL,
	secret_sealed  TEXT NOT NULL,
	inbound_secret TEXT NOT NULL UNIQUE,
	connected_at   TIMESTAMPTZ NOT NULL
);
