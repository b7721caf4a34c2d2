//! Wallet rows: withdrawals (one row each, payout attempts as parallel arrays) and
//! the payout schedule of each currency (migration `0002_typed_rows`).

use chrono::{DateTime, Utc};
use patungan_core::wallet::{
    BankAccount, BatchKey, PayoutAttempt, PayoutOutcome, Withdrawal, WithdrawalParts,
    WithdrawalRequest, WithdrawalStatus,
};
use patungan_core::{UserId, WithdrawalId};
use patungan_ports::store::{PayoutSchedule, StoreError};
use tokio_postgres::Row;

use super::Table;
use crate::codec::{currency, from_name, get, money, name_of, Param};
use crate::error::corrupt;

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

pub(crate) fn encode_withdrawal(w: &Withdrawal) -> Result<Vec<Param>, StoreError> {
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

pub(crate) fn decode_attempts(row: &Row) -> Result<Vec<PayoutAttempt>, StoreError> {
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

pub(crate) fn decode_withdrawal(row: &Row) -> Result<Withdrawal, StoreError> {
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

pub(crate) fn decode_payout_schedule(row: &Row) -> Result<PayoutSchedule, StoreError> {
    const W: &str = "payout schedule";
    let code: &str = get(row, 0, W)?;
    let last_planned: Option<DateTime<Utc>> = get(row, 1, W)?;
    Ok(PayoutSchedule {
        currency: currency(code)?,
        last_planned,
    })
}
