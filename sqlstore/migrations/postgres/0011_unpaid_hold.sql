-- An unpaid order holds its stock for the store's hold; then a job expires
-- it and gives its items back. Orders from before keep no deadline.
ALTER TABLE stores ADD COLUMN unpaid_hold_seconds INTEGER NOT NULL DEFAULT 7200;
ALTER TABLE orders ADD COLUMN release_at TIMESTAMPTZ;
