-- Rooms and channels looked up by the id the omnichannel platform gives them:
-- every inbound message and every custom-button click finds its room so.
CREATE INDEX rooms_store_external ON rooms (store_id, external_id) WHERE external_id <> '';
CREATE INDEX channels_store_external ON channels (store_id, external_id) WHERE external_id <> '';
