-- Patungan store schema, version 1.
--
-- Money is NUMERIC with a currency column next to it; instants are timestamptz;
-- ids are uuid. JSON holds only what the core already defines as a serde document:
-- session events and snapshots, keyed records and outbox tasks.

-- Raises `state` with `message` unless `actual = expected`. Lets one pipelined
-- statement check its own effect (e.g. "exactly one session head moved") and abort
-- the transaction, instead of a round trip to look at the row count.
CREATE FUNCTION patungan_expect(actual bigint, expected bigint, state text, message text)
RETURNS bigint
LANGUAGE plpgsql
AS $$
BEGIN
    IF actual IS DISTINCT FROM expected THEN
        RAISE EXCEPTION USING ERRCODE = state, MESSAGE = message;
    END IF;
    RETURN actual;
END
$$;

-- A session's head: version = number of events in its log.
CREATE TABLE sessions (
    id            uuid PRIMARY KEY,
    version       bigint NOT NULL CHECK (version >= 0),
    status        text NOT NULL,
    next_deadline timestamptz
);
CREATE INDEX sessions_due ON sessions (next_deadline, id) WHERE next_deadline IS NOT NULL;

-- The latest stored snapshot of a session: the session as of event `version`.
-- Written after the commit that reached that version, outside the session's row
-- lock; `json` (the text as the core serialises it) because a snapshot is always
-- written and read whole, and jsonb's conversion of a large document costs several
-- times as much.
CREATE TABLE session_snapshots (
    session_id uuid PRIMARY KEY REFERENCES sessions (id),
    version    bigint NOT NULL CHECK (version >= 1),
    snapshot   json NOT NULL
);

-- A session's event log: event `seq` (from 1) brought the session to version `seq`.
CREATE TABLE session_events (
    session_id uuid NOT NULL REFERENCES sessions (id),
    seq        bigint NOT NULL CHECK (seq >= 1),
    event      jsonb NOT NULL,
    PRIMARY KEY (session_id, seq)
);

-- Ledger accounts: the definition (immutable) and the four running totals.
CREATE TABLE accounts (
    id              uuid PRIMARY KEY,
    entity          text NOT NULL CHECK (entity IN ('platform', 'warehouse', 'user', 'external')),
    entity_user     uuid,
    kind            text NOT NULL,
    currency        text NOT NULL,
    balance_limit   text NOT NULL,
    session_id      uuid,
    debits_pending  numeric NOT NULL CHECK (debits_pending >= 0),
    debits_posted   numeric NOT NULL CHECK (debits_posted >= 0),
    credits_pending numeric NOT NULL CHECK (credits_pending >= 0),
    credits_posted  numeric NOT NULL CHECK (credits_posted >= 0),
    CHECK ((entity = 'user') = (entity_user IS NOT NULL))
);

-- Committed transfers, in commit order (`seq`). `op` and the columns after it are
-- the transfer as submitted; debit/credit/amount are what it resolved to; the
-- pending_* columns track a two-phase transfer.
CREATE TABLE transfers (
    id               uuid PRIMARY KEY,
    seq              bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    op               text NOT NULL CHECK (op IN ('posted', 'pending', 'post_pending', 'void_pending')),
    code             text NOT NULL,
    pending_id       uuid,
    requested_amount numeric CHECK (requested_amount >= 0),
    debit_account    uuid NOT NULL,
    credit_account   uuid NOT NULL,
    amount           numeric NOT NULL CHECK (amount >= 0),
    currency         text NOT NULL,
    pending_status   text CHECK (pending_status IN ('open', 'posted', 'voided')),
    resolved_by      uuid,
    posted_amount    numeric CHECK (posted_amount >= 0),
    CHECK ((op IN ('post_pending', 'void_pending')) = (pending_id IS NOT NULL)),
    CHECK ((pending_status IS NOT NULL) = (op = 'pending'))
);

-- Keyed JSON records (invoices, refunds, orders, stock, the withdrawal book …).
CREATE TABLE records (
    kind text NOT NULL,
    key  text NOT NULL,
    body jsonb NOT NULL,
    PRIMARY KEY (kind, key)
);

-- The transactional outbox: effects to perform after commit.
CREATE TABLE outbox (
    id              uuid PRIMARY KEY,
    task            jsonb NOT NULL,
    state           text NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    error           text,
    attempts        integer NOT NULL CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    CHECK ((state = 'failed') = (error IS NOT NULL))
);
CREATE INDEX outbox_due ON outbox (next_attempt_at, created_at, id) WHERE state = 'pending';

-- Dedup keys of handled provider notifications.
CREATE TABLE inbox (
    key text PRIMARY KEY,
    at  timestamptz NOT NULL
);
