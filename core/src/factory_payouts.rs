//! Paying factories (docs/domain.md §11): each receipt under a purchase order owes the
//! factory the goods cost of what arrived (the factory payable, [`FactoryGoods`]); a
//! payout through the disburser pays it. A payout is keyed by the purchase order and
//! the units received before its receipt, so each receipt is paid once; each attempt
//! has an external id of its own ([`FactoryPayoutKey`]), so the disburser pays an
//! attempt at most once however often it is sent.
//!
//! `submitted` → `paid` (the disburser confirmed: factory payable → supplier payouts)
//! or `failed` (the money stays owed; an operator retries under the next attempt).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::SessionId;
use crate::ledger::{Chart, FactoryGoods, Posting};
use crate::money::Money;
use crate::wallet::PayoutStatus;

/// The external id of one payout attempt to a factory:
/// `fpo-<purchase order (session) uuid>-<units received before>-<attempt>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FactoryPayoutKey {
    /// The session whose purchase order the goods arrived under.
    pub purchase_order: SessionId,
    /// Units received under the order before this receipt (tells receipts apart).
    pub received_before: u64,
    /// 1 for the first attempt.
    pub attempt: u32,
}

impl FactoryPayoutKey {
    /// The payout's id, the same for every attempt: `fpo-<uuid>-<received before>`.
    pub fn payout_id(&self) -> String {
        format!("fpo-{}-{}", self.purchase_order, self.received_before)
    }
}

impl fmt::Display for FactoryPayoutKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.payout_id(), self.attempt)
    }
}

/// A text that is not a factory payout key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a factory payout key: {0:?}")]
pub struct FactoryKeyError(pub String);

impl FromStr for FactoryPayoutKey {
    type Err = FactoryKeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || FactoryKeyError(s.to_owned());
        let rest = s.strip_prefix("fpo-").ok_or_else(bad)?;
        let (rest, attempt) = rest.rsplit_once('-').ok_or_else(bad)?;
        let (session, received_before) = rest.rsplit_once('-').ok_or_else(bad)?;
        Ok(FactoryPayoutKey {
            purchase_order: session.parse().map_err(|_| bad())?,
            received_before: received_before.parse().map_err(|_| bad())?,
            attempt: attempt.parse().map_err(|_| bad())?,
        })
    }
}

/// The failure code of a payout the bank reversed after it completed.
pub const REVERSED: &str = "REVERSED";

/// Where a factory payout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactoryPayoutStatus {
    /// Sent to the disburser; its result has not arrived.
    Submitted,
    /// The factory was paid.
    Paid,
    /// The disburser refused or failed it; the goods cost stays owed.
    Failed,
}

impl FactoryPayoutStatus {
    /// The snake_case name used in JSON and storage.
    pub const fn as_str(self) -> &'static str {
        match self {
            FactoryPayoutStatus::Submitted => "submitted",
            FactoryPayoutStatus::Paid => "paid",
            FactoryPayoutStatus::Failed => "failed",
        }
    }
}

/// What the disburser reported about an attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum FactoryPayoutOutcome {
    /// Paid.
    Completed,
    /// Not paid, with the provider's code.
    Failed {
        /// The provider's failure code.
        failure_code: String,
    },
    /// Paid, then reversed by the bank: the money came back.
    Reversed,
}

/// Why a factory payout action was refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FactoryPayoutError {
    /// A retry of a payout that has not failed.
    #[error("factory payout {payout} is {status:?}; only a failed payout is retried")]
    NotFailed {
        /// The payout id.
        payout: String,
        /// Its status.
        status: FactoryPayoutStatus,
    },
}

impl FactoryPayoutError {
    /// A stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            FactoryPayoutError::NotFailed { .. } => "factory_payout.not_failed",
        }
    }
}

/// The payout of one receipt's goods cost to the factory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactoryPayout {
    /// The purchase order (its session).
    pub purchase_order: SessionId,
    /// Units received under the order before this receipt.
    pub received_before: u64,
    /// The goods cost owed for the receipt.
    pub amount: Money,
    /// Where it stands.
    pub status: FactoryPayoutStatus,
    /// The current attempt, from 1.
    pub attempt: u32,
    /// The provider's code of the last failure.
    pub failure_code: Option<String>,
    /// When the current attempt was sent (silence is counted from here).
    pub sent_at: DateTime<Utc>,
}

impl FactoryPayout {
    /// The payout of a receipt's goods, submitted as attempt 1 at `now`.
    pub fn for_goods(goods: &FactoryGoods, now: DateTime<Utc>) -> FactoryPayout {
        FactoryPayout {
            purchase_order: goods.purchase_order,
            received_before: goods.received_before,
            amount: goods.amount,
            status: FactoryPayoutStatus::Submitted,
            attempt: 1,
            failure_code: None,
            sent_at: now,
        }
    }

