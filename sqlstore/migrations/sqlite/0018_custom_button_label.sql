-- Whether the store's admin named the custom button. Until they do, the
-- button's label is the store name and follows a rename.
ALTER TABLE custom_buttons ADD COLUMN label_set_by_admin BOOLEAN NOT NULL DEFAULT FALSE;
