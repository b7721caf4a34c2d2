//! Typed rows ↔ tables: one table per row kind, one column per field (migration
//! `0002_typed_rows`). Each kind has its columns, its SQL and its codec here; the
//! statements are prepared with the others ([`crate::statements`]).

use chrono::{DateTime, Utc};
use patungan_core::ledger::RefundDestination;
use patungan_core::payments::{Anomaly, AnomalyStatus, Invoice, Mismatch, PaidReport};
use patungan_core::refunds::{OperatorAction, RefundAttempt, RefundSource, RefundStatus};
use patungan_core::wallet::{
    BankAccount, BatchKey, PayoutAttempt, PayoutOutcome, Withdrawal, WithdrawalParts,
    WithdrawalRequest, WithdrawalStatus,
};
use patungan_core::{
    AnomalyId, Currency, Money, ParticipantId, PaymentId, SessionId, UserId, WithdrawalId,
};
use patungan_engine::store::{PayoutSchedule, Row as StoreRow, RowKey, RowQuery, StoreError};
use rust_decimal::Decimal;
use tokio_postgres::{Row, Statement};
use uuid::Uuid;

use crate::codec::{currency, from_name, get, money, name_of, Param};
use crate::error::corrupt;
use crate::statements::Statements;

/// A table's name, columns (in codec order) and primary key column.
pub(crate) struct Table {
    name: &'static str,
    columns: &'static str,
    key: &'static str,
}

pub(crate) const INVOICES: Table = Table {
    name: "invoices",
    columns: "payment_id, session_id, participant_id, user_id, amount, currency, expires_at, \
        provider_invoice_id, url, abandoned",
    key: "payment_id",
};

pub(crate) const REFUNDS: Table = Table {
    name: "refunds",
    columns: "reference, source, session_id, payment_id, anomaly_id, user_id, amount, currency, \
        attempt, destination, status, provider_refund_id, failure_code, operator_action",
    key: "reference",
};

pub(crate) const ANOMALIES: Table = Table {
    name: "anomalies",
    columns: "id, payment_id, session_id, user_id, mismatch, expected_invoice_id, \
        reported_invoice_id, expected_currency, reported_currency, expected_amount, \
        reported_amount, provider_invoice_id, provider_payment_id, amount, currency, paid_at, \
        received_at, status",
    key: "id",
};

pub(crate) const WITHDRAWALS: Table = Table {
    name: "withdrawals",
    columns: "id, user_id, amount, currency, bank_code, account_number, holder_name, \
        requested_at, fee, net, status, failure_code, attempt_batches, attempt_outcomes, \
        attempt_failure_codes",
    key: "id",
};

pub(crate) const PAYOUT_SCHEDULES: Table = Table {
    name: "payout_schedules",
    columns: "currency, last_planned",
    key: "currency",
};

/// `SELECT` of a table's columns where `filter` holds, by key; `FOR UPDATE` when `lock`.
pub(crate) fn select(table: &Table, filter: &str, lock: bool) -> String {
    let Table { name, columns, key } = table;
    let lock = if lock { " FOR UPDATE" } else { "" };
    format!("SELECT {columns} FROM {name} WHERE {filter} ORDER BY {key}{lock}")
}

/// Insert or replace one row; parameters are untyped text in the SQL and typed by the
/// table's columns.
pub(crate) fn upsert(table: &Table) -> String {
    let Table { name, columns, key } = table;
    let names: Vec<&str> = columns.split(',').map(str::trim).collect();
    let values: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let updates: Vec<String> = names
        .iter()
        .filter(|c| *c != key)
        .map(|c| format!("{c} = EXCLUDED.{c}"))
        .collect();
    format!(
        "INSERT INTO {name} ({columns}) VALUES ({}) ON CONFLICT ({key}) DO UPDATE SET {}",
        values.join(", "),
        updates.join(", ")
    )
}

