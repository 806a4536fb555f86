-- The dashboard language each admin chose ('en' or 'id'); empty until they
-- choose, when the browser's preference decides.
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
