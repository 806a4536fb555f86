-- Custom button clicks msgcenter could not place in a room (the payload
-- named no room it could find or create), kept as the platform sent them
-- for the store's admin to see, instead of being dropped.
CREATE TABLE unplaced_clicks (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id   BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	payload    TEXT NOT NULL,
	reason     TEXT NOT NULL,
	created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX unplaced_clicks_store ON unplaced_clicks (store_id, id);