/// Insert one row that must not exist yet.
pub(crate) fn insert(table: &Table) -> String {
    let Table { name, columns, .. } = table;
    let values: Vec<String> = (1..=columns.split(',').count())
        .map(|i| format!("${i}"))
        .collect();
    format!(
        "INSERT INTO {name} ({columns}) VALUES ({})",
        values.join(", ")
    )
}

/// Whether a read locks the rows it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lock {
    /// `FOR UPDATE`: a writer's read.
    ForUpdate,
    /// A plain read.
    None,
}

/// The statement and parameters reading the row at `key`.
pub(crate) fn by_key(
    s: &Statements,
    key: &RowKey,
    lock: Lock,
) -> Result<(Statement, Vec<Param>), StoreError> {
    let locked = lock == Lock::ForUpdate;
    let pick = |a: &Statement, b: &Statement| if locked { a.clone() } else { b.clone() };
    Ok(match key {
        RowKey::Invoice(id) => (pick(&s.invoice_lock, &s.invoice_read), uuid(id.as_uuid())),
        RowKey::Refund(reference) => (
            pick(&s.refund_lock, &s.refund_read),
            vec![Box::new(reference.clone())],
        ),
        RowKey::Anomaly(id) => (pick(&s.anomaly_lock, &s.anomaly_read), uuid(id.as_uuid())),
        RowKey::Withdrawal(id) => (
            pick(&s.withdrawal_lock, &s.withdrawal_read),
            uuid(id.as_uuid()),
        ),
        RowKey::PayoutSchedule(c) => (
            pick(&s.payout_schedule_lock, &s.payout_schedule_read),
            vec![Box::new(c.code().to_owned())],
        ),
        other => return Err(unsupported(other)),
    })
}

/// The statement and parameters of a query.
pub(crate) fn by_query(
    s: &Statements,
    query: &RowQuery,
    lock: Lock,
) -> Result<(Statement, Vec<Param>), StoreError> {
    let locked = lock == Lock::ForUpdate;
    let pick = |a: &Statement, b: &Statement| if locked { a.clone() } else { b.clone() };
    Ok(match query {
        RowQuery::RefundsWithStatus(status) => (
            pick(&s.refunds_with_status_lock, &s.refunds_with_status_read),
            vec![Box::new(name_of(status, "refund status")?)],
        ),
        RowQuery::RefundsOf(RefundSource::Escrow { session, payment }) => (
            pick(&s.refunds_of_payment_lock, &s.refunds_of_payment_read),
            vec![Box::new(*session.as_uuid()), Box::new(*payment.as_uuid())],
        ),
        RowQuery::RefundsOf(RefundSource::Suspense { anomaly }) => (
            pick(&s.refunds_of_anomaly_lock, &s.refunds_of_anomaly_read),
            uuid(anomaly.as_uuid()),
        ),
        RowQuery::Anomalies => (pick(&s.anomalies_lock, &s.anomalies_read), Vec::new()),
        RowQuery::WithdrawalsWithStatus(status) => (
            pick(
                &s.withdrawals_with_status_lock,
                &s.withdrawals_with_status_read,
            ),
            vec![Box::new(name_of(status, "withdrawal status")?)],
        ),
        RowQuery::Withdrawals => (pick(&s.withdrawals_lock, &s.withdrawals_read), Vec::new()),
        other => {
            return Err(StoreError::Corrupt(format!(
                "the PostgreSQL store has no index for {other:?}"
            )))
        }
    })
}