    /// The current attempt's key.
    pub const fn key(&self) -> FactoryPayoutKey {
        FactoryPayoutKey {
            purchase_order: self.purchase_order,
            received_before: self.received_before,
            attempt: self.attempt,
        }
    }

    /// The payout's id (its row key): `fpo-<uuid>-<received before>`.
    pub fn id(&self) -> String {
        self.key().payout_id()
    }

    /// Applies the disburser's result for `attempt`: a completed payment pays the
    /// factory from the factory payable (the returned posting, once); a failure
    /// leaves the goods cost owed; a reversal of a paid attempt takes the payment
    /// back (owed again, failed with `REVERSED`, for an operator to retry). A result
    /// for another attempt than the current one, or one that does not fit where the
    /// payout stands, changes nothing (`None`, unchanged).
    pub fn settle(
        &mut self,
        attempt: u32,
        outcome: &FactoryPayoutOutcome,
        chart: &Chart,
    ) -> Option<Option<Posting>> {
        if attempt != self.attempt {
            return None;
        }
        match (self.status, outcome) {
            (FactoryPayoutStatus::Submitted, FactoryPayoutOutcome::Completed) => {
                self.status = FactoryPayoutStatus::Paid;
                Some(Some(chart.factory_paid(
                    self.purchase_order,
                    self.received_before,
                    attempt,
                    self.amount,
                )))
            }
            (FactoryPayoutStatus::Submitted, FactoryPayoutOutcome::Failed { failure_code }) => {
                self.status = FactoryPayoutStatus::Failed;
                self.failure_code = Some(failure_code.clone());
                Some(None)
            }
            // Reported reversed before (or without) its completion: paid and taken
            // back, so nothing moved; it failed.
            (FactoryPayoutStatus::Submitted, FactoryPayoutOutcome::Reversed) => {
                self.status = FactoryPayoutStatus::Failed;
                self.failure_code = Some(REVERSED.to_owned());
                Some(None)
            }
            (FactoryPayoutStatus::Paid, FactoryPayoutOutcome::Reversed) => {
                self.status = FactoryPayoutStatus::Failed;
                self.failure_code = Some(REVERSED.to_owned());
                Some(Some(chart.factory_paid_reversed(
                    self.purchase_order,
                    self.received_before,
                    attempt,
                    self.amount,
                )))
            }
            _ => None,
        }
    }

    /// How many whole `silence` periods the current attempt has waited for a result
    /// at `now` (from 1), if it waits and has been silent that long: the disburser is
    /// asked where it stands once per period.
    pub fn silent_period(&self, now: DateTime<Utc>, silence: TimeDelta) -> Option<u32> {
        if self.status != FactoryPayoutStatus::Submitted || silence <= TimeDelta::zero() {
            return None;
        }
        let waited = now.signed_duration_since(self.sent_at);
        let periods = waited.num_milliseconds() / silence.num_milliseconds().max(1);
        u32::try_from(periods).ok().filter(|p| *p >= 1)
    }

    /// Applies what the disburser answered when asked about `attempt`: paid or failed
    /// settle it as their webhook would; still pending changes nothing; a payout it
    /// does not know was never made, so it failed (`NOT_FOUND`) and stays owed.
    pub fn apply_status(
        &mut self,
        attempt: u32,
        status: &PayoutStatus,
        chart: &Chart,
    ) -> Option<Option<Posting>> {
        let outcome = match status {
            PayoutStatus::Pending => return None,
            PayoutStatus::Completed => FactoryPayoutOutcome::Completed,
            PayoutStatus::Failed { failure_code } => FactoryPayoutOutcome::Failed {
                failure_code: failure_code.clone(),
            },
            PayoutStatus::NotFound => FactoryPayoutOutcome::Failed {
                failure_code: "NOT_FOUND".to_owned(),
            },
        };
        self.settle(attempt, &outcome, chart)
    }

    /// An operator sends a failed payout again at `now`, as the next attempt.
    pub fn retry(&mut self, now: DateTime<Utc>) -> Result<(), FactoryPayoutError> {
        if self.status != FactoryPayoutStatus::Failed {
            return Err(FactoryPayoutError::NotFailed {
                payout: self.id(),
                status: self.status,
            });
        }
        self.status = FactoryPayoutStatus::Submitted;
        self.attempt = self.attempt.saturating_add(1);
        self.failure_code = None;
        self.sent_at = now;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::money::Currency;

    fn t(hours: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + hours * 3_600, 0).unwrap()
    }

