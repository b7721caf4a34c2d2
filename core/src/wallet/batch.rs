//! Planning payout batches (docs/domain.md §9): cutoff at the most recent scheduled instant,
//! (requested_at, id) order, batches of at most 1 000 items, deterministic keys.

use std::collections::HashSet;
use std::fmt;
use std::num::NonZeroUsize;
use std::str::FromStr;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

use super::schedule::WithdrawalSchedule;
use super::withdrawal::{BankAccount, Withdrawal, WithdrawalStatus};
use crate::ids::{UserId, WithdrawalId};
use crate::ledger::hashing::IdBuildHasher;
use crate::money::{Money, MoneyError};

const BATCH_TIME_FORMAT: &str = "%Y%m%dT%H%M%SZ";

/// A malformed batch or item key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a valid payout key")]
pub struct KeyParseError(pub String);

/// The idempotency key of a batch: its scheduled instant and its index in that run,
/// written `wdb-20250107T030000Z-0` (the instant in UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BatchKey {
    /// The scheduled instant of the run (the cutoff).
    pub instant: DateTime<Utc>,
    /// 0 for the first batch of the run.
    pub index: u32,
}

impl fmt::Display for BatchKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "wdb-{}-{}",
            self.instant.format(BATCH_TIME_FORMAT),
            self.index
        )
    }
}

impl FromStr for BatchKey {
    type Err = KeyParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || KeyParseError(s.to_owned());
        let rest = s.strip_prefix("wdb-").ok_or_else(bad)?;
        let (time, index) = rest.split_once('-').ok_or_else(bad)?;
        let instant = NaiveDateTime::parse_from_str(time, BATCH_TIME_FORMAT)
            .map_err(|_| bad())?
            .and_utc();
        let index = index.parse().map_err(|_| bad())?;
        Ok(BatchKey { instant, index })
    }
}

impl TryFrom<String> for BatchKey {
    type Error = KeyParseError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<BatchKey> for String {
    fn from(key: BatchKey) -> Self {
        key.to_string()
    }
}

/// The idempotency key (and gateway `external_id`) of one payout attempt, written
/// `wdi-<withdrawal uuid>-<attempt>`. Each attempt has its own key, so the gateway pays
/// an attempt at most once however often it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PayoutItemKey {
    /// The withdrawal.
    pub withdrawal: WithdrawalId,
    /// 1 for the first attempt.
    pub attempt: u32,
}

impl fmt::Display for PayoutItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "wdi-{}-{}", self.withdrawal, self.attempt)
    }
}

impl FromStr for PayoutItemKey {
    type Err = KeyParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || KeyParseError(s.to_owned());
        let rest = s.strip_prefix("wdi-").ok_or_else(bad)?;
        let (id, attempt) = rest.rsplit_once('-').ok_or_else(bad)?;
        Ok(PayoutItemKey {
            withdrawal: id.parse().map_err(|_| bad())?,
            attempt: attempt.parse().map_err(|_| bad())?,
        })
    }
}

impl TryFrom<String> for PayoutItemKey {
    type Error = KeyParseError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<PayoutItemKey> for String {
    fn from(key: PayoutItemKey) -> Self {
        key.to_string()
    }
}

/// How large batches may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BatchLimits {
    /// Most items in one batch (default 1 000).
    pub max_items: NonZeroUsize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            max_items: NonZeroUsize::MIN.saturating_add(999),
        }
    }
}

/// One payout to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchItem {
    /// Idempotency key / external id of this attempt.
    pub key: PayoutItemKey,
    /// The wallet owner.
    pub user: UserId,
    /// What the bank receives.
    pub net: Money,
    /// The platform's fee (already taken from the amount).
    pub fee: Money,
    /// Where the money goes.
    pub destination: BankAccount,
    /// When the withdrawal was requested.
    pub requested_at: DateTime<Utc>,
}

/// A batch of payouts to send in one gateway call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Batch {
    /// Idempotency key of the batch.
    pub key: BatchKey,
    /// The items, in (requested_at, withdrawal id) order.
    pub items: Vec<BatchItem>,
}

impl Batch {
    /// Σ net amounts of the items (zero for an empty batch in `currency`).
    pub fn total_net(&self, currency: crate::money::Currency) -> Result<Money, MoneyError> {
        Money::checked_sum(currency, self.items.iter().map(|i| i.net))
    }
}

/// Plans the payout batches of a run at `now` (pure; see also
/// [`Withdrawals::plan`](super::Withdrawals::plan), which also marks the items as sent).
///
/// The cutoff is the most recent scheduled instant ≤ `now`. Every *queued* withdrawal
/// requested strictly before the cutoff is taken — so a missed run is caught up by the
/// next one — sorted by (requested_at, id), each once, and split into batches of at most
/// `limits.max_items`. Batch keys derive from the cutoff and the batch index, item keys
/// from the withdrawal id and its attempt number: planning the same input twice gives
/// the same keys, which the gateway deduplicates.
pub fn plan_batches<'a>(
    pending: impl IntoIterator<Item = &'a Withdrawal>,
    now: DateTime<Utc>,
    schedule: &WithdrawalSchedule,
    limits: BatchLimits,
) -> Vec<Batch> {
    let Some(cutoff) = schedule.last_instant_at_or_before(now) else {
        return Vec::new();
    };
    // Sort compact integer keys (seconds, nanoseconds, id) rather than chasing pointers.
    let mut eligible: Vec<(i64, u32, u128, &Withdrawal)> = pending
        .into_iter()
        .filter(|w| w.status() == WithdrawalStatus::Queued && w.requested_at() < cutoff)
        .map(|w| {
            let at = w.requested_at();
            (
                at.timestamp(),
                at.timestamp_subsec_nanos(),
                w.id().as_uuid().as_u128(),
                w,
            )
        })
        .collect();
    eligible.sort_unstable_by_key(|&(secs, nanos, id, _)| (secs, nanos, id));
    let mut seen: HashSet<u128, IdBuildHasher> =
        HashSet::with_capacity_and_hasher(eligible.len(), Default::default());
    eligible.retain(|&(_, _, id, _)| seen.insert(id));
    eligible
        .chunks(limits.max_items.get())
        .enumerate()
        .map(|(index, chunk)| Batch {
            key: BatchKey {
                instant: cutoff,
                index: u32::try_from(index).unwrap_or(u32::MAX),
            },
            items: chunk.iter().map(|&(_, _, _, w)| item_for(w)).collect(),
        })
        .collect()
}

fn item_for(w: &Withdrawal) -> BatchItem {
    let attempt = u32::try_from(w.attempts().len())
        .unwrap_or(u32::MAX)
        .saturating_add(1);
    BatchItem {
        key: PayoutItemKey {
            withdrawal: w.id(),
            attempt,
        },
        user: w.user(),
        net: w.net(),
        fee: w.fee(),
        destination: w.request().destination.clone(),
        requested_at: w.requested_at(),
    }
}
