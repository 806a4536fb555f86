-- Test sends: a Message Center draft rendered with sample data for a room
-- the admin picked. Each is the subject (subject_type 'test') of one
-- delivery, which the worker sends with this content as is.

CREATE TABLE test_sends (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	store_id     INTEGER NOT NULL REFERENCES stores (id) ON DELETE CASCADE,
	event        TEXT NOT NULL,
	room_id      INTEGER NOT NULL REFERENCES rooms (id),
	text         TEXT NOT NULL,
	button_label TEXT NOT NULL DEFAULT '',
	button_url   TEXT NOT NULL DEFAULT '',
	created_by   TEXT NOT NULL DEFAULT '',
	created_at   TIMESTAMP NOT NULL
);
CREATE INDEX test_sends_store ON test_sends (store_id, id);