    fn payout() -> FactoryPayout {
        let goods = FactoryGoods {
            purchase_order: SessionId::from_u128(7),
            received_before: 12,
            amount: Money::idr(480_000),
        };
        FactoryPayout::for_goods(&goods, t(0))
    }

    #[test]
    fn keys_round_trip_and_differ_per_attempt() {
        let mut p = payout();
        let first = p.key();
        assert_eq!(
            first.to_string().parse::<FactoryPayoutKey>().unwrap(),
            first
        );
        assert!(first.to_string().starts_with("fpo-"));
        assert!("wdi-x-1".parse::<FactoryPayoutKey>().is_err());
        p.status = FactoryPayoutStatus::Failed;
        p.retry(t(1)).unwrap();
        assert_ne!(p.key().to_string(), first.to_string());
        assert_eq!(p.id(), first.payout_id());
    }

    #[test]
    fn a_completed_payout_posts_once_and_a_failed_one_is_retried() {
        let chart = Chart::new(Currency::IDR);
        let mut p = payout();
        let failed = FactoryPayoutOutcome::Failed {
            failure_code: "INVALID_DESTINATION".into(),
        };
        assert_eq!(p.settle(1, &failed, &chart), Some(None));
        assert_eq!(p.settle(1, &FactoryPayoutOutcome::Completed, &chart), None);
        assert_eq!(
            payout().retry(t(1)).unwrap_err().code(),
            "factory_payout.not_failed"
        );
        p.retry(t(1)).unwrap();
        assert_eq!(p.settle(1, &FactoryPayoutOutcome::Completed, &chart), None);
        let posting = p.settle(2, &FactoryPayoutOutcome::Completed, &chart);
        assert_eq!(posting.unwrap().unwrap().transfers.len(), 1);
        assert_eq!(p.status, FactoryPayoutStatus::Paid);
        assert_eq!(p.settle(2, &FactoryPayoutOutcome::Completed, &chart), None);
    }

    #[test]
    fn a_silent_payout_is_asked_about_once_per_period_and_settles_as_answered() {
        let chart = Chart::new(Currency::IDR);
        let silence = TimeDelta::hours(48);
        let mut p = payout();
        assert_eq!(p.silent_period(t(47), silence), None);
        assert_eq!(p.silent_period(t(48), silence), Some(1));
        assert_eq!(p.silent_period(t(97), silence), Some(2));
        assert_eq!(p.apply_status(1, &PayoutStatus::Pending, &chart), None);
        let posting = p.apply_status(1, &PayoutStatus::Completed, &chart);
        assert!(posting.unwrap().is_some());
        assert_eq!(p.silent_period(t(200), silence), None);
        let mut lost = payout();
        assert_eq!(
            lost.apply_status(1, &PayoutStatus::NotFound, &chart),
            Some(None)
        );
        assert_eq!(lost.failure_code.as_deref(), Some("NOT_FOUND"));
    }

    #[test]
    fn a_reversed_payout_is_owed_again_and_paid_by_the_next_attempt() {
        let chart = Chart::new(Currency::IDR);
        let mut early = payout();
        assert_eq!(
            early.settle(1, &FactoryPayoutOutcome::Reversed, &chart),
            Some(None)
        );
        assert_eq!(
            early.settle(1, &FactoryPayoutOutcome::Completed, &chart),
            None,
            "late"
        );
        assert_eq!(early.status, FactoryPayoutStatus::Failed);
        let mut p = payout();
        let paid = p
            .settle(1, &FactoryPayoutOutcome::Completed, &chart)
            .unwrap()
            .unwrap();
        let back = p
            .settle(1, &FactoryPayoutOutcome::Reversed, &chart)
            .unwrap()
            .unwrap();
        assert_eq!(
            (p.status, p.failure_code.as_deref()),
            (FactoryPayoutStatus::Failed, Some(REVERSED))
        );
        assert_eq!(p.settle(1, &FactoryPayoutOutcome::Reversed, &chart), None);
        let (out, back) = (&paid.transfers[0], &back.transfers[0]);
        let ends = |op: &crate::ledger::TransferOp| match *op {
            crate::ledger::TransferOp::Posted {
                debit_account,
                credit_account,
                ..
            } => (debit_account, credit_account),
            _ => panic!("a posted transfer"),
        };
        let (from, to) = ends(&out.op);
        assert_eq!(ends(&back.op), (to, from), "the payment, taken back");
        p.retry(t(2)).unwrap();
        let again = p
            .settle(2, &FactoryPayoutOutcome::Completed, &chart)
            .unwrap()
            .unwrap();
        assert_ne!(
            again.transfers[0].id, out.id,
            "a new transfer for the new attempt"
        );
    }
}
