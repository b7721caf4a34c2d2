-- Shipments (docs/domain.md §11). An order keeps its standing shipment (the
-- provider's id, the waybill, the price and the provider's status), why it waits for
-- an operator, and how many bookings it may make before one decides; webhooks find
-- the order by the provider's id. A delivery keeps who receives the parcel.
-- Orders written before this migration have no shipment and no hold. (Written to
-- be re-runnable: a database rebuilt from first-release records runs it again.)
ALTER TABLE orders
    ADD COLUMN IF NOT EXISTS shipment_id     text,
    ADD COLUMN IF NOT EXISTS waybill_id      text,
    ADD COLUMN IF NOT EXISTS shipment_price  numeric CHECK (shipment_price >= 0),
    ADD COLUMN IF NOT EXISTS shipment_status text,
    ADD COLUMN IF NOT EXISTS hold            text CHECK (hold IN ('no_recipient', 'bookings_failed')),
    ADD COLUMN IF NOT EXISTS booking_limit   bigint NOT NULL DEFAULT 3 CHECK (booking_limit >= 0);
CREATE UNIQUE INDEX IF NOT EXISTS orders_by_shipment ON orders (shipment_id) WHERE shipment_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS orders_awaiting_operator ON orders (id)
    WHERE hold IS NOT NULL AND status = 'ready_to_ship';

ALTER TABLE deliveries
    ADD COLUMN IF NOT EXISTS recipient_name    text,
    ADD COLUMN IF NOT EXISTS recipient_phone   text,
    ADD COLUMN IF NOT EXISTS recipient_address text;
