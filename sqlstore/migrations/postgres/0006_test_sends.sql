-- Test sends: a Message Center draft rendered with sample data for a room
-- the admin picked. Each is the subject (subject_type 'test') of one
-- delivery, which the worker sends with this content as is.

CREATE TABLE test_sends (
	id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	store_id     BIGINT NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	event        TEXT NOT NULL,
	room_id      BIGINT NOT NULL REFERENCES rooms (id),
	text         TEXT NOT NULL,
	button_label TEXT NOT NULL DEFAULT '',
	button_url   TEXT NOT NULL DEFAULT '',
	created_by   TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX test_sends_store ON test_sends (store_id, id);
