//! Payouts the gateway will not report on (docs/domain.md §9): a batch it rejected as a whole,
//! and items it stayed silent about for too long.
//!
//! An attempt counts as sent at its batch key's scheduled instant
//! ([`BatchKey::instant`]): that is when the batch run took it, and the only instant
//! every replica agrees on. The silence of an item is measured from there.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::{PayoutEffect, PayoutResult, Withdrawals};
use crate::ledger::Ledger;
use crate::wallet::batch::{BatchKey, PayoutItemKey};
use crate::wallet::error::WalletError;
use crate::wallet::withdrawal::{PayoutAttempt, PayoutOutcome, Withdrawal, WithdrawalStatus};

/// How long an item may stay without a result before its status is asked for: 48 h.
pub const DEFAULT_PAYOUT_SILENCE: TimeDelta = TimeDelta::hours(48);

/// The failure code recorded when the gateway does not know an attempt.
pub const PAYOUT_NOT_FOUND: &str = "PAYOUT_NOT_FOUND";

/// What the gateway says about one payout item when asked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PayoutStatus {
    /// Received, no result yet.
    Pending,
    /// The bank account was credited.
    Completed,
    /// The payout failed with the gateway's failure code.
    Failed {
        /// e.g. `"INVALID_DESTINATION"`.
        failure_code: String,
    },
    /// The gateway has no payout under this item key.
    NotFound,
}

/// An item sent in a batch that has had no result for at least the silence limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SilentPayout {
    /// The attempt waiting for a result.
    pub item: PayoutItemKey,
    /// The batch it was sent in, at the batch's scheduled instant.
    pub batch: BatchKey,
    /// How many whole silence limits have passed since (1 for the first): a status
    /// query keyed by (item, period) is asked once per period.
    pub period: u32,
}

/// The attempt of `w` still waiting for the gateway: its last, while in a batch.
fn pending_attempt(w: &Withdrawal) -> Option<&PayoutAttempt> {
    if w.status != WithdrawalStatus::InBatch {
        return None;
    }
    w.attempts.last().filter(|a| a.outcome.is_none())
}

fn key_of(w: &Withdrawal, attempt: &PayoutAttempt) -> PayoutItemKey {
    PayoutItemKey {
        withdrawal: w.id(),
        attempt: attempt.attempt,
    }
}

impl Withdrawals {
    /// The items of `batch` still waiting for a result, with their withdrawals, by id.
    pub fn in_flight(
        &self,
        batch: BatchKey,
    ) -> impl Iterator<Item = (PayoutItemKey, &Withdrawal)> + '_ {
        self.withdrawals.values().filter_map(move |w| {
            let attempt = pending_attempt(w).filter(|a| a.batch == batch)?;
            Some((key_of(w, attempt), w))
        })
    }

    /// Whether `item` was sent and still waits for its result.
    pub fn is_in_flight(&self, item: PayoutItemKey) -> bool {
        self.withdrawals
            .get(&item.withdrawal)
            .and_then(pending_attempt)
            .is_some_and(|a| a.attempt == item.attempt)
    }

    /// The gateway rejected `batch` as a whole with `failure_code`: every item of it
    /// still in flight is resolved exactly like its own failure with that code
    /// ([`Withdrawals::apply_result`]): a temporary code re-queues it while attempts
    /// remain, any other voids its hold. Returns each resolved item with its effect;
    /// items already resolved are left alone, so a repeated rejection returns nothing.
    ///
    /// Each item is resolved atomically; should the ledger refuse one, the items
    /// before it stay resolved and a repeated call resolves the rest.
    pub fn reject_batch(
        &mut self,
        ledger: &mut Ledger,
        batch: BatchKey,
        failure_code: &str,
    ) -> Result<Vec<(PayoutItemKey, PayoutEffect)>, WalletError> {
        let items: Vec<PayoutItemKey> = self.in_flight(batch).map(|(item, _)| item).collect();
        items
            .into_iter()
            .map(|item| {
                let result = PayoutResult {
                    item,
                    outcome: PayoutOutcome::Failed {
                        failure_code: failure_code.to_owned(),
                    },
                };
                Ok((item, self.apply_result(ledger, &result)?))
            })
            .collect()
    }

    /// The items without a result at `now` although sent at least `silence` ago (see
    /// the module notes: sent = the batch's scheduled instant), by withdrawal id. A
    /// `silence` of zero or less finds none.
    pub fn silent(&self, now: DateTime<Utc>, silence: TimeDelta) -> Vec<SilentPayout> {
        let limit = silence.num_milliseconds();
        if limit <= 0 {
            return Vec::new();
        }
        self.withdrawals
            .values()
            .filter_map(|w| {
                let attempt = pending_attempt(w)?;
                let sent_at = attempt.batch.instant;
                let periods = now.signed_duration_since(sent_at).num_milliseconds() / limit;
                (periods >= 1).then(|| SilentPayout {
                    item: key_of(w, attempt),
                    batch: attempt.batch,
                    period: u32::try_from(periods).unwrap_or(u32::MAX),
                })
            })
            .collect()
    }

    /// Applies what the gateway said when asked about `item`:
    ///
    /// - [`PayoutStatus::Completed`] and [`PayoutStatus::Failed`] exactly like the same
    ///   callback ([`Withdrawals::apply_result`]);
    /// - [`PayoutStatus::Pending`] changes nothing ([`PayoutEffect::Unchanged`]);
    /// - [`PayoutStatus::NotFound`]: the gateway never took the attempt, so no money
    ///   moved. It counts as a temporary failure whatever the policy's codes, recorded
    ///   as [`PAYOUT_NOT_FOUND`]: re-queued while attempts remain (the next batch sends
    ///   a new attempt), else the hold is voided and the withdrawal fails. Ask only
    ///   about attempts the gateway accepted: a batch still being submitted may yet
    ///   deliver an attempt declared lost.
    ///
    /// The same report again is [`PayoutEffect::Unchanged`]; a report contradicting the
    /// recorded result is [`WalletError::ConflictingResult`].
    pub fn apply_status(
        &mut self,
        ledger: &mut Ledger,
        item: PayoutItemKey,
        status: &PayoutStatus,
    ) -> Result<PayoutEffect, WalletError> {
        let (outcome, temporary) = match status {
            PayoutStatus::Pending => {
                self.sent_attempt(item)?;
                return Ok(PayoutEffect::Unchanged);
            }
            PayoutStatus::Completed => (PayoutOutcome::Completed, false),
            PayoutStatus::Failed { failure_code } => {
                let outcome = PayoutOutcome::Failed {
                    failure_code: failure_code.clone(),
                };
                return self.apply_result(ledger, &PayoutResult { item, outcome });
            }
            PayoutStatus::NotFound => (
                PayoutOutcome::Failed {
                    failure_code: PAYOUT_NOT_FOUND.to_owned(),
                },
                true,
            ),
        };
        self.resolve(ledger, &PayoutResult { item, outcome }, temporary)
    }

    /// The attempt `item` names, or why there is none.
    fn sent_attempt(&self, item: PayoutItemKey) -> Result<&PayoutAttempt, WalletError> {
        let id = item.withdrawal;
        self.withdrawals
            .get(&id)
            .ok_or(WalletError::UnknownWithdrawal { id })?
            .attempts
            .iter()
            .find(|a| a.attempt == item.attempt)
            .ok_or(WalletError::NotInFlight { item })
    }
}
