-- Shipment reports that arrive before their booking's answer is stored (docs/domain.md
-- §11): kept by the notification's dedup key, applied in arrival order once a
-- booking with that provider id is recorded. (Re-runnable, like 0006.)
CREATE TABLE IF NOT EXISTS parked_shipment_reports (
    id                text PRIMARY KEY,
    provider_order_id text NOT NULL,
    status            text NOT NULL,
    waybill_id        text,
    price             numeric CHECK (price >= 0),
    currency          text,
    received_at       timestamptz NOT NULL,
    applied           boolean NOT NULL
);
CREATE INDEX IF NOT EXISTS parked_shipment_reports_waiting
    ON parked_shipment_reports (provider_order_id) WHERE NOT applied;