/// The statement and parameters writing `row`: a plain insert when the transaction
/// read the row and found it `missing` (so two writers of a new row conflict), else an
/// upsert.
pub(crate) fn put(
    s: &Statements,
    row: &StoreRow,
    missing: bool,
) -> Result<(Statement, Vec<Param>), StoreError> {
    let pick = |insert: &Statement, upsert: &Statement| {
        if missing {
            insert.clone()
        } else {
            upsert.clone()
        }
    };
    Ok(match row {
        StoreRow::Invoice(r) => (pick(&s.invoice_insert, &s.invoice_put), encode_invoice(r)),
        StoreRow::Refund(r) => (pick(&s.refund_insert, &s.refund_put), encode_refund(r)?),
        StoreRow::Anomaly(r) => (pick(&s.anomaly_insert, &s.anomaly_put), encode_anomaly(r)?),
        StoreRow::Withdrawal(r) => (
            pick(&s.withdrawal_insert, &s.withdrawal_put),
            encode_withdrawal(r)?,
        ),
        StoreRow::PayoutSchedule(r) => (
            pick(&s.payout_schedule_insert, &s.payout_schedule_put),
            vec![
                Box::new(r.currency.code().to_owned()),
                Box::new(r.last_planned),
            ],
        ),
        other => return Err(unsupported(&other.key())),
    })
}

/// Decodes a row of the table `key` names.
pub(crate) fn decode_key(key: &RowKey, row: &Row) -> Result<StoreRow, StoreError> {
    match key {
        RowKey::Invoice(_) => decode_invoice(row).map(StoreRow::Invoice),
        RowKey::Refund(_) => decode_refund(row).map(StoreRow::Refund),
        RowKey::Anomaly(_) => decode_anomaly(row).map(StoreRow::Anomaly),
        RowKey::Withdrawal(_) => decode_withdrawal(row).map(StoreRow::Withdrawal),
        RowKey::PayoutSchedule(_) => decode_payout_schedule(row).map(StoreRow::PayoutSchedule),
        other => Err(unsupported(other)),
    }
}

/// Decodes a row a query found.
pub(crate) fn decode_query(query: &RowQuery, row: &Row) -> Result<StoreRow, StoreError> {
    match query {
        RowQuery::RefundsWithStatus(_) | RowQuery::RefundsOf(_) => {
            decode_refund(row).map(StoreRow::Refund)
        }
        RowQuery::Anomalies => decode_anomaly(row).map(StoreRow::Anomaly),
        RowQuery::WithdrawalsWithStatus(_) | RowQuery::Withdrawals => {
            decode_withdrawal(row).map(StoreRow::Withdrawal)
        }
        other => Err(StoreError::Corrupt(format!(
            "the PostgreSQL store has no index for {other:?}"
        ))),
    }
}

fn unsupported(key: &RowKey) -> StoreError {
    StoreError::Corrupt(format!("the PostgreSQL store has no table for {key:?}"))
}

fn uuid(id: &Uuid) -> Vec<Param> {
    vec![Box::new(*id)]
}

fn encode_invoice(r: &Invoice) -> Vec<Param> {
    vec![
        Box::new(*r.payment.as_uuid()),
        Box::new(*r.session.as_uuid()),
        Box::new(*r.participant.as_uuid()),
        Box::new(*r.user.as_uuid()),
        Box::new(r.amount.amount()),
        Box::new(r.amount.currency().code().to_owned()),
        Box::new(r.expires_at),
        Box::new(r.provider_invoice_id.clone()),
        Box::new(r.url.clone()),
        Box::new(r.abandoned),
    ]
}

fn decode_invoice(row: &Row) -> Result<Invoice, StoreError> {
    const W: &str = "invoice";
    let code: &str = get(row, 5, W)?;
    Ok(Invoice {
        payment: PaymentId::from_uuid(get(row, 0, W)?),
        session: SessionId::from_uuid(get(row, 1, W)?),
        participant: ParticipantId::from_uuid(get(row, 2, W)?),
        user: UserId::from_uuid(get(row, 3, W)?),
        amount: money(get(row, 4, W)?, currency(code)?, W)?,
        expires_at: get(row, 6, W)?,
        provider_invoice_id: get(row, 7, W)?,
        url: get(row, 8, W)?,
        abandoned: get(row, 9, W)?,
    })
}

