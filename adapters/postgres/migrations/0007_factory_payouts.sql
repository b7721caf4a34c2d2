-- Factory payouts (docs/domain.md §11): one row per receipt under a purchase order,
-- keyed `fpo-<session>-<units received before>`; each attempt goes to the disburser
-- under its own external id. (Re-runnable, like 0006.)
CREATE TABLE IF NOT EXISTS factory_payouts (
    id              text PRIMARY KEY,
    session_id      uuid NOT NULL,
    received_before bigint NOT NULL CHECK (received_before >= 0),
    amount          numeric NOT NULL CHECK (amount > 0),
    currency        text NOT NULL,
    status          text NOT NULL CHECK (status IN ('submitted', 'paid', 'failed')),
    attempt         bigint NOT NULL CHECK (attempt >= 1),
    failure_code    text,
    sent_at         timestamptz NOT NULL,
    UNIQUE (session_id, received_before)
);
