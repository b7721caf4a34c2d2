//! The withdrawal state machine (docs/domain.md §9): request → hold → batch → completed, failed
//! or re-queued; reversal after success; repeated callbacks are no-ops.

mod recovery;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::batch::{plan_batches, Batch, BatchKey, BatchLimits, PayoutItemKey};
use super::error::WalletError;
use super::policy::WithdrawalPolicy;
use super::schedule::WithdrawalSchedule;
use super::wallets::Wallets;
use super::withdrawal::{
    PayoutAttempt, PayoutOutcome, Withdrawal, WithdrawalRequest, WithdrawalStatus,
};
use crate::ids::{TransferId, WithdrawalId};
use crate::ledger::{
    derive_uuid, Chart, ChartAccount, Ledger, Outcome, Posting, Transfer, TransferCode,
};

pub use recovery::{PayoutStatus, SilentPayout, DEFAULT_PAYOUT_SILENCE, PAYOUT_NOT_FOUND};

const HOLD_NET: u32 = 0xC001;
const HOLD_FEE: u32 = 0xC002;
const POST_NET: u32 = 0xC003;
const POST_FEE: u32 = 0xC004;
const VOID_NET: u32 = 0xC005;
const VOID_FEE: u32 = 0xC006;
const REVERSE_NET: u32 = 0xC007;
const REVERSE_FEE: u32 = 0xC008;

/// The ledger transfer id of step `tag` of withdrawal `id`: `derive_uuid(id, tag << 32)`.
fn transfer_id(id: WithdrawalId, tag: u32) -> TransferId {
    TransferId::from_uuid(derive_uuid(*id.as_uuid(), u64::from(tag) << 32))
}

/// The gateway's result for one payout item (a batch callback line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutResult {
    /// The item's key (the gateway's `external_id`).
    pub item: PayoutItemKey,
    /// Completed, or failed with a code.
    pub outcome: PayoutOutcome,
}

/// What applying a payout result did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayoutEffect {
    /// The hold was posted: the bank got the net, the platform the fee.
    Completed,
    /// The hold was voided: the full amount is back in the wallet.
    Failed,
    /// A temporary failure: queued again for the next batch, the hold kept.
    Requeued,
    /// The same result was already applied: nothing changed.
    Unchanged,
}

/// Every withdrawal and the withdrawal rules, driven with a [`Ledger`] passed in.
///
/// A request holds the amount at once (two linked pending transfers out of the wallet:
/// net → bank payouts, fee → withdrawal fee revenue). [`Withdrawals::plan`] sends queued
/// withdrawals in batches; [`Withdrawals::apply_result`] posts the hold (completed),
/// voids it (failed) or re-queues the withdrawal (temporary failure, up to
/// `max_attempts` attempts). When the gateway will not report, [`Withdrawals::reject_batch`]
/// resolves a batch it rejected as a whole, [`Withdrawals::silent`] finds items silent for
/// too long and [`Withdrawals::apply_status`] applies what the gateway says when asked.
/// Every ledger transfer id derives from the withdrawal id, so replays are no-ops; every
/// refused call changes nothing.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use patungan_core::ledger::{Chart, CreditReason, Ledger, WalletCredit};
/// use patungan_core::wallet::*;
/// use patungan_core::{Currency, Money, UserId, WithdrawalId};
/// use uuid::Uuid;
///
/// let chart = Chart::new(Currency::IDR);
/// let mut ledger = Ledger::new();
/// let user = UserId::from_u128(1);
/// let wallets = Wallets::new(chart);
/// wallets.credit(&mut ledger, &WalletCredit {
///     reference: Uuid::from_u128(1), user, amount: Money::idr(500_000), reason: CreditReason::Deposit,
/// })?;
///
/// let mut withdrawals = Withdrawals::new(chart, WithdrawalPolicy::default())?;
/// let id = WithdrawalId::from_u128(9);
/// withdrawals.request(&mut ledger, WithdrawalRequest {
///     id, user, amount: Money::idr(100_000),
///     destination: BankAccount {
///         bank_code: "BCA".into(), account_number: "1234567890".into(), holder_name: "Siti Aminah".into(),
///     },
///     requested_at: Utc.with_ymd_and_hms(2025, 1, 6, 8, 0, 0).unwrap(), // a Monday
/// })?;
/// assert_eq!(wallets.balance(&ledger, user)?.available, Money::idr(400_000));
///
/// // Tuesday 10:00 WIB = 03:00 UTC.
/// let tuesday = Utc.with_ymd_and_hms(2025, 1, 7, 3, 0, 0).unwrap();
/// let batches = withdrawals.plan(tuesday, &WithdrawalSchedule::default(), BatchLimits::default());
/// let item = &batches[0].items[0];
/// assert_eq!(item.net, Money::idr(97_500));
/// assert_eq!(batches[0].key.to_string(), "wdb-20250107T030000Z-0");
///
/// let result = PayoutResult { item: item.key, outcome: PayoutOutcome::Completed };
/// assert_eq!(withdrawals.apply_result(&mut ledger, &result)?, PayoutEffect::Completed);
/// assert_eq!(withdrawals.apply_result(&mut ledger, &result)?, PayoutEffect::Unchanged);
/// assert_eq!(wallets.balance(&ledger, user)?.posted, Money::idr(400_000));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "WithdrawalsState")]
pub struct Withdrawals {
    chart: Chart,
    policy: WithdrawalPolicy,
    withdrawals: BTreeMap<WithdrawalId, Withdrawal>,
    last_planned: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct WithdrawalsState {
    chart: Chart,
    policy: WithdrawalPolicy,
    withdrawals: BTreeMap<WithdrawalId, Withdrawal>,
    last_planned: Option<DateTime<Utc>>,
}

impl TryFrom<WithdrawalsState> for Withdrawals {
    type Error = WalletError;

