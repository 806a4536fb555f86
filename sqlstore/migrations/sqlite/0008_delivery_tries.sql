-- Each message counts its attempts, so a worker's record of one step is a
-- single update that numbers the attempt it appends, and the worker reads
-- the count with the message instead of counting the attempts.
ALTER TABLE deliveries ADD COLUMN tries INTEGER NOT NULL DEFAULT 0;
UPDATE deliveries SET tries = (SELECT COUNT(*) FROM delivery_attempts a WHERE a.delivery_id = deliveries.id);