fn encode_refund(r: &RefundAttempt) -> Result<Vec<Param>, StoreError> {
    let (source, session, payment, anomaly) = match r.source {
        RefundSource::Escrow { session, payment } => (
            "escrow",
            Some(*session.as_uuid()),
            Some(*payment.as_uuid()),
            None,
        ),
        RefundSource::Suspense { anomaly } => ("suspense", None, None, Some(*anomaly.as_uuid())),
    };
    let action = r
        .operator_action
        .map(|a| name_of(&a, "operator action"))
        .transpose()?;
    Ok(vec![
        Box::new(r.reference.clone()),
        Box::new(source),
        Box::new(session),
        Box::new(payment),
        Box::new(anomaly),
        Box::new(*r.user.as_uuid()),
        Box::new(r.amount.amount()),
        Box::new(r.amount.currency().code().to_owned()),
        Box::new(i64::from(r.attempt)),
        Box::new(name_of(&r.destination, "refund destination")?),
        Box::new(name_of(&r.status, "refund status")?),
        Box::new(r.provider_refund_id.clone()),
        Box::new(r.failure_code.clone()),
        Box::new(action),
    ])
}

fn decode_refund(row: &Row) -> Result<RefundAttempt, StoreError> {
    const W: &str = "refund";
    let source: &str = get(row, 1, W)?;
    let session: Option<Uuid> = get(row, 2, W)?;
    let payment: Option<Uuid> = get(row, 3, W)?;
    let anomaly: Option<Uuid> = get(row, 4, W)?;
    let source = match (source, session, payment, anomaly) {
        ("escrow", Some(session), Some(payment), None) => RefundSource::Escrow {
            session: SessionId::from_uuid(session),
            payment: PaymentId::from_uuid(payment),
        },
        ("suspense", None, None, Some(anomaly)) => RefundSource::Suspense {
            anomaly: AnomalyId::from_uuid(anomaly),
        },
        _ => return Err(StoreError::Corrupt(format!("refund source {source:?}"))),
    };
    let code: &str = get(row, 7, W)?;
    let attempt: i64 = get(row, 8, W)?;
    let destination: &str = get(row, 9, W)?;
    let status: &str = get(row, 10, W)?;
    let action: Option<&str> = get(row, 13, W)?;
    Ok(RefundAttempt {
        reference: get(row, 0, W)?,
        source,
        user: UserId::from_uuid(get(row, 5, W)?),
        amount: money(get(row, 6, W)?, currency(code)?, W)?,
        attempt: u32::try_from(attempt).map_err(|e| corrupt("refund attempt", e))?,
        destination: from_name::<RefundDestination>(destination, "refund destination")?,
        status: from_name::<RefundStatus>(status, "refund status")?,
        provider_refund_id: get(row, 11, W)?,
        failure_code: get(row, 12, W)?,
        operator_action: action
            .map(|a| from_name::<OperatorAction>(a, "operator action"))
            .transpose()?,
    })
}

/// The mismatch columns: kind, expected/reported invoice id, currency and amount.
type MismatchColumns = (
    &'static str,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<Decimal>,
    Option<Decimal>,
);

fn mismatch_columns(m: &Mismatch) -> MismatchColumns {
    match m {
        Mismatch::InvoiceId { expected, reported } => (
            "invoice_id",
            Some(expected.clone()),
            Some(reported.clone()),
            None,
            None,
            None,
            None,
        ),
        Mismatch::Currency { expected, reported } => (
            "currency",
            None,
            None,
            Some(expected.code().to_owned()),
            Some(reported.code().to_owned()),
            None,
            None,
        ),
        Mismatch::Amount { expected, reported } => (
            "amount",
            None,
            None,
            Some(expected.currency().code().to_owned()),
            Some(reported.currency().code().to_owned()),
            Some(expected.amount()),
            Some(reported.amount()),
        ),
    }
}