    fn try_from(state: WithdrawalsState) -> Result<Self, Self::Error> {
        let mut restored = Withdrawals::new(state.chart, state.policy)?;
        if state.withdrawals.iter().any(|(id, w)| *id != w.id()) {
            return Err(WalletError::InvalidPolicy {
                reason: "withdrawal keys must match their ids",
            });
        }
        restored.withdrawals = state.withdrawals;
        restored.last_planned = state.last_planned;
        Ok(restored)
    }
}

impl Withdrawals {
    /// No withdrawals yet; `policy` must be valid and in `chart`'s currency.
    pub fn new(chart: Chart, policy: WithdrawalPolicy) -> Result<Self, WalletError> {
        policy.validate()?;
        if policy.minimum.currency() != chart.currency() {
            return Err(WalletError::InvalidPolicy {
                reason: "the policy's currency must be the chart's",
            });
        }
        Ok(Withdrawals {
            chart,
            policy,
            withdrawals: BTreeMap::new(),
            last_planned: None,
        })
    }

    /// A book over some withdrawals only (the rows one operation needs, loaded from a
    /// store) and the cutoff of the last planned run. The rules are those of the whole
    /// book: an operation naming a withdrawal that was not loaded reports it unknown,
    /// and [`Withdrawals::plan`] sends only queued withdrawals, so the queued ones are
    /// all it needs. Withdrawals in another currency than `chart`'s are refused.
    pub fn working_set(
        chart: Chart,
        policy: WithdrawalPolicy,
        last_planned: Option<DateTime<Utc>>,
        withdrawals: impl IntoIterator<Item = Withdrawal>,
    ) -> Result<Self, WalletError> {
        let mut book = Withdrawals::new(chart, policy)?;
        for w in withdrawals {
            if w.amount().currency() != chart.currency() {
                return Err(WalletError::CurrencyMismatch {
                    expected: chart.currency(),
                    found: w.amount().currency(),
                });
            }
            book.withdrawals.insert(w.id(), w);
        }
        book.last_planned = last_planned;
        Ok(book)
    }

    /// The withdrawals that are new or differ from `loaded` (this book before an
    /// operation): what a store must write back, by id.
    pub fn changed_since<'a>(
        &'a self,
        loaded: &'a Withdrawals,
    ) -> impl Iterator<Item = &'a Withdrawal> + 'a {
        self.withdrawals
            .values()
            .filter(move |w| loaded.get(w.id()) != Some(*w))
    }

    /// The rules in force.
    pub fn policy(&self) -> &WithdrawalPolicy {
        &self.policy
    }

    /// The chart of accounts used.
    pub fn chart(&self) -> &Chart {
        &self.chart
    }

    /// The withdrawal with this id.
    pub fn get(&self, id: WithdrawalId) -> Option<&Withdrawal> {
        self.withdrawals.get(&id)
    }

    /// Every withdrawal, by id.
    pub fn iter(&self) -> impl Iterator<Item = &Withdrawal> {
        self.withdrawals.values()
    }

    /// How many withdrawals there are.
    pub fn len(&self) -> usize {
        self.withdrawals.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.withdrawals.is_empty()
    }

