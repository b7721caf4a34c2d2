//! Every SQL statement the store runs, prepared once per connection.
//!
//! Parameters carry explicit casts so that their types never depend on inference.
//! Batch writes bind one array per column and `unnest` them.

use patungan_ports::store::StoreError;
use tokio_postgres::{Client, Statement};

use crate::error::store_error;
use crate::pipeline::{in_order, Step};
use crate::rows::{
    insert, select, upsert, ANOMALIES, DELIVERIES, FACTORY_PAYOUTS, INBOX, INVOICES, NOTIFICATIONS,
    ORDERS, PARKED_REPORTS, PAYOUT_SCHEDULES, PURCHASE_ORDERS, QUOTES, REFUNDS, WITHDRAWALS,
};

/// A product's stock head joined with its lines (one row with NULL line columns for
/// a product without lines).
const STOCK_SELECT: &str = "SELECT s.product_id, l.variant_id, l.on_hand, l.reserved, l.pledged \
    FROM stocks s LEFT JOIN stock_lines l ON l.product_id = s.product_id \
    WHERE s.product_id = $1::uuid ORDER BY l.variant_id NULLS FIRST";

/// The columns of an account row, in the order [`crate::codec`] reads them.
const ACCOUNT_COLUMNS: &str =
    "id, entity, entity_user, kind, currency, balance_limit, session_id, \
     debits_pending, debits_posted, credits_pending, credits_posted";

/// The columns of a transfer row, in the order [`crate::codec`] reads them.
const TRANSFER_COLUMNS: &str = "id, op, code, pending_id, requested_amount, debit_account, \
     credit_account, amount, currency, pending_status, resolved_by, posted_amount";

/// The columns of an outbox row, in the order [`crate::codec`] reads them.
/// Orders an operator must decide on (the `orders_awaiting_operator` index).
const AWAITING_OPERATOR: &str = "hold IS NOT NULL AND status = 'ready_to_ship'";
/// Purchase orders units may still arrive under (the `purchase_orders_open` index).
const OPEN_PURCHASE_ORDERS: &str = "status IN ('issued', 'received')";
/// The parked reports of one shipment not yet applied (`$1`: its provider id).
const PARKED_WAITING: &str = "provider_order_id = $1::text AND NOT applied";
const OUTBOX_COLUMNS: &str = "id, task, state, error, attempts, next_attempt_at, created_at";
/// [`OUTBOX_COLUMNS`] of the claimed rows (`o`) of `claim_outbox`.
const CLAIMED_COLUMNS: &str =
    "o.id, o.task, o.state, o.error, o.attempts, o.next_attempt_at, o.created_at";

