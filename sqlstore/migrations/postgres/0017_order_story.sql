-- Whether a refund gives the order's items back to stock (a cancel always
-- does), and when an order's payment was given back: a refund, or the cancel
-- of a paid order, which always refunds it. Orders refunded, or cancelled
-- after payment, before this column take their last change as its time.
ALTER TABLE stores ADD COLUMN restock_on_refund BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE orders ADD COLUMN refunded_at TIMESTAMPTZ;
UPDATE orders SET refunded_at = updated_at
WHERE status = 'refunded' OR (status = 'cancelled' AND paid_at IS NOT NULL);
