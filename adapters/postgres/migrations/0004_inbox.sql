-- Users' inboxes: one row per notification per user it concerns, read and delivered
-- at most once each (docs/domain.md §11). (The table `inbox` of the first migration
-- keeps the dedup keys of providers' notifications.) Notifications recorded before
-- this migration name no recipients and stay in `notifications` only.
CREATE TABLE user_inbox (
    id           uuid PRIMARY KEY,
    user_id      uuid NOT NULL,
    session_id   uuid NOT NULL,
    kind         text NOT NULL,
    -- The notification as it goes out (an event payload, kept as JSON).
    body         jsonb NOT NULL,
    created_at   timestamptz NOT NULL,
    read_at      timestamptz,
    delivered_at timestamptz
);
CREATE INDEX user_inbox_of_user ON user_inbox (user_id, created_at DESC);
