-- The answers of creating API requests by their Idempotency-Key, per admin
-- (scope), kept for 24 hours: a retry with the same key and body gets the
-- first answer instead of a second order.
CREATE TABLE idempotency_keys (
	scope        TEXT NOT NULL,
	key          TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status       INTEGER NOT NULL DEFAULT 0, -- 0 while the first request is answered
	content_type TEXT NOT NULL DEFAULT '',
	body         BLOB,
	created_at   TIMESTAMP NOT NULL,
	PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
