-- Typed rows: invoices, refund attempts, payment anomalies, withdrawals (one row
-- each, no longer one JSON document for all of a currency) and payout schedules get
-- tables of their own, one column per field, with the indexes reads need. Existing
-- keyed JSON records of these kinds move into them and leave `records`.

CREATE TABLE invoices (
    payment_id          uuid PRIMARY KEY,
    session_id          uuid NOT NULL,
    participant_id      uuid NOT NULL,
    user_id             uuid NOT NULL,
    amount              numeric NOT NULL CHECK (amount >= 0),
    currency            text NOT NULL,
    expires_at          timestamptz NOT NULL,
    provider_invoice_id text,
    url                 text,
    abandoned           boolean NOT NULL
);
CREATE INDEX invoices_by_session ON invoices (session_id);
CREATE INDEX invoices_by_user ON invoices (user_id);

CREATE TABLE refunds (
    reference          text PRIMARY KEY,
    source             text NOT NULL CHECK (source IN ('escrow', 'suspense')),
    session_id         uuid,
    payment_id         uuid,
    anomaly_id         uuid,
    user_id            uuid NOT NULL,
    amount             numeric NOT NULL CHECK (amount >= 0),
    currency           text NOT NULL,
    attempt            bigint NOT NULL CHECK (attempt >= 1),
    destination        text NOT NULL,
    status             text NOT NULL,
    provider_refund_id text,
    failure_code       text,
    operator_action    text,
    CHECK ((source = 'escrow') = (session_id IS NOT NULL AND payment_id IS NOT NULL)),
    CHECK ((source = 'suspense') = (anomaly_id IS NOT NULL))
);
CREATE INDEX refunds_by_status ON refunds (status, reference);
CREATE INDEX refunds_by_payment ON refunds (session_id, payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX refunds_by_anomaly ON refunds (anomaly_id) WHERE anomaly_id IS NOT NULL;
CREATE INDEX refunds_by_user ON refunds (user_id);

CREATE TABLE anomalies (
    id                  uuid PRIMARY KEY,
    payment_id          uuid NOT NULL,
    session_id          uuid NOT NULL,
    user_id             uuid NOT NULL,
    mismatch            text NOT NULL CHECK (mismatch IN ('invoice_id', 'currency', 'amount')),
    expected_invoice_id text,
    reported_invoice_id text,
    expected_currency   text,
    reported_currency   text,
    expected_amount     numeric,
    reported_amount     numeric,
    provider_invoice_id text NOT NULL,
    provider_payment_id text,
    amount              numeric NOT NULL,
    currency            text NOT NULL,
    paid_at             timestamptz,
    received_at         timestamptz NOT NULL,
    status              text NOT NULL
);
CREATE INDEX anomalies_by_status ON anomalies (status);
CREATE INDEX anomalies_by_payment ON anomalies (payment_id);

-- Payout attempts are parallel arrays, attempt n at position n: the batch key (its
-- canonical text, the gateway's reference), the outcome (NULL while in flight,
-- 'completed' or 'failed') and the failure code of a failed one.
CREATE TABLE withdrawals (
    id                    uuid PRIMARY KEY,
    user_id               uuid NOT NULL,
    amount                numeric NOT NULL CHECK (amount > 0),
    currency              text NOT NULL,
    bank_code             text NOT NULL,
    account_number        text NOT NULL,
    holder_name           text NOT NULL,
    requested_at          timestamptz NOT NULL,
    fee                   numeric NOT NULL CHECK (fee >= 0),
    net                   numeric NOT NULL CHECK (net >= 0),
    status                text NOT NULL
        CHECK (status IN ('queued', 'in_batch', 'completed', 'failed', 'reversed')),
    failure_code          text,
    attempt_batches       text[] NOT NULL,
    attempt_outcomes      text[] NOT NULL,
    attempt_failure_codes text[] NOT NULL,
    CHECK (fee + net = amount),
    CHECK (cardinality(attempt_outcomes) = cardinality(attempt_batches)),
    CHECK (cardinality(attempt_failure_codes) = cardinality(attempt_batches))
);
-- Planning reads the queued withdrawals; recovery reads those in a batch.
CREATE INDEX withdrawals_by_status ON withdrawals (status, id)
    WHERE status IN ('queued', 'in_batch');
CREATE INDEX withdrawals_by_user ON withdrawals (user_id, requested_at);

CREATE TABLE payout_schedules (
    currency     text PRIMARY KEY,
    last_planned timestamptz
);

-- Existing records move over (their JSON is the core types' serde form).
INSERT INTO invoices
SELECT (body->>'payment')::uuid, (body->>'session')::uuid, (body->>'participant')::uuid,
       (body->>'user')::uuid, (body->'amount'->>'amount')::numeric,
       body->'amount'->>'currency', (body->>'expires_at')::timestamptz,
       body->>'provider_invoice_id', body->>'url', coalesce((body->>'abandoned')::boolean, false)
FROM records WHERE kind = 'invoice';

INSERT INTO refunds
SELECT body->>'reference', body->'source'->>'from', (body->'source'->>'session')::uuid,
       (body->'source'->>'payment')::uuid, (body->'source'->>'anomaly')::uuid,
       (body->>'user')::uuid, (body->'amount'->>'amount')::numeric,
       body->'amount'->>'currency', (body->>'attempt')::bigint, body->>'destination',
       body->>'status', body->>'provider_refund_id', body->>'failure_code',
       body->>'operator_action'
FROM records WHERE kind = 'refund';

INSERT INTO anomalies
SELECT (body->>'id')::uuid, (body->>'payment')::uuid, (body->>'session')::uuid,
       (body->>'user')::uuid, body->'mismatch'->>'field',
       CASE WHEN body->'mismatch'->>'field' = 'invoice_id' THEN body->'mismatch'->>'expected' END,
       CASE WHEN body->'mismatch'->>'field' = 'invoice_id' THEN body->'mismatch'->>'reported' END,
       CASE body->'mismatch'->>'field'
           WHEN 'currency' THEN body->'mismatch'->>'expected'
           WHEN 'amount' THEN body->'mismatch'->'expected'->>'currency' END,
       CASE body->'mismatch'->>'field'
           WHEN 'currency' THEN body->'mismatch'->>'reported'
           WHEN 'amount' THEN body->'mismatch'->'reported'->>'currency' END,
       (body->'mismatch'->'expected'->>'amount')::numeric,
       (body->'mismatch'->'reported'->>'amount')::numeric,
       body->'reported'->>'provider_invoice_id', body->'reported'->>'provider_payment_id',
       (body->'reported'->'amount'->>'amount')::numeric,
       body->'reported'->'amount'->>'currency', (body->'reported'->>'paid_at')::timestamptz,
       (body->>'received_at')::timestamptz, body->>'status'
FROM records WHERE kind = 'anomaly';

INSERT INTO withdrawals
SELECT (w.value->'request'->>'id')::uuid, (w.value->'request'->>'user')::uuid,
       (w.value->'request'->'amount'->>'amount')::numeric,
       w.value->'request'->'amount'->>'currency',
       w.value->'request'->'destination'->>'bank_code',
       w.value->'request'->'destination'->>'account_number',
       w.value->'request'->'destination'->>'holder_name',
       (w.value->'request'->>'requested_at')::timestamptz,
       (w.value->'fee'->>'amount')::numeric, (w.value->'net'->>'amount')::numeric,
       w.value->>'status', w.value->>'failure_code',
       coalesce(ARRAY(SELECT a->>'batch'
                      FROM jsonb_array_elements(w.value->'attempts') WITH ORDINALITY AS t(a, n)
                      ORDER BY n), '{}'),
       coalesce(ARRAY(SELECT a->'outcome'->>'status'
                      FROM jsonb_array_elements(w.value->'attempts') WITH ORDINALITY AS t(a, n)
                      ORDER BY n), '{}'),
       coalesce(ARRAY(SELECT a->'outcome'->>'failure_code'
                      FROM jsonb_array_elements(w.value->'attempts') WITH ORDINALITY AS t(a, n)
                      ORDER BY n), '{}')
FROM records r, jsonb_each(r.body->'withdrawals') AS w
WHERE r.kind = 'withdrawals';

INSERT INTO payout_schedules
SELECT key, (body->>'last_planned')::timestamptz FROM records WHERE kind = 'withdrawals';

DELETE FROM records WHERE kind IN ('invoice', 'refund', 'anomaly', 'withdrawals');
