//! Payments' rows: invoices, refund attempts and payment anomalies (migration
//! `0002_typed_rows`).

use patungan_core::ledger::RefundDestination;
use patungan_core::payments::{Anomaly, AnomalyStatus, Invoice, Mismatch, PaidReport};
use patungan_core::refunds::{OperatorAction, RefundAttempt, RefundSource, RefundStatus};
use patungan_core::{AnomalyId, Currency, Money, ParticipantId, PaymentId, SessionId, UserId};
use patungan_ports::store::StoreError;
use rust_decimal::Decimal;
use tokio_postgres::Row;
use uuid::Uuid;

use super::Table;
use crate::codec::{currency, from_name, get, money, name_of, Param};
use crate::error::corrupt;

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

pub(crate) fn encode_invoice(r: &Invoice) -> Vec<Param> {
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

pub(crate) fn decode_invoice(row: &Row) -> Result<Invoice, StoreError> {
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

pub(crate) fn encode_refund(r: &RefundAttempt) -> Result<Vec<Param>, StoreError> {
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

pub(crate) fn decode_refund(row: &Row) -> Result<RefundAttempt, StoreError> {
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

pub(crate) fn encode_anomaly(r: &Anomaly) -> Result<Vec<Param>, StoreError> {
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

pub(crate) fn decode_mismatch(row: &Row) -> Result<Mismatch, StoreError> {
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

pub(crate) fn decode_anomaly(row: &Row) -> Result<Anomaly, StoreError> {
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
