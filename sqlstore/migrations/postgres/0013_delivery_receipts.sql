-- What the platform's status webhook reports of a sent message: when it
-- reached the customer's device and when it was read. A failure it reports
-- turns the message failed. Receipts find their message by the id the
-- platform gave it, which the message's attempt holds.
ALTER TABLE deliveries ADD COLUMN delivered_at TIMESTAMPTZ;
ALTER TABLE deliveries ADD COLUMN read_at TIMESTAMPTZ;
CREATE INDEX delivery_attempts_provider_message_id ON delivery_attempts (provider_message_id) WHERE provider_message_id <> '';
