-- Fulfilment's rows: orders, purchase orders, stock (a head row per product, locked
-- by writers, and a row per variant line) and notifications get tables of their own.
-- The remaining keyed JSON records move into them and the `records` table goes.
--
-- Records of both earlier shapes are read: the first release's (an order with
-- `order`/`shipment`, a purchase order whose status was issued/received/cancelled,
-- stock as a map of "onhand:<variant>"/"reserved:<variant>"/"pledged:<variant>"
-- counters, "" meaning no variant) and the core books' (`id`/`status`/`bookings`,
-- `pledged`/`received_units`, `product`/`lines`). An order of the first release
-- whose shipment status was recorded was never booked through the engine, so it is
-- `created`; a first-release purchase order pledged nothing of its own (its stock
-- pledge stays on the stock line). Records of shipment events (kind `order`, key
-- `shipment:…`) matched no order and are dropped.

CREATE TABLE orders (
    id                 uuid PRIMARY KEY,
    session_id         uuid NOT NULL,
    participant_id     uuid NOT NULL UNIQUE,
    user_id            uuid NOT NULL,
    variant_id         uuid,
    quantity           bigint NOT NULL CHECK (quantity > 0),
    paid_unit_price    numeric NOT NULL,
    final_unit_price   numeric NOT NULL,
    cashback           numeric NOT NULL CHECK (cashback >= 0),
    currency           text NOT NULL,
    payment_id         uuid NOT NULL,
    cost_quantity      bigint NOT NULL,
    cost_product       numeric NOT NULL,
    cost_leg1_per_unit numeric NOT NULL,
    cost_leg1          numeric NOT NULL,
    cost_leg2          numeric NOT NULL,
    cost_gateway_fee   numeric NOT NULL,
    cost_total         numeric NOT NULL,
    status             text NOT NULL CHECK (status IN ('created', 'ready_to_ship',
        'shipment_booked', 'in_transit', 'delivered', 'cancelled', 'returned')),
    bookings           bigint NOT NULL CHECK (bookings >= 0)
);
CREATE INDEX orders_by_session ON orders (session_id, id);
CREATE INDEX orders_by_user ON orders (user_id);
CREATE INDEX orders_by_status ON orders (status) WHERE status NOT IN ('delivered', 'cancelled', 'returned');

-- Lines, pledges and receipts are parallel arrays: variant n with units n.
CREATE TABLE purchase_orders (
    session_id        uuid PRIMARY KEY,
    bundles           bigint NOT NULL CHECK (bundles >= 0),
    line_variants     uuid[] NOT NULL,
    line_units        bigint[] NOT NULL,
    total_units       bigint NOT NULL CHECK (total_units >= 0),
    unit_cost         numeric NOT NULL,
    goods_cost        numeric NOT NULL,
    leg1_shipping     numeric NOT NULL,
    total_cost        numeric NOT NULL,
    currency          text NOT NULL,
    pledged_variants  uuid[] NOT NULL,
    pledged_units     bigint[] NOT NULL,
    status            text NOT NULL CHECK (status IN ('issued', 'received', 'closed', 'cancelled')),
    received_variants uuid[] NOT NULL,
    received_units    bigint[] NOT NULL,
    CHECK (cardinality(line_variants) = cardinality(line_units)),
    CHECK (cardinality(pledged_variants) = cardinality(pledged_units)),
    CHECK (cardinality(received_variants) = cardinality(received_units))
);
CREATE INDEX purchase_orders_open ON purchase_orders (session_id) WHERE status IN ('issued', 'received');

CREATE TABLE stocks (
    product_id uuid PRIMARY KEY
);

-- variant_id NULL: the product has no variants.
CREATE TABLE stock_lines (
    product_id uuid NOT NULL REFERENCES stocks (product_id),
    variant_id uuid,
    on_hand    bigint NOT NULL CHECK (on_hand >= 0),
    reserved   bigint NOT NULL CHECK (reserved >= 0),
    pledged    bigint NOT NULL CHECK (pledged >= 0)
);
CREATE UNIQUE INDEX stock_lines_key ON stock_lines
    (product_id, coalesce(variant_id, '00000000-0000-0000-0000-000000000000'::uuid));

-- A notification's payload goes out as it is (an event, kept as JSON).
CREATE TABLE notifications (
    id   uuid PRIMARY KEY,
    kind text NOT NULL,
    body jsonb NOT NULL
);

-- Money in the core's JSON form: {"amount": "…", "currency": "…"}.
CREATE FUNCTION pg_temp.amount(m jsonb) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$ SELECT (m->>'amount')::numeric $$;

