-- Shipping quotes and the delivery each quoted join chose (docs/domain.md §11).
-- A quote's offers are parallel arrays, one element per courier service.
CREATE TABLE quotes (
    id                uuid PRIMARY KEY,
    session_id        uuid NOT NULL,
    user_id           uuid NOT NULL,
    destination_kind  text NOT NULL CHECK (destination_kind IN ('postal_code', 'area_id')),
    destination       text NOT NULL,
    variant_id        uuid,
    quantity          bigint NOT NULL CHECK (quantity > 0),
    currency          text NOT NULL,
    couriers          text[] NOT NULL,
    services          text[] NOT NULL,
    prices            numeric[] NOT NULL,
    durations         text[] NOT NULL,
    created_at        timestamptz NOT NULL,
    expires_at        timestamptz NOT NULL
);

CREATE TABLE deliveries (
    participant_id    uuid PRIMARY KEY,
    session_id        uuid NOT NULL,
    user_id           uuid NOT NULL,
    quote_id          uuid NOT NULL,
    destination_kind  text NOT NULL CHECK (destination_kind IN ('postal_code', 'area_id')),
    destination       text NOT NULL,
    courier           text NOT NULL,
    service           text NOT NULL,
    price             numeric NOT NULL CHECK (price >= 0),
    currency          text NOT NULL,
    duration          text NOT NULL
);
CREATE INDEX deliveries_of_session ON deliveries (session_id);

-- A shopper's orders page reads their orders.
CREATE INDEX orders_of_user ON orders (user_id);
