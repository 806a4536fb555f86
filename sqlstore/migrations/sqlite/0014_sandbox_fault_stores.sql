-- The sandbox's injected faults belong to one store: an admin fails only
-- their own stores' next sends. Faults injected before are dropped.
DELETE FROM sandbox_faults;
ALTER TABLE sandbox_faults ADD COLUMN store_id BIGINT NOT NULL DEFAULT 0;
CREATE INDEX sandbox_faults_store ON sandbox_faults (store_id, id);