INSERT INTO orders
SELECT coalesce(body->>'id', body->>'order')::uuid, (body->>'session')::uuid,
       (r->>'participant')::uuid, (r->>'user')::uuid, (r->>'variant')::uuid,
       (r->>'quantity')::bigint, pg_temp.amount(r->'paid_unit_price'),
       pg_temp.amount(r->'final_unit_price'), pg_temp.amount(r->'cashback'),
       r->'paid_unit_price'->>'currency', (r->>'payment')::uuid,
       (r->'cost'->>'quantity')::bigint, pg_temp.amount(r->'cost'->'product'),
       pg_temp.amount(r->'cost'->'leg1_per_unit'), pg_temp.amount(r->'cost'->'leg1'),
       pg_temp.amount(r->'cost'->'leg2'), pg_temp.amount(r->'cost'->'gateway_fee'),
       pg_temp.amount(r->'cost'->'total'), coalesce(body->>'status', 'created'),
       coalesce((body->>'bookings')::bigint, 0)
FROM records, LATERAL (SELECT body->'request' AS r) req
WHERE kind = 'order' AND body ? 'request';

INSERT INTO purchase_orders
SELECT (body->>'session')::uuid, (po->>'bundles')::bigint,
       coalesce(ARRAY(SELECT (l->>'variant')::uuid FROM jsonb_array_elements(po->'lines') WITH ORDINALITY AS t(l, n) ORDER BY n), '{}'),
       coalesce(ARRAY(SELECT (l->>'units')::bigint FROM jsonb_array_elements(po->'lines') WITH ORDINALITY AS t(l, n) ORDER BY n), '{}'),
       (po->>'total_units')::bigint, pg_temp.amount(po->'unit_cost'),
       pg_temp.amount(po->'goods_cost'), pg_temp.amount(po->'leg1_shipping'),
       pg_temp.amount(po->'total_cost'), po->'unit_cost'->>'currency',
       coalesce(ARRAY(SELECT (l->>'variant')::uuid FROM jsonb_array_elements(body->'pledged') WITH ORDINALITY AS t(l, n) ORDER BY n), '{}'),
       coalesce(ARRAY(SELECT (l->>'units')::bigint FROM jsonb_array_elements(body->'pledged') WITH ORDINALITY AS t(l, n) ORDER BY n), '{}'),
       CASE WHEN body->>'status' = 'received' AND NOT body ? 'received_units' THEN 'closed'
            ELSE body->>'status' END,
       coalesce(ARRAY(SELECT (l->>'variant')::uuid FROM jsonb_array_elements(body->'received_units') WITH ORDINALITY AS t(l, n) ORDER BY n), '{}'),
       coalesce(ARRAY(SELECT (l->>'units')::bigint FROM jsonb_array_elements(body->'received_units') WITH ORDINALITY AS t(l, n) ORDER BY n), '{}')
FROM records, LATERAL (SELECT body->'purchase_order' AS po) p
WHERE kind = 'purchase_order';

INSERT INTO stocks SELECT key::uuid FROM records WHERE kind = 'stock';

-- The core books' shape.
INSERT INTO stock_lines
SELECT r.key::uuid, (l->>'variant')::uuid, (l->>'on_hand')::bigint,
       (l->>'reserved')::bigint, (l->>'pledged')::bigint
FROM records r, jsonb_array_elements(r.body->'lines') AS l
WHERE r.kind = 'stock' AND r.body ? 'lines';

-- The first release's counters, one line per variant named in any of them.
INSERT INTO stock_lines
SELECT r.key::uuid, nullif(c.variant, '')::uuid,
       coalesce(max(c.units) FILTER (WHERE c.counter = 'onhand'), 0),
       coalesce(max(c.units) FILTER (WHERE c.counter = 'reserved'), 0),
       coalesce(max(c.units) FILTER (WHERE c.counter = 'pledged'), 0)
FROM records r,
     LATERAL (SELECT split_part(e.key, ':', 1) AS counter,
                     substr(e.key, length(split_part(e.key, ':', 1)) + 2) AS variant,
                     e.value::bigint AS units
              FROM jsonb_each_text(r.body) AS e) c
WHERE r.kind = 'stock' AND NOT r.body ? 'lines'
GROUP BY r.key, c.variant
HAVING coalesce(max(c.units) FILTER (WHERE c.counter = 'onhand'), 0)
     + coalesce(max(c.units) FILTER (WHERE c.counter = 'reserved'), 0)
     + coalesce(max(c.units) FILTER (WHERE c.counter = 'pledged'), 0) > 0;

INSERT INTO notifications
SELECT key::uuid, body->>'kind', body FROM records WHERE kind = 'notification';

DROP TABLE records;
