-- How a customer who pays by bank transfer pays the store (bank, account,
-- holder, reference), shown on the order confirmation and the order page;
-- empty until the admin writes them, when the pages give general advice.
ALTER TABLE stores ADD COLUMN bank_transfer_instructions TEXT NOT NULL DEFAULT '';