fn encode_anomaly(r: &Anomaly) -> Result<Vec<Param>, StoreError> {
    let (kind, expected_id, reported_id, expected_cur, reported_cur, expected_amt, reported_amt) =
        mismatch_columns(&r.mismatch);
    Ok(vec![
        Box::new(*r.id.as_uuid()),
        Box::new(*r.payment.as_uuid()),
        Box::new(*r.session.as_uuid()),
        Box::new(*r.user.as_uuid()),
        Box::new(kind),
        Box::new(expected_id),
        Box::new(reported_id),
        Box::new(expected_cur),
        Box::new(reported_cur),
        Box::new(expected_amt),
        Box::new(reported_amt),
        Box::new(r.reported.provider_invoice_id.clone()),
        Box::new(r.reported.provider_payment_id.clone()),
        Box::new(r.reported.amount.amount()),
        Box::new(r.reported.amount.currency().code().to_owned()),
        Box::new(r.reported.paid_at),
        Box::new(r.received_at),
        Box::new(name_of(&r.status, "anomaly status")?),
    ])
}

fn decode_mismatch(row: &Row) -> Result<Mismatch, StoreError> {
    const W: &str = "anomaly mismatch";
    let kind: &str = get(row, 4, W)?;
    let cur = |i: usize| -> Result<Currency, StoreError> {
        let code: Option<&str> = get(row, i, W)?;
        currency(code.unwrap_or_default())
    };
    let amount = |i: usize, c: Currency| -> Result<Money, StoreError> {
        let value: Option<Decimal> = get(row, i, W)?;
        let value = value.ok_or_else(|| StoreError::Corrupt("anomaly amount missing".into()))?;
        money(value, c, W)
    };
    let text = |i: usize| -> Result<String, StoreError> {
        let value: Option<String> = get(row, i, W)?;
        value.ok_or_else(|| StoreError::Corrupt("anomaly invoice id missing".into()))
    };
    Ok(match kind {
        "invoice_id" => Mismatch::InvoiceId {
            expected: text(5)?,
            reported: text(6)?,
        },
        "currency" => Mismatch::Currency {
            expected: cur(7)?,
            reported: cur(8)?,
        },
        "amount" => Mismatch::Amount {
            expected: amount(9, cur(7)?)?,
            reported: amount(10, cur(8)?)?,
        },
        other => return Err(StoreError::Corrupt(format!("anomaly mismatch {other:?}"))),
    })
}

fn decode_anomaly(row: &Row) -> Result<Anomaly, StoreError> {
    const W: &str = "anomaly";
    let code: &str = get(row, 14, W)?;
    let status: &str = get(row, 17, W)?;
    Ok(Anomaly {
        id: AnomalyId::from_uuid(get(row, 0, W)?),
        payment: PaymentId::from_uuid(get(row, 1, W)?),
        session: SessionId::from_uuid(get(row, 2, W)?),
        user: UserId::from_uuid(get(row, 3, W)?),
        mismatch: decode_mismatch(row)?,
        reported: PaidReport {
            provider_invoice_id: get(row, 11, W)?,
            provider_payment_id: get(row, 12, W)?,
            amount: money(get(row, 13, W)?, currency(code)?, W)?,
            paid_at: get(row, 15, W)?,
        },
        received_at: get(row, 16, W)?,
        status: from_name::<AnomalyStatus>(status, "anomaly status")?,
    })
}