macro_rules! statements {
    ($($(#[doc = $doc:literal])* $name:ident => $sql:expr;)*) => {
        /// The prepared statements of one connection.
        #[derive(Debug, Clone)]
        pub(crate) struct Statements {
            $($(#[doc = $doc])* pub(crate) $name: Statement,)*
        }

        impl Statements {
            /// Prepares every statement, pipelined (one round trip).
            pub(crate) async fn prepare(client: &Client) -> Result<Self, StoreError> {
                let texts: Vec<String> = vec![$($sql.to_string(),)*];
                let steps: Vec<Step<'_, Result<Statement, tokio_postgres::Error>>> = texts
                    .iter()
                    .map(|sql| Box::pin(client.prepare(sql)) as Step<'_, _>)
                    .collect();
                let mut prepared = Vec::with_capacity(texts.len());
                for result in in_order(steps).await {
                    prepared.push(result.map_err(|e| store_error(&e))?);
                }
                let mut prepared = prepared.into_iter();
                let mut next = || {
                    prepared.next().ok_or_else(|| {
                        StoreError::Unavailable("a statement was not prepared".to_owned())
                    })
                };
                Ok(Statements {
                    $($name: next()?,)*
                })
            }
        }
    };
}

statements! {
    /// `$1` session: its head, locked.
    lock_session => "SELECT version, status FROM sessions WHERE id = $1::uuid FOR UPDATE";
    /// `$1` id: the session head, unlocked (a read-only transaction's view).
    read_session_head => "SELECT version, status FROM sessions WHERE id = $1::uuid";
    /// `$1` session, `$2` the version the caller holds (-1: none): a newer snapshot
    /// (first row, if any) and the events after it, in order.
    load_session => "WITH snap AS ( \
            SELECT version AS v, snapshot FROM session_snapshots \
            WHERE session_id = $1::uuid AND version > $2::bigint) \
        SELECT true AS is_snapshot, v AS seq, snapshot::text AS body FROM snap \
        UNION ALL \
        SELECT false, e.seq, e.event::text FROM session_events e \
        WHERE e.session_id = $1::uuid \
          AND e.seq > GREATEST($2::bigint, COALESCE((SELECT v FROM snap), $2::bigint)) \
        ORDER BY is_snapshot DESC, seq";
    /// `$1` session: up to `$3` events after version `$2`, in order.
    read_ahead => "SELECT seq, event::text FROM session_events \
        WHERE session_id = $1::uuid AND seq > $2::bigint ORDER BY seq LIMIT $3::bigint";
    /// Creates a head and its first events.
    create_session => "WITH head AS ( \
            INSERT INTO sessions (id, version, status, next_deadline) \
            VALUES ($1::uuid, $2::bigint, $3::text, $4::timestamptz) \
            RETURNING id), \
        log AS ( \
            INSERT INTO session_events (session_id, seq, event) \
            SELECT head.id, e.ord, e.event \
            FROM head, unnest($5::jsonb[]) WITH ORDINALITY AS e(event, ord)) \
        SELECT count(*) FROM head";
    /// Appends events after version `$2` and moves the head, or aborts the
    /// transaction with a serialization failure if the head is not at `$2` (for a
    /// second session saved before the same flush; the first goes in `write_batch`).
    save_session => "WITH head AS ( \
            UPDATE sessions SET version = $3::bigint, status = $4::text, \
                next_deadline = $5::timestamptz \
            WHERE id = $1::uuid AND version = $2::bigint \
            RETURNING id), \
        log AS ( \
            INSERT INTO session_events (session_id, seq, event) \
            SELECT head.id, $2::bigint + e.ord, e.event \
            FROM head, unnest($6::jsonb[]) WITH ORDINALITY AS e(event, ord)) \
        SELECT patungan_expect((SELECT count(*) FROM head), 1, '40001', \
            'session ' || $1::uuid::text || ' is not at version ' || $2::bigint::text)";
    /// Stores a snapshot unless a newer one is stored already.
    save_snapshot => "INSERT INTO session_snapshots (session_id, version, snapshot) \
        VALUES ($1::uuid, $2::bigint, $3::json) \
        ON CONFLICT (session_id) DO UPDATE \
        SET version = EXCLUDED.version, snapshot = EXCLUDED.snapshot \
        WHERE session_snapshots.version < EXCLUDED.version";
    /// `$1` account ids: the existing ones, locked in ascending id order.
    lock_accounts => format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE"
    );
    /// `$1` transfer ids: the existing records, locked, in commit order.
    lock_transfers => format!(
        "SELECT {TRANSFER_COLUMNS} FROM transfers WHERE id = ANY($1::uuid[]) ORDER BY seq FOR UPDATE"
    );
    /// New balances of locked accounts (aborts if one is missing).
    update_accounts => "WITH changed AS ( \
            UPDATE accounts AS a SET debits_pending = v.dp, debits_posted = v.dpo, \
                credits_pending = v.cp, credits_posted = v.cpo \
            FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::numeric[], $5::numeric[]) \
                AS v(id, dp, dpo, cp, cpo) \
            WHERE a.id = v.id \
            RETURNING 1) \
        SELECT patungan_expect((SELECT count(*) FROM changed), cardinality($1::uuid[]), 'XX001', \
            'a locked ledger account is missing')";
    /// Accounts opened in this transaction (a unique violation if another opened one first).
    insert_accounts => format!(
        "INSERT INTO accounts ({ACCOUNT_COLUMNS}) \
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], \
             $6::text[], $7::uuid[], $8::numeric[], $9::numeric[], $10::numeric[], $11::numeric[])"
    );
    /// New transfer records, in commit order.
    insert_transfers => format!(
        "INSERT INTO transfers ({TRANSFER_COLUMNS}) \
         SELECT {TRANSFER_COLUMNS} FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], \
             $5::numeric[], $6::uuid[], $7::uuid[], $8::numeric[], $9::text[], $10::text[], \
             $11::uuid[], $12::numeric[]) \
         WITH ORDINALITY AS t({TRANSFER_COLUMNS}, ord) ORDER BY ord"
    );
    /// The new pending status of existing records (aborts if one is missing).
    update_transfers => "WITH changed AS ( \
            UPDATE transfers AS t SET pending_status = v.status, resolved_by = v.resolved, \
                posted_amount = v.amount \
            FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::numeric[]) \
                AS v(id, status, resolved, amount) \
            WHERE t.id = v.id \
            RETURNING 1) \
        SELECT patungan_expect((SELECT count(*) FROM changed), cardinality($1::uuid[]), 'XX001', \
            'an updated transfer record does not exist')";
    /// The session head and log and the outbox entries a transaction queued since its
    /// last read, in one statement: `$1` session (NULL: none) moved from version `$2`
    /// to `$3` (aborting with a serialization failure if it is not at `$2`), its
    /// events (`$6`), and new outbox entries (`$7..$13`; existing ids are left as
    /// they are).
    write_batch => format!(
        "WITH head AS ( \
            UPDATE sessions SET version = $3::bigint, status = $4::text, \
                next_deadline = $5::timestamptz \
            WHERE $1::uuid IS NOT NULL AND id = $1::uuid AND version = $2::bigint \
            RETURNING id), \
        log AS ( \
            INSERT INTO session_events (session_id, seq, event) \
            SELECT head.id, $2::bigint + e.ord, e.event \
            FROM head, unnest($6::jsonb[]) WITH ORDINALITY AS e(event, ord)), \
        queued AS ( \
            INSERT INTO outbox ({OUTBOX_COLUMNS}) \
            SELECT * FROM unnest($7::uuid[], $8::jsonb[], $9::text[], $10::text[], \
                $11::int4[], $12::timestamptz[], $13::timestamptz[]) \
            ON CONFLICT (id) DO NOTHING) \
        SELECT patungan_expect((SELECT count(*) FROM head), \
            CASE WHEN $1::uuid IS NULL THEN 0 ELSE 1 END, '40001', \
            'session ' || coalesce($1::uuid::text, '') || ' is not at version ' || $2::bigint::text)"
    );
    /// `$1` effect id: the entry, locked.
    lock_outbox => format!("SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = $1::uuid FOR UPDATE");
    /// `$1` ids: those outbox entries, locked in id order.
    lock_outboxes => format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE"
    );
    /// Replaces an entry's state, attempts and next attempt (inserting it if missing).
    upsert_outbox => format!(
        "INSERT INTO outbox ({OUTBOX_COLUMNS}) \
         VALUES ($1::uuid, $2::jsonb, $3::text, $4::text, $5::int4, $6::timestamptz, $7::timestamptz) \
         ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, error = EXCLUDED.error, \
             attempts = EXCLUDED.attempts, next_attempt_at = EXCLUDED.next_attempt_at"
    );
    /// Records a dedup key: one row back if it is new, none if it was seen.
    inbox_insert => "INSERT INTO inbox (key, at) VALUES ($1::text, $2::timestamptz) \
        ON CONFLICT (key) DO NOTHING RETURNING true";
    /// Sessions due at `$1`, soonest first, at most `$2`.
    due_sessions => "SELECT id FROM sessions WHERE next_deadline <= $1::timestamptz \
        ORDER BY next_deadline, id LIMIT $2::bigint";
    /// Pending outbox entries due at `$1`, oldest first, at most `$2`.
    /// `$1` now, `$2` limit, `$3` until: claims the due entries (their next attempt
    /// moves to `$3`), oldest first. A row another transaction holds is waited for
    /// and checked again (not skipped: a lock may be a reader's, not a claim), so two
    /// claims never take the same entry.
    claim_outbox => format!(
        "WITH due AS (SELECT id FROM outbox \
             WHERE state = 'pending' AND next_attempt_at <= $1::timestamptz \
             ORDER BY next_attempt_at, created_at, id LIMIT $2::bigint \
             FOR UPDATE) \
         UPDATE outbox o SET next_attempt_at = $3::timestamptz FROM due WHERE o.id = due.id \
         RETURNING {CLAIMED_COLUMNS}"
    );
    due_outbox => format!(
        "SELECT {OUTBOX_COLUMNS} FROM outbox \
         WHERE state = 'pending' AND next_attempt_at <= $1::timestamptz \
         ORDER BY next_attempt_at, created_at, id LIMIT $2::bigint"
    );
    /// Every account, by id.
    dump_accounts => format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id");
    /// Every transfer record, in commit order.
    dump_transfers => format!("SELECT {TRANSFER_COLUMNS} FROM transfers ORDER BY seq");
    /// Every session with its status, by id.
    list_sessions => "SELECT id, status FROM sessions ORDER BY id";
    /// `$1` payment: its invoice, locked.
    invoice_lock => select(&INVOICES, "payment_id = $1::uuid", true);
    /// `$1` payment: its invoice.
    invoice_read => select(&INVOICES, "payment_id = $1::uuid", false);
    /// `$1` payments: their invoices, locked.
    invoices_lock => select(&INVOICES, "payment_id = ANY($1::uuid[])", true);
    /// `$1` payments: their invoices.
    invoices_read => select(&INVOICES, "payment_id = ANY($1::uuid[])", false);
    /// Inserts or replaces an invoice.
    invoice_put => upsert(&INVOICES);
    /// Inserts an invoice this transaction saw missing (a unique violation if another
    /// transaction wrote it first).
    invoice_insert => insert(&INVOICES);
    /// `$1` reference: the refund attempt, locked.
    refund_lock => select(&REFUNDS, "reference = $1::text", true);
    /// `$1` reference: the refund attempt.
    refund_read => select(&REFUNDS, "reference = $1::text", false);
    /// Inserts or replaces a refund attempt.
    refund_put => upsert(&REFUNDS);
    /// Inserts a refund attempt this transaction saw missing (a unique violation if another
    /// transaction wrote it first).
    refund_insert => insert(&REFUNDS);
    /// `$1` status: the refund attempts with it, locked.
    refunds_with_status_lock => select(&REFUNDS, "status = $1::text", true);
    /// `$1` status: the refund attempts with it.
    refunds_with_status_read => select(&REFUNDS, "status = $1::text", false);
    /// `$1` session, `$2` payment: the attempts to refund it, locked.
    refunds_of_payment_lock => select(&REFUNDS, "session_id = $1::uuid AND payment_id = $2::uuid", true);
    /// `$1` session, `$2` payment: the attempts to refund it.
    refunds_of_payment_read => select(&REFUNDS, "session_id = $1::uuid AND payment_id = $2::uuid", false);
    /// `$1` anomaly: the attempts to refund it, locked.
    refunds_of_anomaly_lock => select(&REFUNDS, "anomaly_id = $1::uuid", true);
    /// `$1` anomaly: the attempts to refund it.
    refunds_of_anomaly_read => select(&REFUNDS, "anomaly_id = $1::uuid", false);
    /// `$1` id: the payment anomaly, locked.
    anomaly_lock => select(&ANOMALIES, "id = $1::uuid", true);
    /// `$1` id: the payment anomaly.
    anomaly_read => select(&ANOMALIES, "id = $1::uuid", false);
    /// Inserts or replaces a payment anomaly.
    anomaly_put => upsert(&ANOMALIES);
    /// Inserts a payment anomaly this transaction saw missing (a unique violation if another
    /// transaction wrote it first).
    anomaly_insert => insert(&ANOMALIES);
    /// Every payment anomaly, locked.
    anomalies_lock => select(&ANOMALIES, "true", true);
    /// Every payment anomaly.
    anomalies_read => select(&ANOMALIES, "true", false);
    /// `$1` id: the withdrawal, locked.
    withdrawal_lock => select(&WITHDRAWALS, "id = $1::uuid", true);
    /// `$1` id: the withdrawal.
    withdrawal_read => select(&WITHDRAWALS, "id = $1::uuid", false);
    /// Inserts or replaces a withdrawal.
    withdrawal_put => upsert(&WITHDRAWALS);
    /// Inserts a withdrawal this transaction saw missing (a unique violation if another
    /// transaction wrote it first).
    withdrawal_insert => insert(&WITHDRAWALS);
    /// `$1` status: the withdrawals with it, locked.
    withdrawals_with_status_lock => select(&WITHDRAWALS, "status = $1::text", true);
    /// `$1` status: the withdrawals with it.
    withdrawals_with_status_read => select(&WITHDRAWALS, "status = $1::text", false);
    /// Every withdrawal, locked.
    withdrawals_lock => select(&WITHDRAWALS, "true", true);
    /// Every withdrawal.
    withdrawals_read => select(&WITHDRAWALS, "true", false);
    /// `$1` currency: its payout schedule, locked.
    payout_schedule_lock => select(&PAYOUT_SCHEDULES, "currency = $1::text", true);
    /// `$1` currency: its payout schedule.
    payout_schedule_read => select(&PAYOUT_SCHEDULES, "currency = $1::text", false);
    /// Inserts or replaces a payout schedule.
    payout_schedule_put => upsert(&PAYOUT_SCHEDULES);
    /// `$1` id: the order, locked.
    order_lock => select(&ORDERS, "id = $1::uuid", true);
    /// `$1` id: the order.
    order_read => select(&ORDERS, "id = $1::uuid", false);
    /// Inserts or replaces an order.
    order_put => upsert(&ORDERS);
    /// Inserts an order this transaction saw missing.
    order_insert => insert(&ORDERS);
    /// `$1` session: its orders, locked.
    orders_of_session_lock => select(&ORDERS, "session_id = $1::uuid", true);
    /// `$1` session: its orders.
    orders_of_session_read => select(&ORDERS, "session_id = $1::uuid", false);
    /// `$1` user: their orders, locked.
    orders_of_user_lock => select(&ORDERS, "user_id = $1::uuid", true);
    /// `$1` user: their orders.
    orders_of_user_read => select(&ORDERS, "user_id = $1::uuid", false);
    /// `$1` provider id: the order of that standing shipment, locked.
    order_of_shipment_lock => select(&ORDERS, "shipment_id = $1::text", true);
    /// `$1` provider id: the order of that standing shipment.
    order_of_shipment_read => select(&ORDERS, "shipment_id = $1::text", false);
    /// Orders waiting for an operator, locked.
    orders_awaiting_operator_lock => select(&ORDERS, AWAITING_OPERATOR, true);
    /// Orders waiting for an operator.
    orders_awaiting_operator_read => select(&ORDERS, AWAITING_OPERATOR, false);
    /// `$1` session: its purchase order, locked.
    purchase_order_lock => select(&PURCHASE_ORDERS, "session_id = $1::uuid", true);
    /// `$1` session: its purchase order.
    purchase_order_read => select(&PURCHASE_ORDERS, "session_id = $1::uuid", false);
    /// Inserts or replaces a purchase order.
    purchase_order_put => upsert(&PURCHASE_ORDERS);
    /// Inserts a purchase order this transaction saw missing.
    purchase_order_insert => insert(&PURCHASE_ORDERS);
    /// Every purchase order, locked.
    purchase_orders_lock => select(&PURCHASE_ORDERS, "true", true);
    /// Every purchase order.
    purchase_orders_read => select(&PURCHASE_ORDERS, "true", false);
    /// Open purchase orders, locked.
    open_purchase_orders_lock => select(&PURCHASE_ORDERS, OPEN_PURCHASE_ORDERS, true);
    /// Open purchase orders.
    open_purchase_orders_read => select(&PURCHASE_ORDERS, OPEN_PURCHASE_ORDERS, false);
    /// `$1` id: the notification, locked.
    notification_lock => select(&NOTIFICATIONS, "id = $1::uuid", true);
    /// `$1` id: the notification.
    notification_read => select(&NOTIFICATIONS, "id = $1::uuid", false);
    /// Inserts or replaces a notification.
    notification_put => upsert(&NOTIFICATIONS);
    /// Inserts a notification this transaction saw missing.
    notification_insert => insert(&NOTIFICATIONS);
    /// `$1` id: the inbox entry, locked.
    user_inbox_lock => select(&INBOX, "id = $1::uuid", true);
    /// `$1` id: the inbox entry.
    user_inbox_read => select(&INBOX, "id = $1::uuid", false);
    /// `$1` user: their inbox entries, locked.
    user_inbox_of_user_lock => select(&INBOX, "user_id = $1::uuid", true);
    /// `$1` user: their inbox entries.
    user_inbox_of_user_read => select(&INBOX, "user_id = $1::uuid", false);
    /// Inserts or replaces an inbox entry.
    user_inbox_put => upsert(&INBOX);
    /// Inserts an inbox entry this transaction saw missing.
    user_inbox_insert => insert(&INBOX);
    /// `$1` id: the quote, locked.
    quote_lock => select(&QUOTES, "id = $1::uuid", true);
    /// `$1` id: the quote.
    quote_read => select(&QUOTES, "id = $1::uuid", false);
    /// Inserts or replaces a quote.
    quote_put => upsert(&QUOTES);
    /// Inserts a quote this transaction saw missing.
    quote_insert => insert(&QUOTES);
    /// `$1` participant: their delivery, locked.
    delivery_lock => select(&DELIVERIES, "participant_id = $1::uuid", true);
    /// `$1` participant: their delivery.
    delivery_read => select(&DELIVERIES, "participant_id = $1::uuid", false);
    /// Inserts or replaces a delivery.
    delivery_put => upsert(&DELIVERIES);
    /// Inserts a delivery this transaction saw missing.
    delivery_insert => insert(&DELIVERIES);
    /// `$1` id: the factory payout, locked.
    factory_payout_lock => select(&FACTORY_PAYOUTS, "id = $1::text", true);
    /// `$1` id: the factory payout.
    factory_payout_read => select(&FACTORY_PAYOUTS, "id = $1::text", false);
    /// Every factory payout, locked.
    factory_payouts_lock => select(&FACTORY_PAYOUTS, "true", true);
    /// Every factory payout.
    factory_payouts_read => select(&FACTORY_PAYOUTS, "true", false);
    /// `$1` status: the factory payouts with it, locked.
    factory_payouts_with_status_lock => select(&FACTORY_PAYOUTS, "status = $1::text", true);
    /// `$1` status: the factory payouts with it.
    factory_payouts_with_status_read => select(&FACTORY_PAYOUTS, "status = $1::text", false);
    /// Inserts or replaces a factory payout.
    factory_payout_put => upsert(&FACTORY_PAYOUTS);
    /// Inserts a factory payout this transaction saw missing.
    factory_payout_insert => insert(&FACTORY_PAYOUTS);
    /// `$1` dedup key: the parked shipment report, locked.
    parked_report_lock => select(&PARKED_REPORTS, "id = $1::text", true);
    /// `$1` dedup key: the parked shipment report.
    parked_report_read => select(&PARKED_REPORTS, "id = $1::text", false);
    /// `$1` provider order id: its reports not yet applied, locked.
    parked_reports_of_lock => select(&PARKED_REPORTS, PARKED_WAITING, true);
    /// `$1` provider order id: its reports not yet applied.
    parked_reports_of_read => select(&PARKED_REPORTS, PARKED_WAITING, false);
    /// Inserts or replaces a parked shipment report.
    parked_report_put => upsert(&PARKED_REPORTS);
    /// Inserts a parked shipment report this transaction saw missing.
    parked_report_insert => insert(&PARKED_REPORTS);
    /// `$1` product: its stock head (locked) joined with its lines.
    stock_lock => format!("{STOCK_SELECT} FOR UPDATE OF s");
    /// `$1` product: its stock head joined with its lines.
    stock_read => STOCK_SELECT;
    /// `$1` product: a stock head this transaction saw missing.
    stock_insert => "INSERT INTO stocks (product_id) VALUES ($1::uuid)";
    /// `$1` product: its stock head, if it has none yet.
    stock_head => "INSERT INTO stocks (product_id) VALUES ($1::uuid) ON CONFLICT (product_id) DO NOTHING";
    /// `$1` product: removes its lines (before they are written again).
    stock_lines_clear => "DELETE FROM stock_lines WHERE product_id = $1::uuid";
    /// `$1` product, `$2..$5` variants, on hand, reserved, pledged: its lines.
    stock_lines_insert => "INSERT INTO stock_lines (product_id, variant_id, on_hand, reserved, pledged) \
        SELECT $1::uuid, * FROM unnest($2::uuid[], $3::int8[], $4::int8[], $5::int8[])";
    /// Inserts a payout schedule this transaction saw missing (a unique violation if another
    /// transaction wrote it first).
    payout_schedule_insert => insert(&PAYOUT_SCHEDULES);
}