    /// The cutoff of the last planned run.
    pub fn last_planned(&self) -> Option<DateTime<Utc>> {
        self.last_planned
    }

    /// The two pending transfers (net, fee) holding withdrawal `id`'s amount.
    pub fn hold_ids(id: WithdrawalId) -> [TransferId; 2] {
        [transfer_id(id, HOLD_NET), transfer_id(id, HOLD_FEE)]
    }

    /// Validates a request and holds its amount in the wallet. The identical request
    /// again is a no-op; a different request under a used id is an error.
    pub fn request(
        &mut self,
        ledger: &mut Ledger,
        request: WithdrawalRequest,
    ) -> Result<Outcome, WalletError> {
        if let Some(existing) = self.withdrawals.get(&request.id) {
            return if existing.request == request {
                Ok(Outcome::AlreadyExists)
            } else {
                Err(WalletError::WithdrawalExists { id: request.id })
            };
        }
        let wallets = Wallets::new(self.chart);
        if request.amount.currency() != self.chart.currency() {
            return Err(WalletError::CurrencyMismatch {
                expected: self.chart.currency(),
                found: request.amount.currency(),
            });
        }
        if request.amount.amount() < self.policy.minimum.amount() {
            return Err(WalletError::BelowMinimum {
                amount: request.amount,
                minimum: self.policy.minimum,
            });
        }
        request.destination.validate(&self.policy)?;
        let fee = self.policy.fee;
        let net = self.policy.net_of(request.amount)?;
        let hold = self.hold_posting(&request, net);
        wallets.execute(ledger, &hold, request.user, request.amount)?;
        self.withdrawals.insert(
            request.id,
            Withdrawal {
                request,
                fee,
                net,
                status: WithdrawalStatus::Queued,
                attempts: Vec::new(),
                failure_code: None,
            },
        );
        Ok(Outcome::Created)
    }

    /// Plans the batch run at `now` and marks its items as sent (see [`plan_batches`]).
    /// Each scheduled instant is planned once: a second run for the same (or an earlier)
    /// instant returns nothing; withdrawals re-queued or recorded late go to the next.
    pub fn plan(
        &mut self,
        now: DateTime<Utc>,
        schedule: &WithdrawalSchedule,
        limits: BatchLimits,
    ) -> Vec<Batch> {
        let Some(cutoff) = schedule.last_instant_at_or_before(now) else {
            return Vec::new();
        };
        if self.last_planned.is_some_and(|planned| planned >= cutoff) {
            return Vec::new();
        }
        let batches = plan_batches(self.withdrawals.values(), now, schedule, limits);
        // Mark the planned withdrawals in one merge pass over the id-ordered map.
        let mut marks: Vec<(WithdrawalId, u32, BatchKey)> = batches
            .iter()
            .flat_map(|b| {
                b.items
                    .iter()
                    .map(move |i| (i.key.withdrawal, i.key.attempt, b.key))
            })
            .collect();
        marks.sort_unstable_by_key(|&(id, _, _)| id);
        let mut marks = marks.into_iter().peekable();
        for (id, w) in self.withdrawals.iter_mut() {
            let Some(&(next, attempt, batch)) = marks.peek() else {
                break;
            };
            if next == *id {
                w.status = WithdrawalStatus::InBatch;
                w.attempts.push(PayoutAttempt {
                    attempt,
                    batch,
                    outcome: None,
                });
                marks.next();
            }
        }
        self.last_planned = Some(cutoff);
        batches
    }

    /// Applies the gateway's result for one item. The same result again is
    /// [`PayoutEffect::Unchanged`]; a contradicting one is an error.
    pub fn apply_result(
        &mut self,
        ledger: &mut Ledger,
        result: &PayoutResult,
    ) -> Result<PayoutEffect, WalletError> {
        let temporary = match &result.outcome {
            PayoutOutcome::Completed => false,
            PayoutOutcome::Failed { failure_code } => self.policy.is_temporary(failure_code),
        };
        self.resolve(ledger, result, temporary)
    }