fn encode_withdrawal(w: &Withdrawal) -> Result<Vec<Param>, StoreError> {
    let parts = w.to_parts();
    let request = &parts.request;
    let mut batches = Vec::with_capacity(parts.attempts.len());
    let mut outcomes: Vec<Option<&'static str>> = Vec::with_capacity(parts.attempts.len());
    let mut codes: Vec<Option<String>> = Vec::with_capacity(parts.attempts.len());
    for attempt in &parts.attempts {
        batches.push(attempt.batch.to_string());
        let (outcome, code) = match &attempt.outcome {
            None => (None, None),
            Some(PayoutOutcome::Completed) => (Some("completed"), None),
            Some(PayoutOutcome::Failed { failure_code }) => {
                (Some("failed"), Some(failure_code.clone()))
            }
        };
        outcomes.push(outcome);
        codes.push(code);
    }
    Ok(vec![
        Box::new(*request.id.as_uuid()),
        Box::new(*request.user.as_uuid()),
        Box::new(request.amount.amount()),
        Box::new(request.amount.currency().code().to_owned()),
        Box::new(request.destination.bank_code.to_string()),
        Box::new(request.destination.account_number.to_string()),
        Box::new(request.destination.holder_name.to_string()),
        Box::new(request.requested_at),
        Box::new(parts.fee.amount()),
        Box::new(parts.net.amount()),
        Box::new(name_of(&parts.status, "withdrawal status")?),
        Box::new(parts.failure_code),
        Box::new(batches),
        Box::new(outcomes),
        Box::new(codes),
    ])
}

fn decode_attempts(row: &Row) -> Result<Vec<PayoutAttempt>, StoreError> {
    const W: &str = "withdrawal attempts";
    let batches: Vec<String> = get(row, 12, W)?;
    let outcomes: Vec<Option<String>> = get(row, 13, W)?;
    let codes: Vec<Option<String>> = get(row, 14, W)?;
    if outcomes.len() != batches.len() || codes.len() != batches.len() {
        return Err(StoreError::Corrupt(
            "withdrawal attempt columns differ in length".into(),
        ));
    }
    let rows = batches.into_iter().zip(outcomes).zip(codes);
    (1..)
        .zip(rows)
        .map(|(attempt, ((batch, outcome), code))| {
            let batch: BatchKey = batch.parse().map_err(|e| corrupt(W, e))?;
            let outcome = match (outcome.as_deref(), code) {
                (None, None) => None,
                (Some("completed"), None) => Some(PayoutOutcome::Completed),
                (Some("failed"), Some(failure_code)) => {
                    Some(PayoutOutcome::Failed { failure_code })
                }
                (other, _) => {
                    return Err(StoreError::Corrupt(format!("payout outcome {other:?}")));
                }
            };
            Ok(PayoutAttempt {
                attempt,
                batch,
                outcome,
            })
        })
        .collect()
}

fn decode_withdrawal(row: &Row) -> Result<Withdrawal, StoreError> {
    const W: &str = "withdrawal";
    let code: &str = get(row, 3, W)?;
    let cur = currency(code)?;
    let bank_code: String = get(row, 4, W)?;
    let account_number: String = get(row, 5, W)?;
    let holder_name: String = get(row, 6, W)?;
    let status: &str = get(row, 10, W)?;
    let parts = WithdrawalParts {
        request: WithdrawalRequest {
            id: WithdrawalId::from_uuid(get(row, 0, W)?),
            user: UserId::from_uuid(get(row, 1, W)?),
            amount: money(get(row, 2, W)?, cur, W)?,
            destination: BankAccount {
                bank_code: bank_code.into(),
                account_number: account_number.into(),
                holder_name: holder_name.into(),
            },
            requested_at: get(row, 7, W)?,
        },
        fee: money(get(row, 8, W)?, cur, W)?,
        net: money(get(row, 9, W)?, cur, W)?,
        status: from_name::<WithdrawalStatus>(status, "withdrawal status")?,
        attempts: decode_attempts(row)?,
        failure_code: get(row, 11, W)?,
    };
    Withdrawal::from_parts(parts).map_err(|e| corrupt(W, e))
}

fn decode_payout_schedule(row: &Row) -> Result<PayoutSchedule, StoreError> {
    const W: &str = "payout schedule";
    let code: &str = get(row, 0, W)?;
    let last_planned: Option<DateTime<Utc>> = get(row, 1, W)?;
    Ok(PayoutSchedule {
        currency: currency(code)?,
        last_planned,
    })
}