    /// Records `result` for its attempt: completed → the hold is posted; failed →
    /// re-queued if `temporary` and attempts remain, else the hold is voided.
    fn resolve(
        &mut self,
        ledger: &mut Ledger,
        result: &PayoutResult,
        temporary: bool,
    ) -> Result<PayoutEffect, WalletError> {
        let item = result.item;
        let id = item.withdrawal;
        let w = self
            .withdrawals
            .get(&id)
            .ok_or(WalletError::UnknownWithdrawal { id })?;
        let attempt = w
            .attempts
            .iter()
            .find(|a| a.attempt == item.attempt)
            .ok_or(WalletError::NotInFlight { item })?;
        if let Some(recorded) = &attempt.outcome {
            return if *recorded == result.outcome {
                Ok(PayoutEffect::Unchanged)
            } else {
                Err(WalletError::ConflictingResult { item })
            };
        }
        if w.status != WithdrawalStatus::InBatch {
            return Err(WalletError::NotInFlight { item });
        }
        let [hold_net, hold_fee] = Withdrawals::hold_ids(id);
        let (effect, status, failure_code) = match &result.outcome {
            PayoutOutcome::Completed => {
                ledger.apply(&[
                    Transfer::post(transfer_id(id, POST_NET), hold_net, None)
                        .with_code(TransferCode::WithdrawalPayout),
                    Transfer::post(transfer_id(id, POST_FEE), hold_fee, None)
                        .with_code(TransferCode::WithdrawalFee),
                ])?;
                (PayoutEffect::Completed, WithdrawalStatus::Completed, None)
            }
            PayoutOutcome::Failed { failure_code } => {
                let used = u32::try_from(w.attempts.len()).unwrap_or(u32::MAX);
                if temporary && used < self.policy.max_attempts {
                    (PayoutEffect::Requeued, WithdrawalStatus::Queued, None)
                } else {
                    ledger.apply(&[
                        Transfer::void(transfer_id(id, VOID_NET), hold_net)
                            .with_code(TransferCode::WithdrawalPayout),
                        Transfer::void(transfer_id(id, VOID_FEE), hold_fee)
                            .with_code(TransferCode::WithdrawalFee),
                    ])?;
                    (
                        PayoutEffect::Failed,
                        WithdrawalStatus::Failed,
                        Some(failure_code.clone()),
                    )
                }
            }
        };
        if let Some(w) = self.withdrawals.get_mut(&id) {
            w.status = status;
            w.failure_code = failure_code;
            if let Some(a) = w.attempts.iter_mut().find(|a| a.attempt == item.attempt) {
                a.outcome = Some(result.outcome.clone());
            }
        }
        Ok(effect)
    }

    /// A completed payout was reversed by the bank: credits the full amount (net from
    /// bank payouts, fee from fee revenue) back to the wallet. Again: a no-op.
    pub fn reverse(
        &mut self,
        ledger: &mut Ledger,
        id: WithdrawalId,
    ) -> Result<Outcome, WalletError> {
        let w = self
            .withdrawals
            .get(&id)
            .ok_or(WalletError::UnknownWithdrawal { id })?;
        match w.status {
            WithdrawalStatus::Reversed => return Ok(Outcome::AlreadyExists),
            WithdrawalStatus::Completed => {}
            status => return Err(WalletError::NotCompleted { id, status }),
        }
        let wallet = self.chart.wallet(w.user());
        ledger.apply(&[
            Transfer::posted(
                transfer_id(id, REVERSE_NET),
                self.chart.id(ChartAccount::BankPayouts),
                wallet,
                w.net,
            )
            .with_code(TransferCode::WithdrawalReversal),
            Transfer::posted(
                transfer_id(id, REVERSE_FEE),
                self.chart.id(ChartAccount::WithdrawalFeeRevenue),
                wallet,
                w.fee,
            )
            .with_code(TransferCode::WithdrawalReversal),
        ])?;
        if let Some(w) = self.withdrawals.get_mut(&id) {
            w.status = WithdrawalStatus::Reversed;
        }
        Ok(Outcome::Created)
    }

    fn hold_posting(&self, request: &WithdrawalRequest, net: crate::money::Money) -> Posting {
        let [hold_net, hold_fee] = Withdrawals::hold_ids(request.id);
        let wallet = self.chart.spec(ChartAccount::Wallet(request.user));
        let bank = self.chart.spec(ChartAccount::BankPayouts);
        let revenue = self.chart.spec(ChartAccount::WithdrawalFeeRevenue);
        Posting {
            accounts: vec![wallet, bank, revenue],
            transfers: vec![
                Transfer::pending(hold_net, wallet.id, bank.id, net)
                    .with_code(TransferCode::WithdrawalPayout),
                Transfer::pending(hold_fee, wallet.id, revenue.id, self.policy.fee)
                    .with_code(TransferCode::WithdrawalFee),
            ],
        }
    }
}
